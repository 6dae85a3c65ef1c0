"""RECIST 1.1 at baseline: validating a patient's observations, measurability, targets.

Reference: Eisenhauer EA et al. Eur J Cancer 2009;45:228-47, sections 3.1-3.3 (measurable
disease, target and non-target lesions); PCWG3 modification: Scher HI et al. J Clin Oncol
2016;34:1402-18 (Table 2: ≤5 lesions per organ, no total cap). The time-point and best
overall response that use these targets are in :mod:`.recist`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rltcare.response.base import NotEvaluable, Rule, at_least
from rltcare.response.recist_split import resolve

if TYPE_CHECKING:
    from rltcare.response.recist import LesionObservation, LesionSeries

LENGTH_UNITS = {"mm": 1.0, "cm": 10.0}


@dataclass(frozen=True)
class Baseline:
    """The baseline lesions followed: targets (summed) and non-targets, by lesion id."""

    targets: dict[str, LesionObservation]
    non_targets: dict[str, LesionObservation]


def to_mm(o: LesionObservation) -> float | None:
    return None if o.diameter is None else o.diameter * LENGTH_UNITS[o.unit.strip().lower()]


def check(series: LesionSeries) -> tuple[dt.date, dict, list, list[Rule]]:
    """Validate and index observations: (baseline date, {(lesion, date): obs}, observations
    with split lesions folded into their parent, rules on splits and coalescences)."""
    obs = series.observations
    if not obs:
        raise NotEvaluable("no lesion observations")
    units = {o.unit.strip().lower() for o in obs}
    if not units <= set(LENGTH_UNITS):
        raise NotEvaluable(f"unknown length unit(s) {sorted(units - set(LENGTH_UNITS))}; use mm")
    if len(units) > 1:
        raise NotEvaluable(f"mixed units {sorted(units)} in one patient; convert to mm first")
    not_new = [o.date for o in obs if not o.new]
    base = series.baseline_date or (min(not_new) if not_new else None)
    if base is None:
        raise NotEvaluable("no baseline observation (every lesion is marked new)")
    obs, notes = resolve(obs, base, to_mm)
    index: dict = {}
    for o in obs:
        if o.date < base:
            raise NotEvaluable(
                f"lesion {o.lesion_id} observed on {o.date}, before baseline {base}",
                lesion=o.lesion_id,
            )
        if o.new and o.date == base:
            raise NotEvaluable(f"lesion {o.lesion_id} is marked new at baseline {base}")
        if (o.lesion_id, o.date) in index:
            raise NotEvaluable(f"lesion {o.lesion_id} has two observations on {o.date}")
        index[(o.lesion_id, o.date)] = o
    at_base = {o.lesion_id for o in obs if o.date == base}
    for o in obs:
        if o.date > base and not o.new and o.lesion_id not in at_base:
            raise NotEvaluable(
                f"lesion {o.lesion_id} has follow-up on {o.date} but no baseline and is not "
                "marked new",
                lesion=o.lesion_id,
            )
    return base, index, obs, notes


def measurability(o: LesionObservation) -> tuple[bool, bool, str]:
    """(measurable, followed as non-target, why) for a baseline lesion."""
    d = to_mm(o)
    if o.organ.strip().lower() == "bone":
        return False, True, "bone lesion: non-measurable, non-target"
    if d is None:
        return False, True, "no diameter: non-measurable, non-target"
    if o.node:
        if at_least(d, 15.0):
            return True, True, f"node short axis {d:g} mm ≥15 mm: measurable"
        if at_least(d, 10.0):
            return False, True, f"node short axis {d:g} mm in 10-<15 mm: pathological non-target"
        return False, False, f"node short axis {d:g} mm <10 mm: normal, not followed"
    if at_least(d, 10.0):
        return True, True, f"longest diameter {d:g} mm ≥10 mm: measurable"
    return False, True, f"longest diameter {d:g} mm <10 mm: non-measurable, non-target"


def select_targets(base_obs: list[LesionObservation], pcwg3: bool, rules: list[Rule]) -> Baseline:
    per_organ, total = (5, None) if pcwg3 else (2, 5)
    verdict = {o.lesion_id: measurability(o) for o in base_obs}
    chosen = [o for o in base_obs if o.target]
    if chosen:
        for o in chosen:
            if not verdict[o.lesion_id][0]:
                raise NotEvaluable(
                    f"lesion {o.lesion_id} chosen as target is not measurable "
                    f"({verdict[o.lesion_id][2]})",
                    lesion=o.lesion_id,
                )
        counts: dict[str, int] = defaultdict(int)
        for o in chosen:
            counts[site(o)] += 1
        over = {k: n for k, n in counts.items() if n > per_organ}
        if over or (total and len(chosen) > total):
            raise NotEvaluable(
                f"too many targets: {len(chosen)} in all, per organ {dict(counts)} "
                f"(limit {total or 'none'} in all, {per_organ} per organ)"
            )
        how = "marked by the reader"
    else:
        chosen, counts = [], defaultdict(int)
        candidates = sorted(
            (o for o in base_obs if verdict[o.lesion_id][0]), key=lambda o: (-to_mm(o), o.lesion_id)
        )
        for o in candidates:
            if counts[site(o)] < per_organ and (total is None or len(chosen) < total):
                chosen.append(o)
                counts[site(o)] += 1
        how = f"largest measurable, ≤{per_organ} per organ" + (
            f", ≤{total} in all" if total else ""
        )
    targets = {o.lesion_id: o for o in chosen}
    non_targets = {
        o.lesion_id: o for o in base_obs if o.lesion_id not in targets and verdict[o.lesion_id][1]
    }
    rules.append(
        Rule(
            rule="target-selection",
            text=f"targets {sorted(targets)} ({how}); non-targets {sorted(non_targets)}",
            numbers={k: v[2] for k, v in verdict.items()},
        )
    )
    return Baseline(targets=targets, non_targets=non_targets)


def site(o: LesionObservation) -> str:
    return "lymph node" if o.node else o.organ.strip().lower()
