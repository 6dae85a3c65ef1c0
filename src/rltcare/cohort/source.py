"""Where a cohort comes from: a :class:`CohortSource` gives a :class:`Cohort` of tables.

The tables have the columns of :data:`rltcare.cohort.tables.TABLES` (strings, plus the
source line of each row), so every analysis and every error message works the same whatever
the source. :class:`CsvCohort` reads CSV files or uploads;
:class:`~rltcare.cohort.registry_source.RegistryCohort` maps the registry's export frames to
the same columns, with ``names`` such as ``"registry: psa"`` and the row number as the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Protocol

import pandas as pd

from rltcare.cohort.tables import TABLES, CsvFile, read_table
from rltcare.errors import InputError
from rltcare.result import Result

#: Synthetic demo data installed with the package: ``outcomes/`` the demo cohort
#: (docs/outcomes.md), ``response/`` one example per criterion (docs/response-criteria.md).
#: docs/examples/ links to these folders for the documented commands.
DEMO = resources.files("rltcare.cohort") / "demo"
DEMO_FILES = {
    "psa": "cohort_psa.csv",
    "lesions": "cohort_lesions.csv",
    "fdg": "cohort_fdg.csv",
    "psma": "cohort_psma.csv",
    "survival": "survival.csv",
    "labs": "labs.csv",
    "follow_up": "follow_up.csv",
    "centres": "centres.csv",
}


class SourceGap(Result):
    """A source field that was empty (``rows`` considered, ``missing`` of them empty; both
    None when the source does not store the field), and what that leaves out."""

    table: str
    field: str
    scope: str
    rows: int | None
    missing: int | None
    consequence: str


@dataclass(frozen=True)
class Cohort:
    """Tables by name (``psa``, ``lesions`` ...), the name of each in messages, and the
    source's empty fields (``gaps``; the registry reports them, files do not)."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    gaps: tuple[SourceGap, ...] = ()

    def has(self, table: str) -> bool:
        return table in self.tables

    def table(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    def name(self, table: str) -> str:
        return self.names.get(table, table)

    def merged(self, other: Cohort) -> Cohort:
        """This cohort with ``other``'s tables replacing its own (an upload replaces a table)."""
        return Cohort(self.tables | other.tables, self.names | other.names, self.gaps)


class CohortSource(Protocol):
    """Anything that can produce a :class:`Cohort`: CSV files, the registry."""

    def load(self) -> Cohort: ...


@dataclass(frozen=True)
class CsvCohort:
    """A cohort from CSV files (paths or uploaded bytes), by table name."""

    files: dict[str, CsvFile]

    @classmethod
    def from_paths(cls, paths: dict[str, Path | str | None]) -> CsvCohort:
        return cls({t: CsvFile.from_path(p) for t, p in paths.items() if p is not None})

    def load(self) -> Cohort:
        unknown = sorted(set(self.files) - set(TABLES))
        if unknown:
            raise InputError(f"unknown table '{unknown[0]}'", field=unknown[0])
        tables = {t: read_one(t, f) for t, f in self.files.items()}
        return Cohort(tables, {t: f.name for t, f in self.files.items()})


def read_one(table: str, source: CsvFile) -> pd.DataFrame:
    """One table of a cohort (a survival file names its own time and event columns, which
    the analysis checks)."""
    return read_table(source, table, required=() if table == "survival" else None)


def demo_source() -> CsvCohort:
    """The synthetic demo cohort installed with the package (``DEMO / "outcomes"``)."""
    return CsvCohort(
        {
            table: CsvFile(f"demo/{file}", (DEMO / "outcomes" / file).read_text(encoding="utf-8"))
            for table, file in DEMO_FILES.items()
        }
    )
