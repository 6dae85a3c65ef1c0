"""Column-by-column conversion of text cells to typed values, vectorised with pandas.

Every cell that cannot be converted, or is out of its plausible range, becomes a
:class:`Problem` naming its file, row and column; the rows' own rules (dates in
order, lab units) follow. No database access here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rltcare.errors import InputError
from rltcare.registry.importers.problems import Problem
from rltcare.registry.importers.template import TEMPLATE, FileColumn
from rltcare.registry.rules import ORDER, PSEUDONYM, PSEUDONYM_RULE, today
from rltcare.registry.vocab import CODES, EARLIEST_DATE_YEAR, LAB_UNITS, unit_key
from rltcare.units import parse_activity

MAX_PER_COLUMN = 50  # problems listed per column; the count says how many more
TRUE = {"true", "yes", "y", "1"}
FALSE = {"false", "no", "n", "0"}
_OFFSET = r"(?:Z|[+-]\d\d:?\d\d)$"


class Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, mask, column: str | None, reason, values=None) -> None:
        """A problem for each row where ``mask`` holds; ``reason`` may format the value."""
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        for i in rows[:MAX_PER_COLUMN]:
            value = None if values is None else values.iloc[i]
            text = reason(value) if callable(reason) else reason
            self.problems.append(Problem(self.file, int(i) + 2, column, text))
        if len(rows) > MAX_PER_COLUMN:
            self.problems.append(
                Problem(
                    self.file,
                    None,
                    column,
                    f"{len(rows) - MAX_PER_COLUMN} more rows with this problem",
                )
            )


def _numbers(s: pd.Series, empty: pd.Series, c: FileColumn, out: Collector) -> pd.Series:
    number = pd.to_numeric(s.where(~empty), errors="coerce")
    bad = ~empty & number.isna()
    if c.kind == "activity" and bad.any():
        for i in np.flatnonzero(bad):
            try:
                number.iloc[i] = parse_activity(s.iloc[i], field=c.name)
            except InputError as exc:
                out.problems.append(Problem(out.file, int(i) + 2, c.name, exc.message))
        bad = ~empty & number.isna()
    else:
        out.add(bad, c.name, lambda v: f"{v!r} is not a number", s)
    if c.kind == "int":
        fractional = number.notna() & (number % 1 != 0)
        out.add(fractional, c.name, lambda v: f"{v!r} is not a whole number", s)
    lo, hi = c.column.info.get("min"), c.column.info.get("max")
    if lo is not None:
        out.add(number < lo, c.name, lambda v: f"{v!r} is below the plausible minimum {lo:g}", s)
    if hi is not None:
        out.add(number > hi, c.name, lambda v: f"{v!r} is above the plausible maximum {hi:g}", s)
    return number


def _dates(s: pd.Series, empty: pd.Series, c: FileColumn, out: Collector) -> pd.Series:
    if c.kind == "datetime":
        naive = ~empty & ~s.str.contains(_OFFSET, regex=True)
        out.add(
            naive, c.name, lambda v: f"{v!r} has no time zone (write 2024-05-02T09:30+02:00)", s
        )
        stamp = pd.to_datetime(
            s.where(~empty & ~naive), format="ISO8601", utc=True, errors="coerce"
        )
        bad = ~empty & ~naive & stamp.isna()
        day = stamp.dt.tz_convert(None).dt.normalize()
    else:
        stamp = pd.to_datetime(s.where(~empty), format="%Y-%m-%d", errors="coerce")
        bad = ~empty & stamp.isna()
        day = stamp
    out.add(bad, c.name, lambda v: f"{v!r} is not a date (write YYYY-MM-DD)", s)
    future = day > pd.Timestamp(today()) + pd.Timedelta(days=1)
    out.add(future, c.name, lambda v: f"{v} is in the future", s)
    out.add(
        day.dt.year < EARLIEST_DATE_YEAR, c.name, lambda v: f"{v} is before {EARLIEST_DATE_YEAR}", s
    )
    return stamp


def convert(file: str, table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed columns (NaN/NaT/None for empty cells) and every problem found."""
    out = Collector(file)
    typed = {}
    for c in TEMPLATE[table]:
        if c.name not in frame:
            typed[c.name] = pd.Series([None] * len(frame), dtype=object)
            continue
        s = frame[c.name].astype(str).str.strip()
        empty = s == ""
        if c.required:
            out.add(empty, c.name, "required value is missing")
        if c.kind in ("int", "float", "activity"):
            typed[c.name] = _numbers(s, empty, c, out)
        elif c.kind in ("date", "datetime"):
            typed[c.name] = _dates(s, empty, c, out)
        elif c.kind == "bool":
            lowered = s.str.lower()
            bad = ~empty & ~lowered.isin(TRUE | FALSE)
            out.add(bad, c.name, lambda v: f"{v!r} is not yes/no (true/false)", s)
            typed[c.name] = lowered.map(
                lambda v: True if v in TRUE else False if v in FALSE else None
            )
        elif c.kind == "code":
            known = CODES[c.column.info["codes"]]
            lowered = s.str.lower()
            out.add(
                ~empty & ~lowered.isin(known),
                c.name,
                lambda v, known=known: f"unknown code {v!r} (known: {', '.join(known)})",
                s,
            )
            typed[c.name] = lowered.where(~empty, None)
        else:
            length = getattr(getattr(c.column, "type", None), "length", None) or 200
            out.add(s.str.len() > length, c.name, f"longer than {length} characters")
            if getattr(c.column, "info", {}).get("format") == "pseudonym":
                out.add(
                    ~empty & ~s.str.fullmatch(PSEUDONYM),
                    c.name,
                    lambda v: f"{v!r} is not a pseudonym: use {PSEUDONYM_RULE}",
                    s,
                )
            typed[c.name] = s.where(~empty, None)
    result = pd.DataFrame(typed, index=frame.index)
    _row_rules(table, result, out)
    return result, out.problems


