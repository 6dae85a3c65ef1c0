"""Countries and their first-level regions: population, centroids, epidemiology, funnels.

A country file (``[meta] kind = "country"``) holds the regions (NUTS-1/NUTS-2 or
ITL-1 codes, population, centroid), the national epidemiological figures and the
country's reimbursement and uptake fractions for each indication. An indications
file (``kind = "indications"``) holds the eligibility funnels that countries share.
Every figure says its source and year, or that it is unknown; the demand model
refuses to use an unknown figure unless the user supplies it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rltcare.catalog.record import Record
from rltcare.errors import UnknownNameError

_STRICT = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Figure(BaseModel):
    """A yearly national count (deaths, new cases) with its source, or an unknown."""

    model_config = _STRICT

    value: float | None = Field(default=None, ge=0, description="Count per year.")
    per_100k: float | None = Field(default=None, ge=0, description="Or a rate per 100,000.")
    year: int | None = Field(default=None, ge=1990, le=2100)
    status: Literal["published", "estimate", "unknown"] = "published"
    source: str = Field(min_length=3)
    note: str = ""

    @model_validator(mode="after")
    def _value_unless_unknown(self) -> Figure:
        given = (self.value is not None) + (self.per_100k is not None)
        if self.status == "unknown" and given:
            raise ValueError("a figure with status 'unknown' has no value")
        if self.status != "unknown" and (given != 1 or self.year is None):
            raise ValueError("give value or per_100k (one) and year, or status = 'unknown'")
        return self


class Fraction(BaseModel):
    """A probability with a central value and a 95% interval (for the Monte Carlo)."""

    model_config = _STRICT

    mean: float = Field(ge=0, le=1)
    low: float | None = Field(default=None, ge=0, le=1)
    high: float | None = Field(default=None, ge=0, le=1)
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _ordered(self) -> Fraction:
        if (self.low is None) != (self.high is None):
            raise ValueError("give both low and high, or neither")
        if self.low is not None and not self.low <= self.mean <= self.high:
            raise ValueError(f"need low ≤ mean ≤ high, got {self.low}, {self.mean}, {self.high}")
        return self


class Region(BaseModel):
    """A first-level region: code, population, a representative point."""

    model_config = _STRICT

    code: str = Field(pattern=r"^[A-Z]{2}[A-Z0-9]{0,3}$")
    name: str = Field(min_length=1)
    population: int = Field(gt=0)
    population_65plus: int | None = None
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)

    @model_validator(mode="after")
    def _older_within_total(self) -> Region:
        older = self.population_65plus
        if older is not None and not 0 <= older <= self.population:
            raise ValueError(
                f"population_65plus ({older}) must be between 0 and population ({self.population})"
            )
        return self


class Country(Record):
    """A country's regions and national figures."""

    id: str = Field(pattern=r"^[a-z]{2}$")
    name: str
    region_level: str = Field(description="e.g. NUTS-1, ITL-1, NUTS-2.")
    code_prefix: str = Field(pattern=r"^[A-Z]{2}$", description="Prefix of every region code.")
    jurisdiction: str = Field(description="Catalog jurisdiction whose discharge rule applies.")
    population_year: int = Field(ge=1990, le=2100)
    population_source: str = Field(min_length=3)
    centroid_source: str = Field(min_length=3)
    bbox: tuple[float, float, float, float] = Field(
        description="lon_min, lat_min, lon_max, lat_max: a centre outside it is rejected."
    )
    regions: list[Region] = Field(min_length=1)
    epidemiology: dict[str, Figure] = Field(default_factory=dict)
    reimbursed: dict[str, Fraction] = Field(default_factory=dict)
    uptake: dict[str, Fraction] = Field(default_factory=dict)
    notes: str = ""

    @model_validator(mode="after")
    def _codes(self) -> Country:
        seen: set[str] = set()
        for index, region in enumerate(self.regions):
            if not region.code.startswith(self.code_prefix):
                raise ValueError(
                    f"regions[{index}].code '{region.code}' does not start with the country's "
                    f"code_prefix '{self.code_prefix}'"
                )
            if region.code in seen:
                raise ValueError(f"regions[{index}].code '{region.code}' appears twice")
            seen.add(region.code)
        return self

    @property
    def population(self) -> int:
        return sum(r.population for r in self.regions)

    def region(self, code: str) -> Region:
        for region in self.regions:
            if region.code == code.strip().upper():
                return region
        raise UnknownNameError("region", code, [r.code for r in self.regions], field="region")


class Ratio(BaseModel):
    """A positive multiplier (e.g. mCRPC patients per prostate-cancer death), lognormal."""

    model_config = _STRICT

    mean: float = Field(gt=0)
    low: float | None = Field(default=None, gt=0)
    high: float | None = Field(default=None, gt=0)
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _ordered(self) -> Ratio:
        if (self.low is None) != (self.high is None):
            raise ValueError("give both low and high, or neither")
        if self.low is not None and not self.low <= self.mean <= self.high:
            raise ValueError(f"need low ≤ mean ≤ high, got {self.low}, {self.mean}, {self.high}")
        return self


class FunnelStep(Fraction):
    """One step of an eligibility funnel: the share of the previous step that goes on."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = ""


class Indication(Record):
    """How incidence becomes patients treated with one product."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    product: str = Field(description="Catalog radiopharmaceutical id.")
    base: str = Field(description="Key of the country's epidemiology figure the funnel starts at.")
    base_ratio: Ratio = Field(description="Patients entering the funnel per unit of base.")
    distribute_by: Literal["population", "population_65plus"] = "population"
    steps: list[FunnelStep] = Field(min_length=1)
    cycles_per_patient: Ratio
    label: Literal["approved", "expansion"] = "approved"
    notes: str = ""
