"""The parts of a scenario: resources, stays, indications, pathway, supply, staff, behaviour.

Each part validates itself; :class:`rltcare.capacity.scenario.Scenario` checks the
references between them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    field_validator,
    model_validator,
)

from rltcare.units import Activity, Duration, DurationOrZero

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Staff tasks a scenario may give minutes for (per case, per scan, per cycle, per bed-day, per chair hour).
STAFF_TASKS = (
    "mdt_case",
    "pet_scan",
    "consultation",
    "administration",
    "dispensing",
    "bed_day",
    "chair_hour",
    "discharge",
    "spect_scan",
    "follow_up",
)
#: Tasks whose minutes are drawn from a limiting role's daily minutes (the rest are only counted):
#: pre-treatment steps on their slot's day, a cycle's administration, dispensing and chair hours
#: on its admission day, scans and follow-up visits on their slot's day.
LIMITED_TASKS = (*STAFF_TASKS[:5], "chair_hour", "spect_scan", "follow_up")


def in_hours(name: str, default=..., **kw):
    """A field carried in hours (``name_h``) and written ``name = "6 weeks"`` in a file."""
    return Field(default, validation_alias=AliasChoices(name, f"{name}_h"), **kw)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def clock_h(value: str) -> float:
    """'08:30' → 8.5 (hours after midnight); '24:00' is the end of the day."""
    try:
        hours, minutes = str(value).split(":")
        result = int(hours) + int(minutes) / 60
    except ValueError:
        raise ValueError(f"time of day {value!r} must be written HH:MM") from None
    if not 0 <= result <= 24:
        raise ValueError(f"time of day {value!r} is outside 00:00-24:00")
    return result


ClockTime = str


class Closure(Frozen):
    """Dates (inclusive) when a resource is closed: holidays, maintenance, refurbishment."""

    start: dt.date
    end: dt.date
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Closure:
        if self.end < self.start:
            raise ValueError(f"closure ends ({self.end}) before it starts ({self.start})")
        return self


class Resource(Frozen):
    """Rooms, chairs, scanners or clinic slots, with their weekly calendar.

    ``bed``: an isolation room or bed, occupied day and night for the stay; patients
    are admitted at ``admission_times`` on open days. ``chair``: an outpatient
    chair, used only within opening hours. ``scanner`` / ``clinic``: appointment
    slots of ``slot`` length for eligibility PET/CT and consultations.
    """

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    kind: Literal["bed", "chair", "scanner", "clinic"]
    units: int = Field(ge=0, le=10_000, description="Rooms, chairs or parallel slots.")
    days: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
    open: ClockTime = "08:00"
    close: ClockTime = "17:00"
    admission_times: tuple[ClockTime, ...] | Literal["any"] = Field(
        default=(), description="Beds: times of day admissions start (default: opening time)."
    )
    slot_h: Duration | None = in_hours(
        "slot", None, description="Scanner/clinic appointment length."
    )
    closures: tuple[Closure, ...] = ()
    centre: str | None = Field(None, description="Its centre (none: shared by every centre).")

    @field_validator("open", "close")
    @classmethod
    def _clock(cls, value: str) -> str:
        clock_h(value)
        return value

    @field_validator("admission_times")
    @classmethod
    def _clocks(cls, value):
        if value != "any":
            for item in value:
                clock_h(item)
        return value

    @model_validator(mode="after")
    def _hours(self) -> Resource:
        if clock_h(self.close) <= clock_h(self.open):
            raise ValueError(f"close ({self.close}) must be after open ({self.open})")
        if self.kind in ("scanner", "clinic") and self.slot_h is None:
            raise ValueError(f"a {self.kind} needs 'slot', the appointment length (e.g. '30 min')")
        return self

    @property
    def open_h(self) -> float:
        return clock_h(self.open)

    @property
    def close_h(self) -> float:
        return clock_h(self.close)


class LengthOfStay(Frozen):
    """Time a treatment holds its bed or chair.

    ``fixed`` (``hours``), ``exponential`` (mean ``hours``), ``lognormal``
    (``median`` and ``cv``), ``empirical`` (``values``: resampled), or ``physics``:
    drawn per patient from the discharge engine under ``jurisdiction`` for the
    indication's product (no fixed "48 h" unless the user chooses ``fixed``).
    ``minimum`` is the least time the bed or chair is held (infusion and
    observation, for an outpatient who may leave at once); ``round_to`` lists the
    ward's discharge times of day; a stay ends at the next one.
    """

    model: Literal["fixed", "exponential", "lognormal", "empirical", "physics"]
    hours: Duration | None = None
    median_h: Duration | None = in_hours("median", None)
    cv: float | None = Field(None, gt=0, le=5)
    values_h: tuple[Duration, ...] | None = Field(
        None, validation_alias=AliasChoices("values", "values_h"), min_length=1
    )
    jurisdiction: str | None = None
    activity_mbq: Activity | None = Field(
        None, validation_alias=AliasChoices("activity", "activity_mbq")
    )
    round_to: tuple[ClockTime, ...] = ()
    minimum_h: DurationOrZero = in_hours("minimum", 0.0)
    planned: Literal["typical", "actual"] | Duration = Field(
        "typical",
        description="Stay the scheduler books: 'typical' (the model's median; for physics the "
        "discharge rule's stay of the median patient at the planned activity), a duration "
        "(a ward's planning value, e.g. '48 h'), or 'actual' (the scheduler knows each stay: "
        "no overruns, as in queueing theory).",
    )

    @field_validator("planned", mode="before")
    @classmethod
    def _planned(cls, value):
        if value in ("typical", "actual"):
            return value
        try:
            return _duration(value)
        except ValueError:
            raise ValueError(
                f"planned must be 'typical', 'actual' or a duration such as '48 h', not {value!r}"
            ) from None

    @field_validator("round_to")
    @classmethod
    def _clocks(cls, value):
        for item in value:
            clock_h(item)
        return value

    @model_validator(mode="after")
    def _parameters(self) -> LengthOfStay:
        needs = {
            "fixed": ("hours",),
            "exponential": ("hours",),
            "lognormal": ("median_h", "cv"),
            "empirical": ("values_h",),
            "physics": (),
        }[self.model]
        missing = [name.removesuffix("_h") for name in needs if getattr(self, name) is None]
        if missing:
            raise ValueError(f"the {self.model} model needs {', '.join(missing)}")
        return self

    def typical_h(self) -> float | None:
        """A central value for checks (None for physics, known only at build time)."""
        if self.model in ("fixed", "exponential"):
            return self.hours
        if self.model == "lognormal":
            return self.median_h
        if self.model == "empirical":
            return max(self.values_h)
        return None


class Indication(Frozen):
    """One patient group: its referrals, pathway, cycles and model of care."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    product: str | None = Field(None, description="Catalog radiopharmaceutical id.")
    referrals_per_week: float = Field(ge=0)
    growth_per_year: float = Field(0.0, gt=-1, le=10, description="0.05 = +5 % a year.")
    monthly_profile: tuple[float, ...] | None = Field(
        None, description="12 relative referral rates, January first (normalised to mean 1)."
    )
    arrivals: Literal["poisson", "regular"] = "poisson"
    screen_failure: float = Field(0.0, ge=0, lt=1)
    cycles: int | None = Field(None, ge=1, le=20, description="Default: the product's.")
    interval_h: Duration | None = in_hours("interval", None)
    tolerance_h: DurationOrZero = in_hours("tolerance", 0.0)
    stop_probability: float | tuple[float, ...] = Field(
        0.0, description="After each cycle, the chance of stopping (progression, toxicity, death)."
    )
    deferral_probability: float = Field(
        0.0, ge=0, lt=1, description="Unfit on the day: the dose is wasted, the cycle rebooked."
    )
    deferral_h: Duration = in_hours("deferral", 168.0)
    care: Literal["inpatient", "outpatient"]
    resource: str
    supply: str | None = None
    length_of_stay: LengthOfStay
    earliest_after_consultation_h: DurationOrZero = in_hours("earliest_after_consultation", 0.0)
    centre: str | None = Field(None, description="The home centre of these referrals.")

    @field_validator("monthly_profile")
    @classmethod
    def _profile(cls, value):
        if value is None:
            return value
        if len(value) != 12 or min(value) < 0 or sum(value) <= 0:
            raise ValueError("monthly_profile needs 12 non-negative numbers, not all zero")
        mean = sum(value) / 12
        return tuple(v / mean for v in value)

    @field_validator("stop_probability")
    @classmethod
    def _probabilities(cls, value):
        values = value if isinstance(value, tuple) else (value,)
        if any(not 0 <= p <= 1 for p in values):
            raise ValueError("stop probabilities must lie in [0, 1]")
        return value


