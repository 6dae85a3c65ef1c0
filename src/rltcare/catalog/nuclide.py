"""Radionuclides and their photon emission lines."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from rltcare.catalog.record import Record, quantity_field
from rltcare.errors import InputError
from rltcare.units import Duration

_NUCLIDE = re.compile(
    r"^\s*(?:(?P<el1>[A-Za-z]{1,2})[-\s]?(?P<a1>\d{1,3})(?P<m1>m\d?)?"
    r"|(?P<a2>\d{1,3})(?P<m2>m\d?)?[-\s]?(?P<el2>[A-Za-z]{1,2}))\s*$"
)


def parse_nuclide(text: str, field: str = "nuclide") -> str:
    """Canonical nuclide name: ``177Lu``, ``Lu177``, ``lu-177`` → ``Lu-177``; ``177mLu`` → ``Lu-177m``.

    >>> parse_nuclide("177mLu")
    'Lu-177m'
    >>> parse_nuclide("ac225")
    'Ac-225'
    """
    match = _NUCLIDE.match(str(text))
    if not match:
        raise InputError(
            f"cannot read {text!r} as a nuclide",
            field=field,
            value=text,
            hint="write it as Lu-177, 177Lu or Lu177",
        )
    element = (match["el1"] or match["el2"]).capitalize()
    mass = int(match["a1"] or match["a2"])
    meta = match["m1"] or match["m2"] or ""
    return f"{element}-{mass}{meta}"


class Nuclide(Record):
    """A radionuclide the platform knows. Decay data come from ``radioactivedecay``."""

    name: str
    half_life_h: Duration = quantity_field("half_life", "h", ..., description="Half-life in hours.")
    role: Literal["therapy", "imaging", "impurity", "progeny"]
    decay_data: str = "radioactivedecay icrp107_ame2020_nubase2020"
    notes: str = ""

    @field_validator("name")
    @classmethod
    def _canonical(cls, value: str) -> str:
        return parse_nuclide(value, field="name")


class PhotonLine(Record):
    """One photon emission: energy and number of photons per decay of ``nuclide``."""

    nuclide: str
    energy_kev: float = Field(gt=0, lt=20_000)
    yield_per_decay: float = Field(gt=0, le=2.0)
    kind: Literal["gamma", "xray", "annihilation"]

    @field_validator("nuclide")
    @classmethod
    def _canonical(cls, value: str) -> str:
        return parse_nuclide(value)
