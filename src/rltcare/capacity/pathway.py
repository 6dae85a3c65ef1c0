"""Where patients go: the pathway's steps, the centres of a group and the referral routing rule.

A scenario describes one service, or a group of centres: each centre has its own
resources, calendars, staff and referral streams (items name their ``centre``) and
may have its own pathway (default: the scenario's, whose resources are then shared).
The routing rule sends a referral to its home centre, or to the centre within the
travel limit that offers the earliest first cycle.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, field_validator

from rltcare.capacity.sections import ClockTime, Frozen, Weekday, clock_h, in_hours
from rltcare.units import Duration, DurationOrZero


class Mdt(Frozen):
    """The multidisciplinary tumour board: meeting days and cases reviewed per meeting."""

    days: tuple[Weekday, ...] = Field(min_length=1)
    time: ClockTime = "14:00"
    capacity: int = Field(ge=1)

    @field_validator("time")
    @classmethod
    def _clock(cls, value: str) -> str:
        clock_h(value)
        return value


class SlotStep(Frozen):
    """A step after treatment served through a scanner's or clinic's slots.

    ``after``: how long after the administration the patient is ready for it;
    ``window``: how long after that a slot still counts (otherwise the step is missed).
    """

    resource: str
    after_h: DurationOrZero = in_hours("after", 0.0)
    window_h: Duration | None = in_hours("window", None)


class Pathway(Frozen):
    """Steps of the pathway shared by every indication; each is optional.

    ``post_therapy_imaging``: a SPECT/CT scan after each cycle (e.g. 24 h after, within
    48 h); ``follow_up``: a consultation or PSMA-PET/CT some weeks after the last cycle.
    """

    mdt: Mdt | None = None
    eligibility_pet: str | None = Field(None, description="A scanner resource.")
    consultation: str | None = Field(None, description="A clinic resource.")
    post_therapy_imaging: SlotStep | None = None
    follow_up: SlotStep | None = None


class Centre(Frozen):
    """One centre of a group; ``travel`` gives the travel time to other centres (either way)."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    pathway: Pathway | None = Field(None, description="Default: the scenario's pathway.")
    travel_h: dict[str, Duration] = Field(
        default_factory=dict, validation_alias=AliasChoices("travel", "travel_h")
    )


class Routing(Frozen):
    """Where a referral is treated: ``home`` (its own centre) or ``shortest-wait``.

    ``shortest-wait``: the first cycle is booked at whichever centre within
    ``travel_limit`` of the home centre (the home centre included) offers the earliest
    admission for the same indication (same name); later cycles stay there. Steps
    before treatment (MDT, eligibility PET, consultation) stay at the home centre.
    """

    rule: Literal["home", "shortest-wait"] = "home"
    travel_limit_h: Duration | None = in_hours("travel_limit", None)