def _duration(value):
    """A duration written '48 h' (or a number of hours), in hours."""
    return _DURATION.validate_python(value)


_DURATION = TypeAdapter(Duration)
_DURATION_OR_ZERO = TypeAdapter(DurationOrZero)


class Outage(Frozen):
    """A supplier or reactor outage: no deliveries from ``start`` to ``end`` (inclusive dates)."""

    start: dt.date
    end: dt.date
    notice_h: DurationOrZero = in_hours("notice", 0.0)
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Outage:
        if self.end < self.start:
            raise ValueError(f"outage ends ({self.end}) before it starts ({self.start})")
        return self


class RandomOutages(Frozen):
    """Unannounced outages arriving as a Poisson process, with exponential durations."""

    per_year: float = Field(ge=0)
    mean_duration_h: Duration = in_hours("mean_duration")


class Supply(Frozen):
    """Deliveries of one product: days, order lead time, shelf life, calibration, outages, priority."""

    name: str = "default"
    delivery_days: tuple[Weekday, ...] = Field(min_length=1)
    delivery_time: ClockTime = "07:00"
    lead_time_h: DurationOrZero = in_hours("lead_time", 168.0)
    shelf_life_h: Duration | None = in_hours("shelf_life", None)
    max_doses_per_delivery: int | None = Field(None, ge=1)
    calibration: Literal["administration"] | DurationOrZero = Field(
        "administration",
        description="When a dose holds its prescribed activity: 'administration' (each vial is "
        "made for its booked time, as Lutathera and Pluvicto are) or a time after delivery "
        "('0 h': at delivery). A dose given later holds less (decay); given earlier, the "
        "prescribed activity is drawn from it.",
    )
    half_life_h: Duration | None = in_hours(
        "half_life", None, description="Default: the half-life of the indications' nuclide."
    )
    priority: Literal["continuing-first", "first-come"] = "continuing-first"
    outages: tuple[Outage, ...] = ()
    random_outages: RandomOutages | None = None

    @field_validator("delivery_time")
    @classmethod
    def _clock(cls, value: str) -> str:
        clock_h(value)
        return value

    @field_validator("calibration", mode="before")
    @classmethod
    def _calibration(cls, value):
        if value == "administration":
            return value
        try:
            return _DURATION_OR_ZERO.validate_python(value)
        except ValueError:
            raise ValueError(
                f"calibration must be 'administration' or a time after delivery such as "
                f"'0 h' or '1 d', not {value!r}"
            ) from None


