"""RECIST 1.1, with the PCWG3 modification for prostate cancer as an option.

Reference: Eisenhauer EA et al. New response evaluation criteria in solid tumours: revised
RECIST guideline (version 1.1). Eur J Cancer 2009;45:228-47 (sections 3-4, Tables 1-3);
PCWG3 modification: Scher HI et al. J Clin Oncol 2016;34:1402-18 (Table 2).

- measurable at baseline: non-nodal longest diameter ≥10 mm; nodes short axis ≥15 mm
  (10-<15 mm: pathological, non-target; <10 mm: normal, not followed); bone: non-target;
- targets: the largest measurable lesions, ≤5 in all and ≤2 per organ (PCWG3: ≤5 per organ,
  no total cap), unless the caller marks them;
- target response: CR = every non-nodal target gone and every nodal target <10 mm;
  PD = sum ≥20% above the nadir (smallest sum so far, baseline included) *and* ≥5 mm above
  it; PR = sum ≥30% below baseline; else SD; NE if a target is not measured (unless the
  measured ones already make PD);
- overall time-point response from targets, non-targets and new lesions (Tables 1 and 2);
  with ``pcwg3=True`` new bone lesions count only through the 2+2 rule;
- best overall response, optionally confirmed (CR/PR repeated ≥4 weeks later; SD needs
  ``min_sd_weeks`` from baseline);
- validation, measurability and target selection: :mod:`.recist_baseline`; lesions that
  split or coalesce (``split_from``, ``merged_into``): :mod:`.recist_split`.
  A target that disappears and later reappears on its own is NE with the reason (a reader
  must decide), never a silent guess.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rltcare.response.base import (
    Assessment,
    NotEvaluable,
    Response,
    Rule,
    at_least,
    guarded,
    percent_change,
)
from rltcare.response.bone import BoneScan, bone_progression
from rltcare.response.recist_baseline import check, select_targets, to_mm

CRITERION = "RECIST"
VERSION = "1.1 (Eisenhauer, Eur J Cancer 45:228)"
HARMONISED = {"CR": "CR", "PR": "PR", "SD": "SD", "PD": "PD", "NE": "NE", "Non-CR/Non-PD": "SD"}
ORDER = ("CR", "PR", "SD", "Non-CR/Non-PD", "PD", "NE")


class LesionObservation(BaseModel):
    """One lesion on one date. ``diameter``: longest (nodes: short axis); 0 = disappeared."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lesion_id: str
    date: dt.date
    organ: str
    node: bool = False
    diameter: float | None = Field(None, ge=0)
    unit: str = "mm"
    status: Literal["present", "absent", "progression", "not_evaluated"] | None = None
    new: bool = False
    target: bool | None = None
    split_from: str | None = None
    merged_into: str | None = None


