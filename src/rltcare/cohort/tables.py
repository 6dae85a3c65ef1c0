"""The cohort's tables: their columns, and one CSV reader whose errors name file, line, column.

Each table is a long table with one row per value (PSA result, lesion observation, scan, lab
value, patient or centre). Files and uploads are read to text first (:class:`CsvFile`), so a
path, an uploaded file and, later, a registry export go through the same checks.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from rltcare.errors import InputError
from rltcare.outcomes import ctcae

#: An upload larger than this is refused before it is parsed.
MAX_BYTES = 2_000_000
LINE = "_line"  # the source line of each row, kept for error messages
TRUE, FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0", ""}


@dataclass(frozen=True)
class TableSpec:
    """A table's columns. ``strict``: reject columns not listed (typos would be lost)."""

    title: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    booleans: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    strict: bool = True

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


TABLES: dict[str, TableSpec] = {
    "psa": TableSpec(
        "PSA values (PCWG3)",
        ("patient_id", "start_date", "date"),
        ("value", "unit", "below_detection", "detection_limit"),
        booleans=("below_detection",),
    ),
    "lesions": TableSpec(
        "Lesion measurements (RECIST 1.1)",
        ("patient_id", "lesion_id", "date", "organ"),
        (
            "node",
            "diameter",
            "unit",
            "status",
            "new",
            "target",
            "baseline_date",
            "split_from",
            "merged_into",
        ),
        booleans=("node", "new", "target"),
    ),
    "bone_scans": TableSpec(
        "Bone scans (PCWG3 2+2)", ("patient_id", "date", "new_lesions"), numeric=("new_lesions",)
    ),
    "fdg": TableSpec(
        "FDG PET scans (PERCIST 1.0)",
        ("patient_id", "date"),
        (
            "sul_peak",
            "hottest_lesion",
            "liver_sul_mean",
            "liver_sul_sd",
            "blood_pool_sul_mean",
            "blood_pool_sul_sd",
            "uptake_time_min",
            "tlg",
            "new_lesions",
            "unequivocal_progression",
            "lesions",
        ),
        booleans=("new_lesions", "unequivocal_progression"),
    ),
    "eortc": TableSpec(
        "FDG PET SUV (EORTC 1999)",
        ("patient_id", "date"),
        (
            "suv",
            "cycles_given",
            "longest_dimension_mm",
            "extent_increase",
            "new_lesions",
            "complete_resolution",
        ),
        booleans=("extent_increase", "new_lesions", "complete_resolution"),
    ),
    "psma": TableSpec(
        "PSMA PET scans (RECIP 1.0)",
        ("patient_id", "date"),
        ("tumour_volume_ml", "new_lesions", "visual"),
        booleans=("new_lesions",),
    ),
    "survival": TableSpec(
        "Survival (time, event, groups)",
        ("time_days", "event"),
        numeric=("time_days", "event"),
        strict=False,
    ),
    "labs": TableSpec(
        "Laboratory values (CTCAE)",
        ctcae.COLUMNS,
        ctcae.OPTIONAL,
        numeric=("value", "lln", "uln", "baseline"),
        dates=("date",),
    ),
    "follow_up": TableSpec(
        "Follow-up (first cycle, last contact, death)",
        ("patient_id", "start_date", "end_date", "died"),
        booleans=("died",),
        dates=("start_date", "end_date"),
        strict=False,
    ),
    "centres": TableSpec(
        "Centres (funnel plot)",
        ("centre", "n", "events"),
        ("expected",),
        numeric=("n", "events", "expected"),
    ),
}


@dataclass(frozen=True)
class CsvFile:
    """A CSV's name (for messages) and its text."""

    name: str
    text: str = field(repr=False)

    @classmethod
    def from_path(cls, path: Path | str) -> CsvFile:
        path = Path(path)
        try:
            return cls.from_bytes(str(path), path.read_bytes(), limit=None)
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", file=path) from None

    @classmethod
    def from_bytes(cls, name: str, data: bytes, *, limit: int | None = MAX_BYTES) -> CsvFile:
        """Decode UTF-8 (with or without BOM); refuse files over ``limit`` bytes."""
        if limit is not None and len(data) > limit:
            raise InputError(
                f"file is {len(data) / 1e6:.1f} MB; the limit is {limit / 1e6:g} MB",
                file=name,
                hint="split the cohort, or use the command line (rltcare outcomes report)",
            )
        try:
            return cls(name, data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not UTF-8 text (byte {exc.start})", file=name, hint="save the file as CSV UTF-8"
            ) from None


def read_table(
    source: CsvFile, table: str, *, required: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """The CSV as a table of stripped strings (``""`` when empty) with a :data:`LINE` column.

    ``required`` replaces the table's required columns (e.g. a survival file's own time and
    event columns). Unknown columns of a strict table, missing columns and an empty file are
    errors naming the file and line 1.
    """
    spec = TABLES[table]
    need = spec.required if required is None else required
    try:
        frame = pd.read_csv(
            io.StringIO(source.text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except pd.errors.EmptyDataError:
        raise InputError("empty file: no header row", file=source.name, line=1) from None
    except pd.errors.ParserError as exc:
        raise InputError(f"cannot read CSV: {exc}".strip(), file=source.name) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if spec.strict:
        unknown = [c for c in frame.columns if c not in spec.columns]
        if unknown:
            raise InputError(
                f"unknown column '{unknown[0]}'",
                file=source.name,
                line=1,
                field=unknown[0],
                hint=f"columns: {', '.join(sorted(spec.columns))}",
            )
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise InputError(
            f"missing column '{missing[0]}'", file=source.name, line=1, field=missing[0]
        )
    if frame.empty:
        raise InputError("no data rows", file=source.name)
    frame = frame.apply(lambda col: col.str.strip())
    frame[LINE] = np.arange(len(frame)) + 2
    return frame


def typed(
    frame: pd.DataFrame, table: str, name: str, numeric: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Empty cells → NaN; numeric, boolean and date columns converted (dates to datetime64);
    a bad cell is an error naming its line and column."""
    spec = TABLES[table]
    out = frame.mask(frame.eq(""))
    for col in (c for c in (*spec.numeric, *numeric) if c in out.columns):
        values = pd.to_numeric(out[col], errors="coerce")
        _first_bad(values.isna() & out[col].notna(), out, col, name, "is not a number")
        out[col] = values
    for col in (c for c in spec.booleans if c in out.columns):
        text = frame[col].str.lower()
        _first_bad(~text.isin(TRUE | FALSE), out, col, name, "is not true/false")
        out[col] = text.isin(TRUE)
    for col in (c for c in spec.dates if c in out.columns):
        values = pd.to_datetime(out[col], errors="coerce", format="ISO8601")
        _first_bad(values.isna(), out, col, name, "is not a date (YYYY-MM-DD)")
        out[col] = values
    return out


def _first_bad(bad: pd.Series, frame: pd.DataFrame, col: str, name: str, what: str) -> None:
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        value = frame[col].iloc[i]
        raise InputError(
            f"'{value}' {what}", file=name, line=int(frame[LINE].iloc[i]), field=col, value=value
        )
