"""A jurisdiction's discharge and restriction rules, as data."""

from __future__ import annotations

from pydantic import Field

from rltcare.catalog.record import Record


class Jurisdiction(Record):
    """Who may be released from hospital, under which rule, and with which instructions."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name: str
    version: str
    valid_from: str | None = None
