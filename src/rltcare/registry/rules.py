"""Plausibility rules shared by forms, the API and imports (beyond a column's range).

Each rule is checked in one place for one row (:func:`check_row`) and, vectorised,
by the importers; both use the tables below so that they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rltcare.errors import InputError
from rltcare.registry.vocab import EARLIEST_DATE_YEAR, LAB_UNITS, lab_factor

#: (earlier column, later column) pairs that must be in that order when both are given.
ORDER: dict[str, list[tuple[str, str]]] = {
    "diagnosis": [("diagnosed_on", "metastatic_on")],
    "prior_treatment": [("started_on", "ended_on")],
    "adverse_event": [("onset_on", "resolved_on")],
    "vital_status": [("died_on", "last_contact_on")],
    "imaging_assessment": [("short_axis_mm", "long_axis_mm")],
}


#: A pseudonym: 3 to 64 letters, digits, '-' or '_', starting with a letter or digit and
#: holding at least one digit (BER-00042, 1017, lyo_0001). No spaces, so that a name such
#: as "Max Mustermann" is refused; the digit refuses a single name ("Mustermann").
PSEUDONYM = r"(?=[^0-9]*[0-9])[A-Za-z0-9][A-Za-z0-9_-]{2,63}"
PSEUDONYM_RULE = "3 to 64 letters, digits, '-' or '_' with at least one digit and no spaces"


def check_pseudonym(value: str) -> str:
    """Refuse what is not a pseudonym (a name, an e-mail address, text with spaces)."""
    if not re.fullmatch(PSEUDONYM, value):
        raise InputError(
            f"pseudonym {value!r} is not a pseudonym: use {PSEUDONYM_RULE}",
            field="pseudonym",
            value=value,
            hint="e.g. BER-00042; never a name or a national identifier",
        )
    return value


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def check_date(value: dt.date, field: str) -> dt.date:
    """A clinical date: not before 1950 and not in the future."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if day > today() + dt.timedelta(days=1):  # one day of slack for time zones
        raise InputError(f"{field} {value} is in the future", field=field, value=value)
    if day.year < EARLIEST_DATE_YEAR:
        raise InputError(
            f"{field} {value} is before {EARLIEST_DATE_YEAR}", field=field, value=value
        )
    return value


def check_order(table: str, values: dict[str, Any]) -> None:
    for earlier, later in ORDER.get(table, []):
        a, b = values.get(earlier), values.get(later)
        if a is not None and b is not None and a > b:
            raise InputError(f"{later} ({b}) is before {earlier} ({a})", field=later, value=b)
    if table == "vital_status":
        dead = values.get("status") == "dead"
        if dead != (values.get("died_on") is not None):
            raise InputError("died_on is given exactly when status is 'dead'", field="died_on")


def cycle_after_end(end_reason: str | None, planned: float | None, number: float) -> bool:
    """Whether cycle ``number`` comes after the end of a course (see below); imports use it too."""
    ended = end_reason is not None and end_reason == end_reason and end_reason != "ongoing"
    return ended and planned is not None and planned == planned and number > planned


def check_cycle_in_course(end_reason: str | None, planned: int | None, number: int) -> None:
    """A course that has ended takes no cycle beyond its planned number.

    The registry has no warnings, only refusals: a cycle 5 of a completed four-cycle
    course is a typing slip or a new course, and either is better fixed at entry.
    A course stopped early (toxicity, progression) may still lack cycles given before
    its end, so only the planned number bounds it.
    """
    if not cycle_after_end(end_reason, planned, number):
        return
    raise InputError(
        f"cycle {number} is after the end of its course ({end_reason} after {planned} "
        "planned cycles)",
        field="number",
        value=number,
        hint="add a new course, or change the course's planned cycles or end reason first",
    )


def normalise_lab(values: dict[str, Any]) -> dict[str, Any]:
    """Convert a lab result to its analyte's canonical unit and check it is plausible."""
    analyte = values.get("analyte")
    if analyte not in LAB_UNITS or values.get("unit") is None:
        return values
    canonical, _, (lo, hi) = LAB_UNITS[analyte]
    factor = lab_factor(analyte, values["unit"])
    if factor is None:
        raise InputError(
            f"unit '{values['unit']}' is not accepted for {analyte}",
            field="unit",
            value=values["unit"],
            hint=f"use {canonical} or one of {', '.join(sorted(LAB_UNITS[analyte][1]))}",
        )
    out = dict(values, unit=canonical)
    for key in ("value", "ref_low", "ref_high"):
        if out.get(key) is not None:
            out[key] = out[key] * factor
    if out.get("value") is not None and not lo <= out["value"] <= hi:
        raise InputError(
            f"{analyte} {values['value']} {values['unit']} is implausible",
            field="value",
            value=values["value"],
            hint=f"expected {lo:g} to {hi:g} {canonical}",
        )
    return out
