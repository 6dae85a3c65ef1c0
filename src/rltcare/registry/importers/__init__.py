"""Imports: CSV files (one per table) or an Excel workbook, all or nothing.

:func:`import_tables` converts every cell, checks every row and every link, and
writes only if nothing is wrong; otherwise it raises
:class:`~rltcare.registry.importers.problems.ImportRejectedError` listing each
problem with file, row, column and reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.orm import Session

from rltcare.registry.access import Caller
from rltcare.registry.importers.convert import convert
from rltcare.registry.importers.links import check_links, load_known
from rltcare.registry.importers.problems import ImportRejectedError, Problem
from rltcare.registry.importers.reader import read_folder, read_upload, read_workbook
from rltcare.registry.importers.writer import write
from rltcare.registry.models import CLINICAL

__all__ = [
    "ImportRejectedError",
    "ImportReport",
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
) -> ImportReport:
    """Validate every row of ``frames`` (table -> text cells) and write them in one transaction."""
    caller.require("administrator", "centre-editor")
    problems = list(problems or [])
    files = files or {t: f"{t}.csv" for t in frames}
    typed = {}
    for model in CLINICAL:
        table = model.__tablename__
        if table in frames:
            typed[table], found = convert(files[table], table, frames[table])
            problems += found
    connection = session.connection()
    known = load_known(connection, caller)
    problems += check_links({t: (files[t], df) for t, df in typed.items()}, known, caller)
    if problems:
        session.rollback()
        raise ImportRejectedError(problems)
    if dry_run:
        session.rollback()
        return ImportReport({t: len(df) for t, df in typed.items()}, dry_run=True)
    rows = write(connection, caller.actor, typed, known)
    session.commit()
    return ImportReport(rows)
