"""Per-cycle resource use and the yearly capacity of a centre.

:class:`ResourceUse` is what one treatment cycle takes. Bed-days come from the
physics engine (the earliest discharge under the country's rule for a typical
patient); chair hours, scanner slots and staff hours are documented inputs
(:data:`PER_CYCLE`, rltcare assumptions to replace with local figures). The
capacity planner can supply its own :class:`ResourceUse` instead.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat

from rltcare.catalog import Catalog, default_catalog
from rltcare.physics.release import earliest_discharge_h
from rltcare.physics.retention import Kinetics

ROLES = ("physician", "physicist", "technologist", "nurse", "radiopharmacist")
_STRICT = ConfigDict(frozen=True, extra="forbid")


class ResourceUse(BaseModel):
    """What one cycle takes (staff hours by role: physician, physicist, technologist, nurse,
    radiopharmacist)."""

    model_config = _STRICT

    bed_days: float = Field(ge=0)
    chair_hours: float = Field(ge=0)
    scanner_slots: float = Field(ge=0)
    staff_hours: dict[Literal[ROLES], NonNegativeFloat] = Field(default_factory=dict)
    activity_gbq: float = Field(ge=0)
    discharge_h: float | None = None
    source: str = ""


class Capacity(BaseModel):
    """How much a room, chair, scanner and FTE give a year (rltcare assumptions)."""

    model_config = _STRICT

    bed_days_per_room: float = Field(default=365 * 0.85, gt=0, description="85% occupancy")
    chair_hours_per_chair: float = Field(default=250 * 8 * 0.8, gt=0)
    scanner_slots_per_scanner: float = Field(
        default=250 * 3, gt=0, description="RLT slots a year per scanner shared with diagnostics"
    )
    hours_per_fte: float = Field(default=1600, gt=0)


#: Day-case work, scans and staff time per cycle: rltcare assumptions (2026), to be
#: replaced by local time-and-motion figures or the capacity planner's output.
PER_CYCLE: dict[str, dict] = {
    "lu177-psma-617": {
        "chair_hours": 4.0,
        "scanner_slots": 1.0,
        "staff_hours": {
            "physician": 1.0,
            "physicist": 0.5,
            "technologist": 1.5,
            "nurse": 3.0,
            "radiopharmacist": 0.5,
        },
    },
    "lu177-dotatate": {
        "chair_hours": 6.0,
        "scanner_slots": 1.0,
        "staff_hours": {
            "physician": 1.0,
            "physicist": 0.5,
            "technologist": 1.5,
            "nurse": 4.0,
            "radiopharmacist": 0.5,
        },
    },
    "i131-nai-thyroid-cancer": {
        "chair_hours": 0.0,
        "scanner_slots": 1.0,
        "staff_hours": {
            "physician": 1.0,
            "physicist": 0.5,
            "technologist": 1.0,
            "nurse": 2.0,
            "radiopharmacist": 0.2,
        },
    },
}
#: A stay up to this long is a day case (chair), longer is an inpatient stay (bed-days).
DAY_CASE_H = 8.0
#: Nurse hours per inpatient bed-day on a therapy ward (rltcare assumption).
NURSE_HOURS_PER_BED_DAY = 2.0


def resource_use(
    product_id: str,
    jurisdiction_id: str,
    *,
    cycles_per_year: int | None = None,
    catalog: Catalog | None = None,
) -> ResourceUse:
    """Per-cycle use for a typical patient under the jurisdiction's discharge rule.

    ``cycles_per_year`` (for a yearly dose limit) defaults to the product's cycles that
    fit in a year at its interval.
    """
    catalog = catalog or default_catalog()
    product = catalog.radiopharmaceutical(product_id)
    if cycles_per_year is None:
        per_year = int(8766 // product.interval_h) if product.interval_h else 1
        cycles_per_year = max(1, min(product.cycles, per_year))
    rule = catalog.jurisdiction(jurisdiction_id)
    nuclide = catalog.nuclide(product.nuclide)
    kinetics = Kinetics.typical(product.retention, nuclide.half_life_h)
    stay_h = float(
        earliest_discharge_h(
            rule,
            product,
            [product.typical_activity_mbq],
            kinetics,
            cycles_per_year=cycles_per_year,
            catalog=catalog,
        )[0]
    )
    inputs = PER_CYCLE.get(product.id, PER_CYCLE["lu177-psma-617"])
    inpatient = stay_h > DAY_CASE_H
    bed_days = math.ceil(stay_h / 24) if inpatient and math.isfinite(stay_h) else 0.0
    staff = dict(inputs["staff_hours"])
    staff["nurse"] = staff.get("nurse", 0.0) + NURSE_HOURS_PER_BED_DAY * bed_days
    return ResourceUse(
        bed_days=bed_days,
        chair_hours=0.0 if inpatient else inputs["chair_hours"],
        scanner_slots=inputs["scanner_slots"],
        staff_hours=staff,
        activity_gbq=product.typical_activity_mbq / 1000,
        discharge_h=stay_h if math.isfinite(stay_h) else None,
        source=(
            f"bed-days: earliest discharge under '{rule.id}' for {product.typical_activity_mbq:g} "
            "MBq (rltcare.physics.release); chair, scanner and staff time: rltcare assumptions "
            "(rltcare.national.resources.PER_CYCLE)"
        ),
    )
