"""A jurisdiction's discharge and restriction rules, as data.

A jurisdiction file lists discharge ``criteria`` of four kinds and says how they
combine (``all`` must hold, or ``any`` one suffices, as the US alternatives). A
``minimum_stay`` always holds, whatever ``combine`` says. Each criterion may be
limited to some ``nuclides`` (an empty list: every nuclide) or leave out
``excluded_nuclides`` that have their own criterion. The file also names
the most exposed other person (for the reported dose), the threshold above which
written instructions are needed, and the dose constraints that carer and family
restrictions must meet. Every criterion and constraint carries its ``source``;
``assumption`` says which part is not the letter of the rule. An optional
``clearance`` table says how solid waste leaves regulatory control: per-nuclide
activity-concentration levels (summed as Σ Cᵢ/CLᵢ ≤ 1), or decay in storage until a
survey cannot tell the container from background (no Bq/g level).

Contact patterns (who is how close to the patient for how many hours a day, with
and without a restriction) are a separate catalog kind, ``contact_patterns``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rltcare.catalog.nuclide import parse_nuclide
from rltcare.catalog.record import Record, quantity_field
from rltcare.units import (
    Activity,
    Distance,
    Dose,
    DoseOrZero,
    DoseRate,
    Duration,
    SpecificActivity,
)

#: People a restriction protects; each dose constraint names one group.
Group = Literal["carers", "partner", "children", "pregnant", "co_workers", "public"]


class _Part(BaseModel):
    """A sourced part of a rule; ``assumption`` says what is assumed beyond the source."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    source: str = Field(min_length=3)
    assumption: str = ""


