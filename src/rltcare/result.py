"""The base of every engine result: frozen, JSON-ready, and able to summarise itself.

One result object serves the CLI (``--json`` or a table), the API (its pydantic
schema appears in the OpenAPI document) and the web pages (``summary_rows``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Result(BaseModel):
    """An engine's answer. Subclasses declare fields in canonical units (``*_mbq``, ``*_h``)."""

    model_config = ConfigDict(frozen=True)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def summary_rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs for a human: the scalar fields, formatted."""
        rows = []
        for name, value in self:
            if isinstance(value, bool | str | int | float) or value is None:
                rows.append((name.replace("_", " "), format_value(value)))
        return rows


def format_value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
