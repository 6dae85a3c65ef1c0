"""PERCIST 1.0: metabolic response from the SULpeak of the hottest lesion.

Reference: Wahl RL, Jacene H, Kasamon Y, Lodge MA. From RECIST to PERCIST: evolving
considerations for PET response criteria in solid tumors. J Nucl Med 2009;50 Suppl 1:
122S-150S (PERCIST 1.0 criteria and quality appendix); O JH, Lodge MA, Wahl RL. Practical
PERCIST. Radiology 2016;280:576-84.

- the measured quantity is the SULpeak of the single hottest lesion on each scan, not
  necessarily the same lesion;
- measurable baseline: SULpeak ≥ 1.5 × liver SULmean + 2 SD (3 cm right-lobe ROI); if the
  liver is not usable, ≥ 2 × blood-pool SULmean + 2 SD;
- quality gates per follow-up: liver SULmean within 20% and 0.3 SUL of baseline; uptake time
  50-70 min and within 15 min of the baseline's. A failing gate makes the scan NE and says why;
- CMR: no lesion above the liver SULmean and no new lesion; PMR: SULpeak down ≥30% and
  ≥0.8 SUL, no new lesion; PMD: SULpeak up >30% and >0.8 SUL, or TLG up >75%, or a visible
  unequivocal increase, or new lesions; SMD otherwise.

Secondary analysis (reported beside the primary, it does not change the category): the sum
of the SULpeaks of up to five of the hottest lesions, no more than two per organ, on each
scan (at baseline only measurable lesions, i.e. above the threshold; at follow-up the
hottest again, not necessarily the same lesions), and its percent and absolute change from
baseline. A follow-up with no lesion listed and no SULpeak (nothing seen) sums to 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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

CRITERION = "PERCIST"
VERSION = "1.0 (Wahl, J Nucl Med 50:122S)"
HARMONISED = {"CMR": "CR", "PMR": "PR", "SMD": "SD", "PMD": "PD", "NE": "NE"}
SUM_LESIONS, SUM_PER_ORGAN = 5, 2  # the secondary sum: up to 5 lesions, 2 per organ


class PetLesion(BaseModel):
    """One lesion's SULpeak on one scan (text form ``label@organ=SULpeak``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lesion_id: str
    organ: str
    sul_peak: float = Field(ge=0)


def lesion_items(cell: str) -> Iterator[tuple[str, str, str]]:
    """(label, organ, SULpeak text) of each lesion in ``"P1@bone=6.2;P2@liver=4.1"``."""
    for item in filter(None, (part.strip() for part in cell.split(";"))):
        label, _, rest = item.partition("@")
        organ, _, peak = rest.partition("=")
        if not (label and organ and peak):
            raise ValueError(f"lesion '{item}' is not label@organ=SULpeak")
        yield label, organ, peak


def _parse_lesions(value):
    """A CSV cell of lesions (:func:`lesion_items`) → lesion records; lists pass through."""
    if not isinstance(value, str):
        return value
    return [{"lesion_id": a, "organ": o, "sul_peak": p} for a, o, p in lesion_items(value)]