def _row_rules(table: str, df: pd.DataFrame, out: Collector) -> None:
    for earlier, later in ORDER.get(table, []):
        out.add(df[earlier] > df[later], later, f"{later} is before {earlier}")
    if table == "vital_status":
        mismatch = (df["status"] == "dead") != df["died_on"].notna()
        out.add(mismatch, "died_on", "died_on is given exactly when status is 'dead'")
    if table == "lab_result":
        _lab_units(df, out)


def _lab_units(df: pd.DataFrame, out: Collector) -> None:
    factors = {
        (a, u): f for a, (_, spellings, _) in LAB_UNITS.items() for u, f in spellings.items()
    }
    keys = list(zip(df["analyte"], df["unit"].fillna("").map(unit_key), strict=True))
    factor = pd.Series([factors.get(k, np.nan) for k in keys], index=df.index)
    known = df["analyte"].notna() & df["unit"].notna()
    out.add(
        known & factor.isna(),
        "unit",
        lambda v: f"unit {v!r} is not accepted for this analyte",
        df["unit"],
    )
    for column in ("value", "ref_low", "ref_high"):
        df[column] = df[column] * factor
    df["unit"] = df["analyte"].map(lambda a: LAB_UNITS[a][0] if a in LAB_UNITS else None)
    lo = df["analyte"].map(lambda a: LAB_UNITS.get(a, (None, None, (-np.inf, np.inf)))[2][0])
    hi = df["analyte"].map(lambda a: LAB_UNITS.get(a, (None, None, (-np.inf, np.inf)))[2][1])
    implausible = factor.notna() & df["value"].notna() & ((df["value"] < lo) | (df["value"] > hi))
    message = pd.Series("", index=df.index)
    for i in np.flatnonzero(implausible):
        analyte, value = df["analyte"].iloc[i], df["value"].iloc[i]
        unit, _, (low, high) = LAB_UNITS[analyte]
        message.iloc[i] = (
            f"{analyte} {value:g} {unit} is implausible (expected {low:g} to {high:g} {unit})"
        )
    out.add(implausible, "value", lambda v: v, message)
