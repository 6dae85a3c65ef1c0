"""Problems found in an import, each with its file, row, column and reason.

Sources that are not one file per table (a REDCap export, a FHIR bundle) say where
a row came from with an :class:`Origin`, which turns a problem found in a table
row back into the source's terms (record and instance, bundle entry and element).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from rltcare.errors import InputError


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # line in the file (the header is row 1); None for the whole file
    column: str | None
    reason: str
    where: str | None = None  # the source's own name for the row (REDCap record, FHIR entry)

    def __str__(self) -> str:
        where = ", ".join(
            p
            for p in (
                self.file,
                self.where,
                self.row and f"row {self.row}",
                self.column and f"column '{self.column}'",
            )
            if p
        )
        return f"{where}: {self.reason}"


@dataclass
class Origin:
    """Where each table row of an import came from in its one source file."""

    file: str
    #: table -> for each frame row: (line in the file or None, the source's name for it)
    rows: dict[str, list[tuple[int | None, str]]] = field(default_factory=dict)
    #: table -> template column -> the source's name for that value (field, element path)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, table: str, line: int | None, where: str) -> None:
        self.rows.setdefault(table, []).append((line, where))

    def locate(self, problem: Problem) -> Problem:
        """``problem`` as found in table ``problem.file``, told in the source's terms."""
        if problem.file not in self.rows:
            return problem
        table = problem.file
        column = self.columns.get(table, {}).get(problem.column or "", problem.column)
        if problem.row is None:
            return Problem(self.file, None, column, problem.reason, where=table)
        line, where = self.rows[table][problem.row - 2]
        return Problem(self.file, line, column, problem.reason, where=where)


def _natural(text: str) -> list:
    """Sort key in which entry[5] comes before entry[12]."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


class ImportRejectedError(InputError):
    """An import with problems: nothing was written."""

    title = "Import rejected"
    type_slug = "import-rejected"

    def __init__(self, problems: list[Problem]) -> None:
        problems = sorted(problems, key=lambda p: (p.file, p.row or 0, _natural(p.where or "")))
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(
            f"{first.reason}{more}; nothing was imported",
            file=", ".join(p for p in (first.file, first.where) if p),
            row=first.row,
            field=first.column,
        )
        self.problems = problems

    def to_problem(self, status: int = 422) -> dict[str, Any]:
        problem = super().to_problem(status)
        problem["errors"] = [asdict(p) for p in self.problems[:1000]]
        problem["count"] = len(self.problems)
        return problem