class PetScan(BaseModel):
    """One FDG PET scan. ``sul_peak``: the hottest lesion's SULpeak; None when none is seen.

    ``lesions`` (optional): every measured lesion, for the secondary sum; when given without
    ``sul_peak``, the hottest of them is the scan's SULpeak.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: dt.date
    sul_peak: float | None = Field(None, ge=0)
    lesions: list[PetLesion] = []
    hottest_lesion: str | None = None
    liver_sul_mean: float | None = Field(None, gt=0)
    liver_sul_sd: float | None = Field(None, ge=0)
    blood_pool_sul_mean: float | None = Field(None, gt=0)
    blood_pool_sul_sd: float | None = Field(None, ge=0)
    uptake_time_min: float | None = Field(None, gt=0)
    tlg: float | None = Field(None, ge=0)
    new_lesions: bool = False
    unequivocal_progression: bool = False

    @field_validator("lesions", mode="before")
    @classmethod
    def _split(cls, value):
        return _parse_lesions(value)

    @model_validator(mode="after")
    def _hottest_from_lesions(self) -> PetScan:
        if self.lesions:
            hottest = max(self.lesions, key=lambda x: x.sul_peak)
            if self.sul_peak is None:
                object.__setattr__(self, "sul_peak", hottest.sul_peak)
                object.__setattr__(self, "hottest_lesion", hottest.lesion_id)
            elif hottest.sul_peak > self.sul_peak + 1e-9:
                raise ValueError(
                    f"lesion {hottest.lesion_id} SULpeak {hottest.sul_peak:g} exceeds the "
                    f"scan's hottest SULpeak {self.sul_peak:g}"
                )
        return self


class PetSeries(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str = ""
    scans: list[PetScan]


def _threshold(scan: PetScan) -> tuple[float, str]:
    if scan.liver_sul_mean is not None and scan.liver_sul_sd is not None:
        t = 1.5 * scan.liver_sul_mean + 2 * scan.liver_sul_sd
        return t, f"1.5 × liver {scan.liver_sul_mean:g} + 2 × SD {scan.liver_sul_sd:g} = {t:.3g}"
    if scan.blood_pool_sul_mean is not None and scan.blood_pool_sul_sd is not None:
        t = 2 * scan.blood_pool_sul_mean + 2 * scan.blood_pool_sul_sd
        return (
            t,
            f"2 × blood pool {scan.blood_pool_sul_mean:g} + 2 × SD {scan.blood_pool_sul_sd:g} = {t:.3g}",
        )
    raise NotEvaluable("baseline has neither liver nor blood-pool reference (SULmean and SD)")


def hottest_sum(scan: PetScan, minimum: float = 0.0) -> tuple[float | None, list[str]]:
    """(sum, lesion ids): SULpeaks of up to 5 hottest lesions ≥ ``minimum``, ≤2 per organ.

    None when the scan lists no lesions but has a SULpeak (the sum cannot be formed); 0 when
    nothing is seen.
    """
    if not scan.lesions:
        return (0.0, []) if scan.sul_peak is None else (None, [])
    chosen: list[PetLesion] = []
    per_organ: dict[str, int] = {}
    for lesion in sorted(scan.lesions, key=lambda x: (-x.sul_peak, x.lesion_id)):
        organ = lesion.organ.strip().lower()
        if len(chosen) == SUM_LESIONS or not at_least(lesion.sul_peak, minimum):
            break
        if per_organ.get(organ, 0) < SUM_PER_ORGAN:
            chosen.append(lesion)
            per_organ[organ] = per_organ.get(organ, 0) + 1
    return sum(x.sul_peak for x in chosen), [x.lesion_id for x in chosen]


def _secondary(base_sum: float | None, scan: PetScan) -> dict:
    total, ids = hottest_sum(scan)
    if not base_sum or total is None:  # no baseline sum (or nothing measurable listed)
        return {"sum_sul_peak": total}
    return {
        "baseline_sum_sul_peak": base_sum,
        "sum_sul_peak": total,
        "sum_lesions": ids,
        "sum_change_pct": percent_change(total, base_sum),
        "sum_change_sul": total - base_sum,
    }


def _gates(base: PetScan, scan: PetScan) -> tuple[list[str], list[str]]:
    """(failures, unchecked) quality gates for a follow-up scan."""
    fail, unchecked = [], []
    if base.liver_sul_mean is not None and scan.liver_sul_mean is not None:
        d = scan.liver_sul_mean - base.liver_sul_mean
        if above(abs(d), 0.3) or above(abs(100 * d / base.liver_sul_mean), 20.0):
            fail.append(
                f"liver SULmean {base.liver_sul_mean:g} → {scan.liver_sul_mean:g} "
                f"({100 * d / base.liver_sul_mean:+.0f}%, {d:+.2f} SUL; limit 20% and 0.3)"
            )
    else:
        unchecked.append("liver reference")
    if base.uptake_time_min is not None and scan.uptake_time_min is not None:
        for s, name in ((base, "baseline"), (scan, "follow-up")):
            if not 50 <= s.uptake_time_min <= 70:
                fail.append(f"{name} uptake time {s.uptake_time_min:g} min outside 50-70 min")
        if above(abs(scan.uptake_time_min - base.uptake_time_min), 15.0):
            fail.append(
                f"uptake times differ by {abs(scan.uptake_time_min - base.uptake_time_min):g} min (>15)"
            )
    else:
        unchecked.append("uptake time")
    return fail, unchecked


@guarded(CRITERION, VERSION)
def evaluate(series: PetSeries, *, enforce_quality: bool = True) -> Response:
    """Assess one patient's FDG PET scans under PERCIST 1.0."""
    options = {"enforce_quality": enforce_quality}
    base, follow = split_baseline(series.scans, "PET")
    if base.sul_peak is None:
        raise NotEvaluable("baseline has no SULpeak")
    limit, how = _threshold(base)
    if not at_least(base.sul_peak, limit):
        raise NotEvaluable(
            f"baseline not measurable: SULpeak {base.sul_peak:g} < {how}",
            sul_peak=base.sul_peak,
            threshold=limit,
        )
    rules = [
        Rule(
            rule="measurable",
            date=base.date,
            numbers={"sul_peak": base.sul_peak, "threshold": limit},
            text=f"baseline SULpeak {base.sul_peak:g} ≥ {how}",
        )
    ]
    base_sum, base_ids = hottest_sum(base, limit)
    if base_sum is not None:
        rules.append(
            Rule(
                rule="secondary-sum",
                date=base.date,
                numbers={"sum_sul_peak": base_sum, "lesions": base_ids},
                text=f"secondary: sum of SULpeak of {len(base_ids)} hottest measurable lesions "
                f"(≤5, ≤2 per organ) {base_sum:g}",
            )
        )

    def classify(s: PetScan, rules: list[Rule]) -> tuple:
        fail, unchecked = _gates(base, s)
        if unchecked:
            rules.append(
                Rule(
                    rule="quality-unchecked",
                    date=s.date,
                    text=f"not checked: {', '.join(unchecked)}",
                )
            )
        if fail and enforce_quality:
            return "NE", "; ".join(fail), {"quality": fail}, "quality-gate-failed"
        cat, why, nums = _category(base, s)
        return cat, why, nums | _secondary(base_sum, s)

    tps = scan_timeline(base, follow, classify, HARMONISED, rules)
    return scan_response(
        CRITERION,
        VERSION,
        series.patient_id,
        tps,
        rules,
        options=options,
        metrics={
            "baseline_sul_peak": base.sul_peak,
            "measurability_threshold": limit,
            "baseline_sum_sul_peak": base_sum,
            "baseline_sum_lesions": base_ids,
        },
    )