class Exposure(BaseModel):
    """Where the most exposed other person stands and for what fraction of the time.

    ``occupancy`` applies from discharge on; an optional first ``initial_period``
    uses ``initial_occupancy`` instead (NUREG-1556 Appendix U: 0.75 for the first
    8 hours in the patient-specific method). ``retention = "physical"`` ignores
    biological elimination (the conservative NUREG-1556 Table U.1 method).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    distance_m: Distance = quantity_field("distance", "m", ...)
    occupancy: float = Field(gt=0, le=1)
    initial_occupancy: float | None = Field(default=None, gt=0, le=1)
    initial_period_h: Duration | None = quantity_field("initial_period", "h")
    retention: Literal["product", "physical"] = "product"

    @model_validator(mode="after")
    def _initial_pair(self) -> Exposure:
        if (self.initial_occupancy is None) != (self.initial_period_h is None):
            raise ValueError("give initial_occupancy and initial_period together")
        return self


class _Criterion(_Part):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    description: str = ""
    nuclides: list[str] = Field(default_factory=list, description="Empty: every nuclide.")
    excluded_nuclides: list[str] = Field(
        default_factory=list, description="Nuclides with their own criterion instead of this one."
    )

    @field_validator("nuclides", "excluded_nuclides")
    @classmethod
    def _canonical(cls, value: list[str]) -> list[str]:
        return [parse_nuclide(name) for name in value]

    def applies_to(self, nuclide: str) -> bool:
        listed = not self.nuclides or nuclide in self.nuclides
        return listed and nuclide not in self.excluded_nuclides


class DoseToOthers(_Criterion, Exposure):
    """Dose to the most exposed other person from discharge to infinity ≤ ``limit``.

    With ``limit_per = "year"`` the limit is shared by the cycles a patient
    receives in a year (divided by ``cycles_per_year``).
    """

    kind: Literal["dose_to_others"]
    limit_msv: Dose = quantity_field("limit", "msv", ...)
    limit_per: Literal["cycle", "year"] = "cycle"


class DoseRateCriterion(_Criterion):
    """Dose rate at ``distance`` ≤ ``limit`` (divided by cycles per year if ``limit_per = "year"``)."""

    kind: Literal["dose_rate"]
    limit_usv_h: DoseRate = quantity_field("limit", "usv_h", ...)
    distance_m: Distance = quantity_field("distance", "m", ...)
    limit_per: Literal["cycle", "year"] = "cycle"


class RetainedActivity(_Criterion):
    """Activity retained in the patient ≤ ``limit`` (for the listed nuclides)."""

    kind: Literal["retained_activity"]
    limit_mbq: Activity = quantity_field("limit", "mbq", ...)
    nuclides: list[str] = Field(min_length=1)


class MinimumStay(_Criterion):
    """The patient stays at least ``duration`` after administration."""

    kind: Literal["minimum_stay"]
    duration_h: Duration = quantity_field("duration", "h", ...)


Criterion = Annotated[
    DoseToOthers | DoseRateCriterion | RetainedActivity | MinimumStay,
    Field(discriminator="kind"),
]


class MostExposed(_Part, Exposure):
    """The most exposed other person, whose dose the engine reports."""


class Instructions(_Part):
    """Written instructions are needed when the dose to others may exceed ``threshold``."""

    threshold_msv: DoseOrZero = quantity_field("threshold", "msv", ...)


class DoseConstraint(_Part):
    """A dose constraint for one group of people, per treatment episode or per year."""

    group: Group
    dose_msv: Dose = quantity_field("dose", "msv", ...)
    per: Literal["episode", "year"] = "episode"


class ClearanceLevel(_Part):
    """The clearance level of one nuclide; a level marked "+" covers its short-lived progeny."""

    nuclide: str
    level_bq_g: SpecificActivity = quantity_field("level", "bq_g", ...)
    includes_progeny: bool = False

    @field_validator("nuclide")
    @classmethod
    def _canonical(cls, value: str) -> str:
        return parse_nuclide(value)


class WasteClearance(_Part):
    """How solid waste leaves regulatory control.

    ``method = "levels"``: every nuclide's concentration against its level, summed
    (Σ Cᵢ/CLᵢ ≤ 1). ``method = "survey"``: decay in storage until a survey of the
    container cannot be told from background; no Bq/g level exists, and only nuclides
    with a half-life up to ``max_half_life`` qualify.
    """

    method: Literal["levels", "survey"]
    rule: str = Field(min_length=3, description="The rule in one or two sentences.")
    levels: list[ClearanceLevel] = Field(default_factory=list)
    max_half_life_h: Duration | None = quantity_field("max_half_life", "h")

    @model_validator(mode="after")
    def _consistent(self) -> WasteClearance:
        names = [level.nuclide for level in self.levels]
        if len(set(names)) != len(names):
            raise ValueError(f"one level per nuclide, got {names}")
        if self.method == "levels" and not self.levels:
            raise ValueError('method "levels" needs at least one [[clearance.levels]]')
        if self.method == "survey" and self.levels:
            raise ValueError('method "survey" takes no levels')
        return self

    def level(self, nuclide: str) -> ClearanceLevel | None:
        return next((level for level in self.levels if level.nuclide == nuclide), None)


class Jurisdiction(Record):
    """Who may be released from hospital, under which rule, and with which instructions."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name: str
    version: str
    valid_from: str | None = None
    combine: Literal["all", "any"]
    criteria: list[Criterion] = Field(min_length=1)
    most_exposed: MostExposed
    instructions: Instructions
    constraints: list[DoseConstraint] = Field(default_factory=list)
    clearance: WasteClearance | None = None
    assumptions: list[str] = Field(
        default_factory=list, description="Parts of this file that are not the letter of a rule."
    )
    notes: str = ""

    @model_validator(mode="after")
    def _unique(self) -> Jurisdiction:
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError(f"criterion ids must be unique, got {ids}")
        groups = [c.group for c in self.constraints]
        if len(set(groups)) != len(groups):
            raise ValueError(f"one constraint per group, got {groups}")
        return self

    def constraint(self, group: str) -> DoseConstraint | None:
        return next((c for c in self.constraints if c.group == group), None)


class Contact(BaseModel):
    """Hours per day (daily average) spent at ``distance`` from the patient."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    distance_m: Distance = quantity_field("distance", "m", ...)
    hours_per_day: float = Field(gt=0, le=24)


class ContactScenario(Record):
    """A restriction: the usual contact, and the contact while the restriction lasts."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    label: str
    group: Group
    usual: list[Contact] = Field(min_length=1)
    restricted: list[Contact] = Field(default_factory=list)
    assumption: str = ""

    @model_validator(mode="after")
    def _hours(self) -> ContactScenario:
        for name in ("usual", "restricted"):
            total = sum(c.hours_per_day for c in getattr(self, name))
            if total > 24:
                raise ValueError(f"{name} contact adds up to {total:g} h a day, more than 24")
        return self
