"""The base of every catalog record: frozen, strict about unknown fields, and sourced."""

from __future__ import annotations

from pydantic import AliasChoices, BaseModel, ConfigDict, Field


class Record(BaseModel):
    """A catalog record. ``extra="forbid"`` turns a mistyped field name into an error."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    source: str = Field(min_length=3, description="Citation or URL the values come from.")


def quantity_field(name: str, unit: str, default=None, **kw):
    """A field named with its unit in Python (``x_h``), written ``x = "6 h"`` in data files."""
    return Field(default, validation_alias=AliasChoices(name, f"{name}_{unit}"), **kw)
