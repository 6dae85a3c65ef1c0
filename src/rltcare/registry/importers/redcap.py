"""Reading a REDCap records export (flat CSV, raw or label values) with its data dictionary.

The records become the import template's tables as text cells; the dictionary
says which raw value stands for which code. Every field must be one of the
registry's REDCap project (:mod:`~rltcare.registry.importers.redcap_layout`). Each
row remembers its record, instrument and instance, so that a problem found later
is reported in those terms (:class:`~rltcare.registry.importers.problems.Origin`).
"""

from __future__ import annotations

import io
import re

import pandas as pd

from rltcare.registry.importers.convert import Collector
from rltcare.registry.importers.problems import Origin, Problem
from rltcare.registry.importers.redcap_layout import (
    BY_FORM,
    BY_NAME,
    IGNORED,
    PREFIX,
    RECORD_ID,
    REPEAT_INSTANCE,
    REPEAT_INSTRUMENT,
    REPEATING,
    SINGLE,
    STRUCTURAL,
    complete_field,
    parse_choices,
)
from rltcare.registry.importers.template import TEMPLATE

NAME = "Variable / Field Name"
_NAIVE_TIME = re.compile(r"^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d(?::\d\d)?)$")
_COMPLETE = {complete_field(form) for form in PREFIX}


