"""Problems found in an import, each with its file, row, column and reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from rltcare.errors import InputError


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # line in the file (the header is row 1); None for the whole file
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = ", ".join(
            p
            for p in (
                self.file,
                self.row and f"row {self.row}",
                self.column and f"column '{self.column}'",
            )
            if p
        )
        return f"{where}: {self.reason}"


class ImportRejectedError(InputError):
    """An import with problems: nothing was written."""

    title = "Import rejected"
    type_slug = "import-rejected"

    def __init__(self, problems: list[Problem]) -> None:
        problems = sorted(problems, key=lambda p: (p.file, p.row or 0))
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(
            f"{first.reason}{more}; nothing was imported",
            file=first.file,
            row=first.row,
            field=first.column,
        )
        self.problems = problems

    def to_problem(self, status: int = 422) -> dict[str, Any]:
        problem = super().to_problem(status)
        problem["errors"] = [asdict(p) for p in self.problems[:1000]]
        problem["count"] = len(self.problems)
        return problem
