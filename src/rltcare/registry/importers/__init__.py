"""Imports: CSV files (one per table), an Excel workbook, a REDCap export or a FHIR bundle.

Every source is first read into the import template's tables as text cells
(:mod:`~rltcare.registry.importers.sources`). :func:`import_tables` then converts
every cell, checks every row and every link, and writes only if nothing is wrong;
otherwise it raises :class:`~rltcare.registry.importers.problems.ImportRejectedError`
listing each problem with file, row, column and reason (for REDCap and FHIR in the
source's own terms: record and instance, bundle entry and element).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.orm import Session

from rltcare.registry.access import Caller
from rltcare.registry.importers.convert import convert
from rltcare.registry.importers.links import check_links, load_known
from rltcare.registry.importers.problems import ImportRejectedError, Origin, Problem
from rltcare.registry.importers.reader import read_folder, read_upload, read_workbook
from rltcare.registry.importers.writer import write
from rltcare.registry.models import CLINICAL

__all__ = [
    "ImportRejectedError",
    "ImportReport",
    "Origin",
    "Problem",
    "import_tables",
    "read_folder",
    "read_upload",
    "read_workbook",
]


@dataclass
class ImportReport:
    rows: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    def to_dict(self) -> dict:
        return {"dry_run": self.dry_run, "rows": self.rows, "total": sum(self.rows.values())}


def import_tables(
    *,
    session: Session,
    caller: Caller,
    frames: dict[str, pd.DataFrame],
    files: dict[str, str] | None = None,
    dry_run: bool = False,
    problems: list[Problem] | None = None,
    origin: Origin | None = None,
) -> ImportReport:
    """Validate every row of ``frames`` (table -> text cells) and write them in one transaction.

    ``origin`` (a REDCap or FHIR source) names each problem's row in the source's terms;
    such a source describes the centres it refers to, and those the registry has are
    not added again.
    """
    caller.require("administrator", "centre-editor")
    problems = list(problems or [])
    if origin is not None:
        files = {t: t for t in frames}  # table names, which origin.locate translates
    files = files or {t: f"{t}.csv" for t in frames}
    connection = session.connection()
    known = load_known(connection, caller)
    if origin is not None and "centre" in frames:
        frames = dict(frames)
        frames["centre"] = _new_centres(frames["centre"], known, origin)
        if frames["centre"].empty:
            del frames["centre"]
    typed = {}
    for model in CLINICAL:
        table = model.__tablename__
        if table in frames:
            typed[table], found = convert(files[table], table, frames[table])
            problems += found
    problems += check_links({t: (files[t], df) for t, df in typed.items()}, known, caller)
    if problems:
        session.rollback()
        if origin is not None:
            problems = [origin.locate(p) for p in problems]
        raise ImportRejectedError(problems)
    if dry_run:
        session.rollback()
        return ImportReport({t: len(df) for t, df in typed.items()}, dry_run=True)
    rows = write(connection, caller.actor, typed, known)
    session.commit()
    return ImportReport(rows)


def _new_centres(frame: pd.DataFrame, known, origin: Origin) -> pd.DataFrame:
    """The centre rows the registry does not have yet (their origin rows kept in step)."""
    new = ~frame["code"].isin(known.centres)
    rows = origin.rows.get("centre", [])
    origin.rows["centre"] = [r for r, keep in zip(rows, new, strict=True) if keep]
    return frame[new].reset_index(drop=True)