def _csv(name: str, data: bytes) -> tuple[pd.DataFrame | None, list[Problem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(name, None, None, "not UTF-8 text (export the file as CSV UTF-8)")]
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return None, [Problem(name, None, None, f"malformed CSV: {exc}")]
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, []


def _choices(name: str, dictionary: pd.DataFrame) -> tuple[dict[str, dict[str, str]], list]:
    """Raw value -> code for every dropdown field; problems for unknown fields and codes."""
    problems, choices = [], {}
    if NAME not in dictionary:
        return {}, [Problem(name, 1, None, f"not a REDCap data dictionary (no '{NAME}' column)")]
    column = "Choices, Calculations, OR Slider Labels"
    for i, row in dictionary.iterrows():
        field = row[NAME].strip()
        if field == RECORD_ID:
            continue
        if field not in BY_NAME:
            problems.append(
                Problem(name, int(i) + 2, NAME, f"unknown field {field!r} (not a registry field)")
            )
            continue
        codes = BY_NAME[field].codes
        if not codes:
            continue
        mapping = parse_choices(row.get(column, ""))
        for raw, label in mapping.items():
            if label not in codes:
                problems.append(
                    Problem(
                        name,
                        int(i) + 2,
                        column,
                        f"{field}: choice {raw} {label!r} is not a registry code "
                        f"(known: {', '.join(codes)})",
                    )
                )
        choices[field] = mapping
    return choices, problems


def _values(field: str, cells: pd.Series, choices: dict[str, dict[str, str]]) -> pd.Series:
    """A REDCap column in the import template's spelling (codes, yes/no, times with offset)."""
    cells = cells.str.strip()
    kind = BY_NAME[field].column.kind
    if kind == "code":  # raw values; a label export has the codes already
        return cells.map(choices.get(field, {})).fillna(cells)
    if kind == "bool":
        return cells.replace({"1": "yes", "0": "no"})
    if kind == "datetime":  # REDCap keeps no time zone: these times are UTC
        return cells.str.replace(_NAIVE_TIME, r"\1T\2+00:00", regex=True)
    return cells


def _header_problems(name: str, records: pd.DataFrame, known: set[str]) -> list[Problem]:
    problems = []
    if RECORD_ID not in records:
        problems.append(Problem(name, 1, RECORD_ID, "no record_id column (the pseudonym)"))
    for column in records.columns:
        if column in STRUCTURAL or column in IGNORED or column in _COMPLETE or column in known:
            continue
        reason = "not in the data dictionary given" if column in BY_NAME else "not a registry field"
        problems.append(Problem(name, 1, column, f"unknown field ({reason})"))
    return problems


def read_redcap(
    files: list[tuple[str, bytes]],
) -> tuple[dict[str, pd.DataFrame], list[Problem], Origin | None]:
    """Tables (text cells) from a records export and its dictionary, in any order."""
    dictionary = records = None
    problems: list[Problem] = []
    for name, data in files:
        frame, found = _csv(name, data)
        problems += found
        if frame is None:
            continue
        if NAME in frame:
            dictionary = (name, frame)
        else:
            records = (name, frame)
    if dictionary is None or records is None:
        missing = "data dictionary" if dictionary is None else "records export"
        where = (records or dictionary or (files[0][0] if files else "redcap", None))[0]
        problems.append(Problem(where, None, None, f"the REDCap {missing} is missing"))
        return {}, problems, None
    choices, found = _choices(*dictionary)
    problems += found
    known = set(dictionary[1][NAME].str.strip()) & set(BY_NAME)
    name, frame = records
    found = _header_problems(name, frame, known)
    if found:
        return {}, problems + found, None
    return _tables(name, frame, choices, known, problems)


def _tables(
    name: str,
    frame: pd.DataFrame,
    choices: dict[str, dict[str, str]],
    known: set[str],
    problems: list[Problem],
) -> tuple[dict[str, pd.DataFrame], list[Problem], Origin]:
    """One table row per record (patient, vital status) and per repeating instance."""
    origin = Origin(name)
    origin.columns = {
        form: {"pseudonym": RECORD_ID, **{f.column.name: f.name for f in fields}}
        for form, fields in BY_FORM.items()
    }
    blank = pd.Series("", index=frame.index)
    rid = frame[RECORD_ID].str.strip()
    form = frame.get(REPEAT_INSTRUMENT, blank).str.strip()
    instance = frame.get(REPEAT_INSTANCE, blank).str.strip()
    out = Collector(name)
    bad = pd.Series(False, index=frame.index)
    for mask, column, reason, values in (
        (rid == "", RECORD_ID, "the record id is missing", None),
        (
            (form != "") & ~form.isin(REPEATING),
            REPEAT_INSTRUMENT,
            lambda v: f"unknown repeating instrument {v!r} (known: {', '.join(REPEATING)})",
            form,
        ),
        (
            (form != "") & ~instance.str.fullmatch(r"\d+"),
            REPEAT_INSTANCE,
            lambda v: f"instance {v!r} is not a whole number",
            instance,
        ),
        (
            pd.DataFrame({"r": rid, "f": form, "n": instance}).duplicated(),
            None,
            lambda v: f"record {v} appears twice with this instrument and instance",
            rid,
        ),
    ):
        out.add(mask & ~bad, column, reason, values)
        bad |= mask
    present = [f for f in sorted(known) if f in frame]
    cells = {f: _values(f, frame[f], choices) for f in present}
    filled = {f: (values != "").to_numpy() for f, values in cells.items()}
    rows: dict[str, list[pd.DataFrame]] = {}
    for group in ["", *REPEATING]:
        chosen = ~bad & (form == group)
        if not chosen.any():
            continue
        forms = [group] if group else list(SINGLE)
        own = {f.name for table in forms for f in BY_FORM[table]}
        for field in (f for f in present if f not in own):
            out.add(
                chosen.to_numpy() & filled[field],
                field,
                f"has a value but belongs to instrument {BY_NAME[field].form}",
            )
        for table in forms:
            values = pd.DataFrame(
                {
                    f.column.name: cells[f.name][chosen] if f.name in cells else ""
                    for f in BY_FORM[table]
                },
                index=frame.index[chosen],
            )
            if not group:  # no vital status, or a patient the registry has (rows added to them)
                values = values[(values != "").any(axis=1)]
            values["pseudonym"] = rid[values.index]
            suffix = "" if not group else ", instance "
            numbers = instance[values.index] if group else pd.Series("", index=values.index)
            origin.rows[table] = [
                (int(i) + 2, f"record {r}, instrument {table}{suffix}{n}")
                for i, r, n in zip(values.index, values["pseudonym"], numbers, strict=True)
            ]
            rows[table] = values.reset_index(drop=True)
    problems += out.problems
    frames = {
        table: rows[table].reindex(columns=[c.name for c in TEMPLATE[table]]).fillna("")
        for table in PREFIX
        if table in rows and len(rows[table])
    }
    return frames, problems, origin