def _category(base: PetScan, s: PetScan) -> tuple[str, str, dict]:
    peak = s.sul_peak if s.sul_peak is not None else 0.0
    dpct, dabs = percent_change(peak, base.sul_peak), peak - base.sul_peak
    nums = {
        "sul_peak": s.sul_peak,
        "baseline_sul_peak": base.sul_peak,
        "change_pct": dpct,
        "change_sul": dabs,
        "hottest_lesion": s.hottest_lesion,
    }
    if s.new_lesions:
        return "PMD", "new FDG-avid lesion", nums
    if above(dpct, 30.0) and above(dabs, 0.8):
        return (
            "PMD",
            f"SULpeak {base.sul_peak:g} → {peak:g}: {dpct:+.1f}% (>30%) and {dabs:+.2f} SUL (>0.8)",
            nums,
        )
    if base.tlg and s.tlg is not None:
        tlg_pct = percent_change(s.tlg, base.tlg)
        nums["tlg_change_pct"] = tlg_pct
        if above(tlg_pct, 75.0):
            return "PMD", f"TLG {base.tlg:g} → {s.tlg:g}: {tlg_pct:+.1f}% (>75%)", nums
    if s.unequivocal_progression:
        return "PMD", "visible unequivocal increase in extent of FDG uptake", nums
    liver = s.liver_sul_mean or base.liver_sul_mean
    if s.sul_peak is None or (liver is not None and peak < liver):
        return "CMR", f"no lesion above liver SULmean ({liver}); no new lesion", nums
    if at_least(-dpct, 30.0) and at_least(-dabs, 0.8):
        return (
            "PMR",
            f"SULpeak {base.sul_peak:g} → {peak:g}: {dpct:+.1f}% (≥30% down) and {dabs:+.2f} SUL (≥0.8)",
            nums,
        )
    return "SMD", f"SULpeak {dpct:+.1f}%, {dabs:+.2f} SUL: neither PMR nor PMD", nums