class Staff(Frozen):
    """A staff role with minutes per task; ``fte`` (optional) gives its utilisation.

    With ``limiting = true`` the role is a capacity: on each working day it has
    ``fte × hours_per_day`` hours (default: ``hours_per_fte_year`` spread over the
    working days of a year), and a cycle, scan or visit whose minutes that day would
    exceed them moves to the next day that has them.
    """

    role: str
    fte: float | None = Field(None, ge=0)
    hours_per_fte_year: float = Field(1600.0, gt=0)
    minutes: dict[str, float] = Field(default_factory=dict)
    limiting: bool = False
    days: tuple[Weekday, ...] = Field(("mon", "tue", "wed", "thu", "fri"), min_length=1)
    hours_per_day: float | None = Field(None, gt=0, le=24)
    closures: tuple[Closure, ...] = ()
    centre: str | None = Field(None, description="Its centre (none: works for every centre).")

    @model_validator(mode="after")
    def _limit(self) -> Staff:
        if self.limiting and self.fte is None:
            raise ValueError("a limiting role needs 'fte' (its headcount in full-time equivalents)")
        return self

    @property
    def daily_hours(self) -> float:
        """Hours one FTE works on a working day."""
        return self.hours_per_day or self.hours_per_fte_year / self._days_per_year

    @property
    def yearly_hours(self) -> float:
        """Hours one FTE works a year (``hours_per_fte_year`` unless ``hours_per_day`` is set)."""
        return self.daily_hours * self._days_per_year

    @property
    def _days_per_year(self) -> float:
        return len(self.days) * 365.25 / 7

    @field_validator("minutes")
    @classmethod
    def _tasks(cls, value: dict[str, float]) -> dict[str, float]:
        for task, minutes in value.items():
            if task not in STAFF_TASKS:
                raise ValueError(f"unknown task '{task}' (known: {', '.join(STAFF_TASKS)})")
            if minutes < 0:
                raise ValueError(f"minutes for '{task}' must be zero or more, got {minutes}")
        return value


class Behaviour(Frozen):
    """What waiting patients do: die (a constant hazard) or go elsewhere after a limit."""

    death_rate_per_year: float = Field(0.0, ge=0)
    drop_out_after_h: Duration | None = in_hours("drop_out_after", None)


class Simulation(Frozen):
    """Run length, warm-up, calendar start and the booking grid."""

    start_date: dt.date = dt.date(2027, 1, 4)
    horizon_h: Duration = in_hours("horizon", 5 * 8766.0)
    warm_up_h: DurationOrZero = in_hours("warm_up", 0.0)
    step_h: Duration = in_hours("step", 1.0)
    jurisdiction: str | None = None

    @model_validator(mode="after")
    def _lengths(self) -> Simulation:
        if self.warm_up_h >= self.horizon_h:
            raise ValueError("warm_up must be shorter than horizon")
        per_day = 24.0 / self.step_h
        if abs(per_day - round(per_day)) > 1e-6:
            raise ValueError(f"step ({self.step_h:g} h) must divide a day into whole steps")
        if self.horizon_h / self.step_h > 5e6:
            raise ValueError("horizon/step is more than 5 million grid cells; use a longer step")
        return self


class Meta(Frozen):
    title: str = "RLT service"
    description: str = ""
    sources: tuple[str, ...] = ()
