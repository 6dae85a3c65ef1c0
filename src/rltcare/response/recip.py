"""RECIP 1.0: response on PSMA PET from total tumour volume and new lesions.

References: Gafita A, Rauscher I, Weber M, et al. Novel framework for treatment response
evaluation using PSMA PET/CT in patients with metastatic castration-resistant prostate
cancer (RECIP 1.0): an international multicenter study. J Nucl Med 2022;63:1651-8;
Gafita A et al. Radiology 2023;308:e222148 (visual RECIP).

- CR: no PSMA-ligand uptake left (total tumour volume 0) and no new lesion;
- PR: PSMA-positive total tumour volume (PSMA-VOL) down ≥30%, no new lesion;
- PD: PSMA-VOL up ≥20% *and* new lesions (both are needed);
- SD: every other case — including volume up ≥20% without new lesions, and new lesions
  with volume up <20%.

``variant="visual"`` takes the reader's visual judgement of the volume change
(``absent | decrease | stable | increase``) instead of measured volumes.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rltcare.response.base import (
    HARMONISED,
    NotEvaluable,
    Response,
    Rule,
    at_least,
    guarded,
    percent_change,
    scan_response,
    scan_timeline,
    split_baseline,
)

CRITERION = "RECIP"
VERSION = "1.0 (Gafita, J Nucl Med 63:1651)"
VISUAL = ("absent", "decrease", "stable", "increase")


class PsmaScan(BaseModel):
    """One PSMA PET scan: PSMA-positive total tumour volume (mL) and/or a visual reading."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: dt.date
    tumour_volume_ml: float | None = Field(None, ge=0)
    new_lesions: bool = False
    visual: Literal["absent", "decrease", "stable", "increase"] | None = None


class PsmaSeries(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str = ""
    scans: list[PsmaScan]


@guarded(CRITERION, VERSION)
def evaluate(
    series: PsmaSeries, *, variant: Literal["quantitative", "visual"] = "quantitative"
) -> Response:
    """Assess one patient's PSMA PET scans under RECIP 1.0."""
    if variant not in ("quantitative", "visual"):
        raise NotEvaluable(f"unknown RECIP variant '{variant}' (quantitative or visual)")
    base, follow = split_baseline(series.scans, "PSMA PET")
    if variant == "quantitative" and not base.tumour_volume_ml:
        raise NotEvaluable("baseline has no positive PSMA-positive tumour volume")

    def classify(scan: PsmaScan, _rules: list[Rule]) -> tuple[str, str, dict]:
        return _quantitative(base, scan) if variant == "quantitative" else _visual(scan)

    rules: list[Rule] = []
    tps = scan_timeline(base, follow, classify, {c: c for c in HARMONISED}, rules)
    return scan_response(
        CRITERION,
        VERSION,
        series.patient_id,
        tps,
        rules,
        options={"variant": variant},
        metrics={"variant": variant, "baseline_volume_ml": base.tumour_volume_ml},
    )


def _quantitative(base: PsmaScan, s: PsmaScan) -> tuple[str, str, dict]:
    if s.tumour_volume_ml is None:
        return "NE", "no tumour volume measured", {}
    pct = percent_change(s.tumour_volume_ml, base.tumour_volume_ml)
    nums = {
        "volume_ml": s.tumour_volume_ml,
        "baseline_volume_ml": base.tumour_volume_ml,
        "change_pct": pct,
        "new_lesions": s.new_lesions,
    }
    change = f"PSMA-VOL {base.tumour_volume_ml:g} → {s.tumour_volume_ml:g} mL ({pct:+.1f}%)"
    new = "new lesions" if s.new_lesions else "no new lesion"
    if s.tumour_volume_ml == 0 and not s.new_lesions:
        return "CR", f"{change}: no PSMA uptake left", nums
    up, down = at_least(pct, 20.0), at_least(-pct, 30.0)
    if up and s.new_lesions:
        return "PD", f"{change} (≥20% up) and {new}", nums
    if down and not s.new_lesions:
        return "PR", f"{change} (≥30% down) and {new}", nums
    if up:
        return "SD", f"{change} (≥20% up) but {new}: PD needs both", nums
    if s.new_lesions:
        return "SD", f"{change} with new lesions: PD needs ≥20% up too", nums
    return "SD", f"{change}, {new}", nums


def _visual(s: PsmaScan) -> tuple[str, str, dict]:
    if s.visual is None:
        return "NE", "no visual reading of the tumour volume", {}
    nums = {"visual": s.visual, "new_lesions": s.new_lesions}
    new = "new lesions" if s.new_lesions else "no new lesion"
    if s.visual == "absent" and not s.new_lesions:
        return "CR", "visually no PSMA uptake left", nums
    if s.visual == "increase" and s.new_lesions:
        return "PD", f"visual increase and {new}", nums
    if s.visual == "decrease" and not s.new_lesions:
        return "PR", f"visual decrease and {new}", nums
    return "SD", f"visual {s.visual} with {new}", nums
