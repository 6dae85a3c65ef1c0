"""Quantities written as text (``7.4 GBq``, ``200 mCi``, ``48 h``, ``2 m``) → canonical numbers.

Engines work in canonical units named in their identifiers: activity in MBq, time
in hours, distance in metres, mass in kilograms, dose in mSv, dose rate in µSv/h,
specific activity in Bq/g. Text is parsed only here, at the interfaces. Text must
always carry its unit ("7.4" is refused, as a physicist reading it could not tell
MBq from GBq); a JSON/TOML number is accepted only where the caller names a default
unit, i.e. in a field whose name carries that unit (``typical_activity_mbq``).

The pydantic types at the bottom come in two families sharing one parser:
``Activity``, ``Duration``, ... for fields named with their canonical unit (a number
in that unit, or text with any unit), and ``ActivityText``, ``DurationText``, ... for
fields named without a unit (the API's and the forms' ``activity``), which take text
with a unit only.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Annotated

from pydantic import BeforeValidator

from rltcare.errors import UnitError

#: Becquerels per curie (exact by definition).
BQ_PER_CI = 3.7e10

# Each table maps a unit symbol (as the user may write it) to the factor that
# converts one of that unit into the canonical unit of the dimension.
_ACTIVITY_MBQ = {
    "bq": 1e-6,
    "kbq": 1e-3,
    "mbq": 1.0,
    "gbq": 1e3,
    "tbq": 1e6,
    "uci": BQ_PER_CI * 1e-6 / 1e6,
    "µci": BQ_PER_CI * 1e-6 / 1e6,
    "μci": BQ_PER_CI * 1e-6 / 1e6,
    "mci": BQ_PER_CI * 1e-3 / 1e6,
    "ci": BQ_PER_CI / 1e6,
}
_TIME_H = {
    "s": 1 / 3600,
    "sec": 1 / 3600,
    "second": 1 / 3600,
    "seconds": 1 / 3600,
    "min": 1 / 60,
    "minute": 1 / 60,
    "minutes": 1 / 60,
    "h": 1.0,
    "hr": 1.0,
    "hour": 1.0,
    "hours": 1.0,
    "d": 24.0,
    "day": 24.0,
    "days": 24.0,
    "wk": 168.0,
    "week": 168.0,
    "weeks": 168.0,
    "w": 168.0,
    # A twelfth of a Julian year, as economic models use for monthly cycles.
    "mo": 730.5,
    "month": 730.5,
    "months": 730.5,
    # Julian year, as radioactivedecay and ENSDF use for half-lives.
    "y": 8766.0,
    "yr": 8766.0,
    "a": 8766.0,
    "year": 8766.0,
    "years": 8766.0,
}
_DISTANCE_M = {"mm": 1e-3, "cm": 1e-2, "m": 1.0, "km": 1e3}
_MASS_KG = {"mg": 1e-6, "g": 1e-3, "kg": 1.0, "t": 1e3}
_DOSE_MSV = {"usv": 1e-3, "µsv": 1e-3, "μsv": 1e-3, "msv": 1.0, "sv": 1e3}
_DOSE_RATE_USV_H = {
    "usv/h": 1.0,
    "µsv/h": 1.0,
    "μsv/h": 1.0,
    "msv/h": 1e3,
    "sv/h": 1e6,
    "nsv/h": 1e-3,
}
_ENERGY_KEV = {"ev": 1e-3, "kev": 1.0, "mev": 1e3}
_SPECIFIC_BQ_G = {"bq/g": 1.0, "kbq/g": 1e3, "mbq/g": 1e6, "bq/kg": 1e-3, "kbq/kg": 1.0}

_DIMENSIONS: dict[str, tuple[dict[str, float], str]] = {
    "activity": (_ACTIVITY_MBQ, "MBq"),
    "time": (_TIME_H, "h"),
    "distance": (_DISTANCE_M, "m"),
    "mass": (_MASS_KG, "kg"),
    "dose": (_DOSE_MSV, "mSv"),
    "dose rate": (_DOSE_RATE_USV_H, "µSv/h"),
    "specific activity": (_SPECIFIC_BQ_G, "Bq/g"),
    "energy": (_ENERGY_KEV, "keV"),
}
_EXAMPLES = {
    "activity": "'7.4 GBq' or '200 mCi'",
    "time": "'48 h', '10 d' or '6 weeks'",
    "distance": "'2 m' or '30 cm'",
    "mass": "'5 kg' or '250 g'",
    "dose": "'1 mSv' or '300 uSv'",
    "dose rate": "'20 uSv/h'",
    "specific activity": "'10 Bq/g' or '100 kBq/kg'",
    "energy": "'20 keV' or '0.511 MeV'",
}
_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\d\s].*?)?\s*$")


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _dimension_of(unit: str) -> str | None:
    return next((dim for dim, (table, _) in _DIMENSIONS.items() if unit in table), None)


def parse_quantity(
    text: str | float | int,
    dimension: str,
    *,
    field: str | None = None,
    default_unit: str | None = None,
    positive: bool = True,
    allow_zero: bool = False,
) -> float:
    """Parse ``text`` as a quantity of ``dimension`` and return it in the canonical unit.

    >>> parse_quantity("7.4 GBq", "activity")
    7400.0
    >>> round(parse_quantity("200 mCi", "activity"), 3)
    7400.0
    >>> parse_quantity("2 d", "time")
    48.0
    """
    table, _ = _DIMENSIONS[dimension]
    label = field or dimension
    if isinstance(text, bool):
        raise UnitError(f"expected {_a(dimension)}, got {text!r}", field=label, value=text)
    if isinstance(text, int | float):
        if default_unit is None:
            raise UnitError(
                f"{_a(dimension)} needs a unit",
                field=label,
                value=text,
                hint=f"write it as {_EXAMPLES[dimension]}",
            )
        number, unit = float(text), default_unit
    else:
        match = _QUANTITY.match(str(text))
        if not match:
            raise UnitError(
                f"cannot read {text!r} as {_a(dimension)}",
                field=label,
                value=text,
                hint=f"write it as {_EXAMPLES[dimension]}",
            )
        number = float(match.group(1))
        # A default unit never applies to text: "7.4" typed in a form is as ambiguous
        # as on the command line.
        unit = (match.group(2) or "").strip()
        if not unit:
            raise UnitError(
                f"{text!r} has no unit",
                field=label,
                value=text,
                hint=f"write it as {_EXAMPLES[dimension]}",
            )
    key = unit.lower().replace(" ", "").replace("·", "")
    if key not in table:
        other = _dimension_of(key)
        if other:
            message = f"{text!r} is {_a(other)}, but {_a(dimension)} is expected"
        else:
            message = f"unknown {dimension} unit '{unit}'"
        raise UnitError(
            message,
            field=label,
            value=text,
            hint=f"use one of {', '.join(sorted(set(table)))} (e.g. {_EXAMPLES[dimension]})",
        )
    value = number * table[key]
    if not math.isfinite(value):
        raise UnitError(f"{text!r} is not a finite number", field=label, value=text)
    if positive and (value < 0 or (value == 0 and not allow_zero)):
        bound = "zero or more" if allow_zero else "more than zero"
        raise UnitError(f"{dimension} must be {bound}, got {text!r}", field=label, value=text)
    return value


def parse_activity(text: str | float, field: str = "activity", **kw) -> float:
    """Activity in MBq."""
    return parse_quantity(text, "activity", field=field, **kw)


def parse_duration(text: str | float, field: str = "time", **kw) -> float:
    """Duration in hours."""
    return parse_quantity(text, "time", field=field, **kw)


def parse_distance(text: str | float, field: str = "distance", **kw) -> float:
    """Distance in metres."""
    return parse_quantity(text, "distance", field=field, **kw)


def parse_mass(text: str | float, field: str = "mass", **kw) -> float:
    """Mass in kilograms."""
    return parse_quantity(text, "mass", field=field, **kw)


def parse_dose(text: str | float, field: str = "dose", **kw) -> float:
    """Dose in mSv."""
    return parse_quantity(text, "dose", field=field, **kw)


def parse_dose_rate(text: str | float, field: str = "dose rate", **kw) -> float:
    """Dose rate in µSv/h."""
    return parse_quantity(text, "dose rate", field=field, **kw)


def parse_specific_activity(text: str | float, field: str = "specific activity", **kw) -> float:
    """Specific activity (activity concentration) in Bq/g."""
    return parse_quantity(text, "specific activity", field=field, **kw)


def parse_energy(text: str | float, field: str = "energy", **kw) -> float:
    """Photon energy in keV."""
    return parse_quantity(text, "energy", field=field, **kw)


def parse_timestamp(
    text: str | datetime, field: str = "time", *, require_tz: bool = True
) -> datetime:
    """An ISO 8601 timestamp; by default it must carry a time zone (``Z`` or ``+01:00``)."""
    if isinstance(text, datetime):
        stamp = text
    else:
        try:
            stamp = datetime.fromisoformat(str(text).strip())
        except ValueError:
            raise UnitError(
                f"cannot read {text!r} as an ISO 8601 timestamp",
                field=field,
                value=text,
                hint="write it as 2026-11-27T09:30+01:00",
            ) from None
    if require_tz and (stamp.tzinfo is None or stamp.utcoffset() is None):
        raise UnitError(
            f"timestamp {text!r} has no time zone",
            field=field,
            value=text,
            hint="add the offset, e.g. 2026-11-27T09:30+01:00 or 2026-11-27T08:30Z",
        )
    return stamp


def _pydantic(dimension: str, default_unit: str | None, **kw):
    def validate(value):
        if not isinstance(value, str | int | float):
            return value
        try:
            return parse_quantity(value, dimension, default_unit=default_unit, **kw)
        except UnitError as exc:
            exc.field = None  # pydantic reports the field's location itself
            raise

    return BeforeValidator(validate)


# Pydantic field types for fields named with their unit (``half_life_h``): a number
# in the canonical unit, or a string with any unit.
Activity = Annotated[float, _pydantic("activity", "MBq")]
Duration = Annotated[float, _pydantic("time", "h")]
DurationOrZero = Annotated[float, _pydantic("time", "h", allow_zero=True)]
Distance = Annotated[float, _pydantic("distance", "m")]
Mass = Annotated[float, _pydantic("mass", "kg")]
Dose = Annotated[float, _pydantic("dose", "mSv")]
DoseOrZero = Annotated[float, _pydantic("dose", "mSv", allow_zero=True)]
DoseRate = Annotated[float, _pydantic("dose rate", "µSv/h")]
SpecificActivity = Annotated[float, _pydantic("specific activity", "Bq/g")]
EnergyOrZero = Annotated[float, _pydantic("energy", "keV", allow_zero=True)]

# Pydantic field types for fields named without a unit (``activity``): a string with
# its unit only; a bare number, as text or as a JSON number, is refused.
ActivityText = Annotated[float, _pydantic("activity", None)]
DurationText = Annotated[float, _pydantic("time", None)]
DurationOrZeroText = Annotated[float, _pydantic("time", None, allow_zero=True)]
MassText = Annotated[float, _pydantic("mass", None)]
SpecificActivityText = Annotated[float, _pydantic("specific activity", None)]
DistanceText = Annotated[float, _pydantic("distance", None)]
EnergyOrZeroText = Annotated[float, _pydantic("energy", None, allow_zero=True)]
