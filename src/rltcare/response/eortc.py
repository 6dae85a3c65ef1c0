"""EORTC PET response criteria (1999): SUV change with thresholds by cycles given.

Reference: Young H, Baum R, Cremerius U, et al. Measurement of clinical and subclinical
tumour response using [18F]-fluorodeoxyglucose and positron emission tomography: review and
1999 EORTC recommendations. Eur J Cancer 1999;35:1773-82.

- PMD: tumour SUV up >25% (region defined on the baseline scan), or a visible increase in
  extent >20% in the longest dimension, or new lesions;
- CMR: complete resolution of uptake (indistinguishable from surrounding normal tissue);
- PMR: SUV down by at least 15-25% after one cycle (``one_cycle_pmr_pct``, default 15) and
  by >25% after more than one cycle;
- SMD otherwise (SUV up <25% or down less than the PMR threshold, no visible increase).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from rltcare.response.base import (
    NotEvaluable,
    Response,
    Rule,
    above,
    at_least,
    guarded,
    percent_change,
    scan_response,
    scan_timeline,
    split_baseline,
)

CRITERION = "EORTC PET"
VERSION = "1999 (Young, Eur J Cancer 35:1773)"
HARMONISED = {"CMR": "CR", "PMR": "PR", "SMD": "SD", "PMD": "PD", "NE": "NE"}


class EortcScan(BaseModel):
    """One FDG PET scan: tumour SUV and the number of treatment cycles given before it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: dt.date
    suv: float | None = Field(None, ge=0)
    cycles_given: int | None = Field(None, ge=0)
    longest_dimension_mm: float | None = Field(None, ge=0)
    extent_increase: bool = False
    new_lesions: bool = False
    complete_resolution: bool = False


class EortcSeries(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str = ""
    scans: list[EortcScan]


@guarded(CRITERION, VERSION)
def evaluate(series: EortcSeries, *, one_cycle_pmr_pct: float = 15.0) -> Response:
    """Assess one patient's scans under the EORTC 1999 recommendations."""
    if not 15.0 <= one_cycle_pmr_pct <= 25.0:
        raise NotEvaluable(f"one_cycle_pmr_pct {one_cycle_pmr_pct:g} outside the 15-25% of EORTC")
    options = {"one_cycle_pmr_pct": one_cycle_pmr_pct}
    base, follow = split_baseline(series.scans, "PET")
    if base.suv is None or base.suv <= 0:
        raise NotEvaluable("baseline has no positive tumour SUV")
    rules: list[Rule] = []
    tps = scan_timeline(
        base, follow, lambda s, _: _category(base, s, one_cycle_pmr_pct), HARMONISED, rules
    )
    return scan_response(
        CRITERION,
        VERSION,
        series.patient_id,
        tps,
        rules,
        options=options,
        metrics={"baseline_suv": base.suv},
    )


def _category(base: EortcScan, s: EortcScan, one_cycle: float) -> tuple[str, str, dict]:
    nums: dict = {"suv": s.suv, "baseline_suv": base.suv, "cycles_given": s.cycles_given}
    if s.new_lesions:
        return "PMD", "new FDG-avid lesion", nums
    if s.extent_increase:
        return "PMD", "visible increase in extent (>20% in the longest dimension)", nums
    if base.longest_dimension_mm and s.longest_dimension_mm is not None:
        ext = percent_change(s.longest_dimension_mm, base.longest_dimension_mm)
        nums["extent_change_pct"] = ext
        if above(ext, 20.0):
            return "PMD", f"longest dimension {ext:+.1f}% (>20%)", nums
    if s.complete_resolution:
        return "CMR", "complete resolution of FDG uptake", nums
    if s.suv is None:
        return "NE", "no tumour SUV and no resolution recorded", nums
    pct = percent_change(s.suv, base.suv)
    nums["change_pct"] = pct
    if above(pct, 25.0):
        return "PMD", f"SUV {base.suv:g} → {s.suv:g}: {pct:+.1f}% (>25%)", nums
    if s.cycles_given is None or s.cycles_given == 0:
        return "NE", "cycles given before the scan unknown or zero: PMR threshold undefined", nums
    if s.cycles_given == 1:
        ok, rule = at_least(-pct, one_cycle), f"≥{one_cycle:g}% after one cycle"
    else:
        ok, rule = above(-pct, 25.0), f">25% after {s.cycles_given} cycles"
    if ok:
        return "PMR", f"SUV {pct:+.1f}% ({rule})", nums
    return "SMD", f"SUV {pct:+.1f}%: PMR needs {rule}; PMD needs >25% up", nums
