"""Radiopharmaceuticals: nuclide, dosing, supply and whole-body retention."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from rltcare.catalog.nuclide import parse_nuclide
from rltcare.catalog.record import Record, quantity_field
from rltcare.units import Activity, Duration


class RetentionComponent(BaseModel):
    """One exponential term of whole-body retention.

    Give ``effective_half_life`` (physical decay included, as most patient studies
    report) or ``biological_half_life``; with neither, the component is not
    eliminated biologically and decays with the physical half-life only (e.g.
    microspheres). ``fraction_sd`` (absolute) and ``half_life_cv`` describe the
    spread between patients; fractions are sampled normally and clipped to [0, 1],
    half-lives log-normally with that coefficient of variation.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    fraction: float = Field(gt=0, le=1)
    fraction_sd: float = Field(default=0.0, ge=0, le=0.5)
    effective_half_life_h: Duration | None = quantity_field("effective_half_life", "h")
    biological_half_life_h: Duration | None = quantity_field("biological_half_life", "h")
    half_life_cv: float = Field(default=0.0, ge=0, le=2)

    @model_validator(mode="after")
    def _one_half_life(self) -> RetentionComponent:
        if self.effective_half_life_h is not None and self.biological_half_life_h is not None:
            raise ValueError("give effective_half_life or biological_half_life, not both")
        return self


class RetentionModel(BaseModel):
    """Whole-body retention R(t) = Σ fᵢ·exp(−ln2·t/Tᵢ) after administration."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    components: list[RetentionComponent] = Field(min_length=1, max_length=4)
    source: str = Field(min_length=3)
    notes: str = ""

    @model_validator(mode="after")
    def _fractions_sum_to_at_most_one(self) -> RetentionModel:
        total = sum(c.fraction for c in self.components)
        if total > 1 + 1e-6:
            raise ValueError(f"component fractions add up to {total:.4g}, more than 1")
        return self


class Radiopharmaceutical(Record):
    """A product as it is ordered, given and retained."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Slug, e.g. lu177-psma-617.")
    name: str
    nuclide: str
    indications: list[str] = Field(min_length=1)
    administration: Literal["intravenous", "oral", "intra-arterial"]
    typical_activity_mbq: Activity = quantity_field("typical_activity", "mbq", ...)
    activity_range_mbq: tuple[Activity, Activity] | None = Field(
        None, validation_alias=AliasChoices("activity_range", "activity_range_mbq")
    )
    cycles: int = Field(ge=1, le=20)
    interval_h: Duration | None = quantity_field(
        "interval", "h", description="Planned time between cycles."
    )
    shelf_life_h: Duration = quantity_field(
        "shelf_life", "h", ..., description="Usable time from calibration."
    )
    production: Literal[
        "carrier-added",
        "no-carrier-added",
        "generator",
        "cyclotron",
        "reactor",
        "accelerator",
        "mixed",
    ]
    impurities: dict[str, float] = Field(
        default_factory=dict,
        description="Activity of each impurity per activity of the main nuclide at calibration.",
    )
    specific_dose_rate_1m: float | None = Field(
        default=None,
        gt=0,
        description="Measured dose rate at 1 m, µSv/h per GBq administered, just after administration.",
    )
    specific_dose_rate_source: str | None = None
    retention: RetentionModel
    notes: str = ""

    @field_validator("nuclide")
    @classmethod
    def _canonical_nuclide(cls, value: str) -> str:
        return parse_nuclide(value)

    @field_validator("impurities")
    @classmethod
    def _canonical_impurities(cls, value: dict[str, float]) -> dict[str, float]:
        out = {}
        for name, ratio in value.items():
            if not 0 <= ratio < 1:
                raise ValueError(f"impurity ratio for {name} must be in [0, 1), got {ratio}")
            out[parse_nuclide(name)] = ratio
        return out

    @model_validator(mode="after")
    def _sourced_dose_rate(self) -> Radiopharmaceutical:
        if self.specific_dose_rate_1m is not None and not self.specific_dose_rate_source:
            raise ValueError("specific_dose_rate_1m needs specific_dose_rate_source")
        return self