class LesionSeries(BaseModel):
    """A patient's lesions at baseline and follow-up; bone scans for the PCWG3 option."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str = ""
    baseline_date: dt.date | None = None
    observations: list[LesionObservation]
    bone_scans: list[BoneScan] = []


def _target_response(b, index, date, base_sum, nadir, gone, rules) -> tuple[str | None, dict]:
    if not b.targets:
        return None, {}
    diam: dict[str, float | None] = {}
    for lid, o0 in b.targets.items():
        o = index.get((lid, date))
        merged = o is not None and o.merged_into is not None
        d = 0.0 if o is not None and (o.status == "absent" or merged) else (to_mm(o) if o else None)
        if d is not None and d > 0 and lid in gone and not o0.node:
            raise NotEvaluable(
                f"target {lid} disappeared on {gone[lid]} and reappeared on {date} ({d:g} mm); "
                "RECIST 1.1 needs a reader decision on reappearing lesions",
                lesion=lid,
            )
        if d == 0 and not o0.node and not merged:  # coalesced is not gone
            gone.setdefault(lid, date)
        diam[lid] = d
    measured = [d for d in diam.values() if d is not None]
    total = sum(measured)
    nums = {
        "sum_mm": total,
        "baseline_sum_mm": base_sum,
        "nadir_mm": nadir,
        "change_from_baseline_pct": percent_change(total, base_sum),
        "change_from_nadir_pct": percent_change(total, nadir) if nadir > 0 else None,
    }
    pd = at_least(total, 1.2 * nadir) and at_least(total - nadir, 5.0) and total > 0
    if len(measured) < len(diam):
        missing = sorted(k for k, d in diam.items() if d is None)
        if pd:
            rules.append(
                Rule(
                    rule="target-PD-partial",
                    date=date,
                    numbers=nums,
                    text=f"targets {missing} not measured but measured sum {total:g} mm "
                    f"is already ≥20% and ≥5 mm above nadir {nadir:g}",
                )
            )
            return "PD", nums | {"complete": False}
        rules.append(
            Rule(
                rule="target-NE",
                date=date,
                numbers=nums,
                text=f"targets {missing} not measured on {date}",
            )
        )
        return "NE", nums | {"complete": False}
    nodes_small = all(not at_least(d, 10.0) for k, d in diam.items() if b.targets[k].node)
    if pd:
        # a nadir of 0 (every target gone, nodes recorded as 0): any sum is ≥20% above it
        rise = f"{percent_change(total, nadir):+.1f}% (≥20%)" if nadir > 0 else "above 0"
        why = (
            f"sum {total:g} mm is {rise} and +{total - nadir:g} mm (≥5 mm) above nadir {nadir:g} mm"
        )
        cat = "PD"
    elif all(d == 0 for k, d in diam.items() if not b.targets[k].node) and nodes_small:
        why = "all non-nodal targets gone, all nodal targets <10 mm"
        cat = "CR"
    elif at_least(-percent_change(total, base_sum), 30.0):
        why = f"sum {total:g} mm is {percent_change(total, base_sum):+.1f}% from baseline {base_sum:g} (≥30% decrease)"
        cat = "PR"
    else:
        why = (
            f"sum {total:g} mm: {percent_change(total, base_sum):+.1f}% from baseline, "
            f"+{total - nadir:g} mm from nadir {nadir:g}: neither PR nor PD"
        )
        cat = "SD"
    rules.append(Rule(rule=f"target-{cat}", date=date, numbers=nums, text=why))
    return cat, nums | {"complete": True}


def _non_target_response(b, index, date) -> str | None:
    if not b.non_targets:
        return None
    states = []
    for lid, o0 in b.non_targets.items():
        o = index.get((lid, date))
        if o is None or o.status == "not_evaluated":
            states.append("NE")
        elif o.merged_into:  # part of the lesion it coalesced into
            states.append("present")
        elif o.status == "progression":
            states.append("PD")
        elif (
            o.status == "absent"
            or to_mm(o) == 0
            or (o0.node and to_mm(o) is not None and to_mm(o) < 10.0)
        ):
            states.append("absent")
        elif o.status == "present" or to_mm(o) is not None:
            states.append("present")
        else:
            states.append("NE")
    if "PD" in states:
        return "PD"
    if all(s == "absent" for s in states):
        return "CR"
    if "NE" in states:
        return "NE"
    return "Non-CR/Non-PD"


def overall(target: str | None, non_target: str | None, new: bool) -> str:
    """RECIST 1.1 Tables 1 (with targets) and 2 (non-targets only)."""
    if new or target == "PD" or non_target == "PD":
        return "PD"
    if target is None:
        return {"CR": "CR", "Non-CR/Non-PD": "Non-CR/Non-PD", None: "NE"}.get(non_target, "NE")
    if target == "CR":
        return "CR" if non_target in ("CR", None) else "PR"
    if target in ("PR", "SD"):
        return target
    return "NE"


def best_overall(tps: list[Assessment], *, confirm: bool, min_sd_days: int) -> tuple[str, str]:
    """Best overall response (and why) from time points up to the first PD."""
    seq: list[Assessment] = []
    for t in tps:
        seq.append(t)
        if t.category == "PD":
            break
    cats = [t.category for t in seq]
    if confirm:
        for want, ok in (("CR", ("CR",)), ("PR", ("CR", "PR"))):
            for i, t in enumerate(seq):
                if t.category not in ok:
                    continue
                for u in seq[i + 1 :]:
                    if u.category in ok and (u.date - t.date).days >= 28:
                        return (
                            want,
                            f"{t.category} on {t.date} confirmed on {u.date} (≥4 weeks): {t.rule}",
                        )
    else:
        for want in ("CR", "PR"):
            if want in cats:
                t = seq[cats.index(want)]
                return want, f"{want} on {t.date} (confirmation not required): {t.rule}"
    stable = [
        t
        for t in seq
        if t.category in ("CR", "PR", "SD", "Non-CR/Non-PD") and t.days >= min_sd_days
    ]
    if stable:
        cat = "Non-CR/Non-PD" if all(t.category == "Non-CR/Non-PD" for t in stable) else "SD"
        return (
            cat,
            f"stable (or unconfirmed response) on {stable[0].date}, ≥{min_sd_days} days from baseline",
        )
    if "PD" in cats:
        return "PD", f"progression on {seq[-1].date}: {seq[-1].rule}"
    return "NE", "no time point qualifies (too early for SD, or not evaluable)"


@guarded(CRITERION, VERSION)
def evaluate(
    series: LesionSeries,
    *,
    pcwg3: bool = False,
    confirm: bool = False,
    min_sd_weeks: float = 6.0,
) -> Response:
    """Assess one patient's lesions under RECIST 1.1 (``pcwg3=True``: PCWG3 modification)."""
    options = {"pcwg3": pcwg3, "confirm": confirm, "min_sd_weeks": min_sd_weeks}
    base, index, observations, rules = check(series)
    base_obs = [o for o in observations if o.date == base]
    b = select_targets(base_obs, pcwg3, rules)
    if not b.targets and not b.non_targets:
        raise NotEvaluable("no measurable or non-measurable disease at baseline")
    base_sum = sum(to_mm(o) for o in b.targets.values())
    bone = bone_progression(base, series.bone_scans) if pcwg3 else None
    if bone is not None:
        rules.append(bone)
    dates = sorted({o.date for o in observations if o.date > base})
    nadir, gone, tps = base_sum, {}, []
    for date in dates:
        t_cat, nums = _target_response(b, index, date, base_sum, nadir, gone, rules)
        nt_cat = _non_target_response(b, index, date)
        new = [
            o.lesion_id
            for o in observations
            if o.new
            and o.date == date
            and o.status != "absent"
            and not (pcwg3 and o.organ.strip().lower() == "bone")
        ]
        bone_pd = bone is not None and bone.rule == "bone-progression" and bone.date <= date
        cat = "PD" if bone_pd else overall(t_cat, nt_cat, bool(new))
        text = f"targets {t_cat or 'none'}, non-targets {nt_cat or 'none'}, new lesions {new or 'none'}"
        text += "; bone 2+2 progression" if bone_pd else ""
        if t_cat is not None and rules[-1].rule.startswith("target-"):
            text += f" ({rules[-1].text})"
        rules.append(Rule(rule=f"overall-{cat}", date=date, text=text))
        if nums.get("complete"):
            nadir = min(nadir, nums["sum_mm"])
        tps.append(
            Assessment(
                date=date,
                days=(date - base).days,
                category=cat,
                harmonised=HARMONISED[cat],
                rule=text,
                numbers=nums | {"new_lesions": new},
            )
        )
    if not tps:
        raise NotEvaluable(f"no follow-up after baseline {base}")
    bor, why = best_overall(tps, confirm=confirm, min_sd_days=round(min_sd_weeks * 7))
    rules.append(Rule(rule=f"best-overall-{bor}", text=why))
    sums = [t.numbers["sum_mm"] for t in tps if t.numbers.get("complete")]
    metrics = {
        "baseline_date": str(base),
        "baseline_sum_mm": base_sum,
        "targets": sorted(b.targets),
        "non_targets": sorted(b.non_targets),
        "best_change_pct": min((percent_change(s, base_sum) for s in sums), default=None)
        if base_sum > 0
        else None,
        "first_pd_date": next((str(t.date) for t in tps if t.category == "PD"), None),
    }
    return Response(
        criterion=CRITERION + (" (PCWG3-modified)" if pcwg3 else ""),
        version=VERSION,
        patient_id=series.patient_id,
        category=bor,
        harmonised=HARMONISED[bor],
        timepoints=tps,
        rules=rules,
        options=options,
        metrics=metrics,
    )
