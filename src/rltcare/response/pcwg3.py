"""PCWG3: PSA response and progression (bone progression: :mod:`.bone`).

Reference: Scher HI et al. Trials addressing castration-resistant prostate cancer:
updated recommendations from the Prostate Cancer Clinical Trials Working Group 3.
J Clin Oncol 2016;34:1402-18 (Table 2 and Table 3).

PSA (``evaluate``):

- baseline: the last value on or before treatment start;
- percent change at 12 weeks (the value nearest day 84, within a window) and the maximal
  decline (most negative change at any time);
- PSA50 / PSA90: a decline of at least 50% / 90% from baseline, reported both unconfirmed
  and confirmed by the first value measured at least 3 weeks later;
- progression: a value at least 25% *and* at least 2 ng/mL above the nadir (the lowest
  value before it, baseline included; when PSA never fell the nadir *is* the baseline), confirmed
  by the first value at least 3 weeks later, dated at the first qualifying value. Rises
  before 12 weeks are ignored (flare); the first qualifying value from week 12 on counts;
- PSA-PFS: days from treatment start to progression, else censored at the last value.

Values below the detection limit count as the limit (so a decline is a lower bound);
``ng/mL``, ``µg/L`` (the same quantity), ``ng/L`` and ``pg/mL`` are converted to ng/mL.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from rltcare.response.base import (
    Assessment,
    NotEvaluable,
    Response,
    Rule,
    at_least,
    check_dates_ordered,
    confirming_index,
    guarded,
    percent_change,
    running_nadir,
)

CRITERION = "PCWG3"
VERSION = "2016 (Scher, J Clin Oncol 34:1402)"

# factor to ng/mL, by lower-cased unit spelling
PSA_UNITS = {
    "ng/ml": 1.0,
    "µg/l": 1.0,
    "μg/l": 1.0,
    "ug/l": 1.0,
    "mcg/l": 1.0,
    "ng/l": 1e-3,
    "pg/ml": 1e-3,
}
PROGRESSION_PCT = 25.0
PROGRESSION_NG_ML = 2.0
RESPONSE_PCTS = (50.0, 90.0)


class PsaValue(BaseModel):
    """One PSA result. ``value`` may be omitted for a result reported as below detection."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: dt.date
    value: float | None = Field(None, ge=0)
    unit: str = "ng/mL"
    below_detection: bool = False
    detection_limit: float | None = Field(None, gt=0)


class PsaSeries(BaseModel):
    """A patient's PSA values and the date of the first treatment cycle."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str = ""
    start_date: dt.date
    values: list[PsaValue]


def _canonical(values: list[PsaValue]) -> tuple[list[dt.date], list[float], list[bool], set]:
    """Dates, ng/mL values and below-detection flags, sorted; units seen."""
    rows, units = [], set()
    for k, p in enumerate(values):
        factor = PSA_UNITS.get(p.unit.strip().lower())
        if factor is None:
            raise NotEvaluable(
                f"unknown PSA unit '{p.unit}' (value {k + 1}, {p.date}); use ng/mL",
                unit=p.unit,
            )
        units.add(p.unit)
        if p.below_detection:
            limit = p.detection_limit if p.detection_limit is not None else p.value
            if limit is None:
                raise NotEvaluable(f"PSA on {p.date} is below detection but gives no limit")
            rows.append((p.date, limit * factor, True))
        elif p.value is None:
            raise NotEvaluable(f"PSA on {p.date} has no value")
        else:
            rows.append((p.date, p.value * factor, False))
    rows.sort(key=lambda r: r[0])
    dates = [r[0] for r in rows]
    check_dates_ordered(dates, "PSA")
    return dates, [r[1] for r in rows], [r[2] for r in rows], units


def _first_confirmed_decline(dates, pct, threshold, confirm_days):
    """(first index reaching the decline, first index confirmed, its confirming index)."""
    first = confirmed = confirmer = None
    for i in range(1, len(pct)):
        if not at_least(-pct[i], threshold):
            continue
        if first is None:
            first = i
        j = confirming_index(dates, i, confirm_days)
        if j is not None and at_least(-pct[j], threshold):
            confirmed, confirmer = i, j
            break
    return first, confirmed, confirmer


@guarded(CRITERION, VERSION)
def evaluate(
    series: PsaSeries,
    *,
    confirm_weeks: float = 3.0,
    flare_weeks: float = 12.0,
    landmark_weeks: float = 12.0,
    window_weeks: float = 3.0,
    confirmed_response: bool = True,
) -> Response:
    """Assess one patient's PSA series under PCWG3.

    ``confirmed_response`` decides whether the overall category ``PR`` needs a confirmed
    PSA50 (the default) or any PSA50.
    """
    options = {
        "confirm_weeks": confirm_weeks,
        "flare_weeks": flare_weeks,
        "landmark_weeks": landmark_weeks,
        "window_weeks": window_weeks,
        "confirmed_response": confirmed_response,
    }
    all_dates, all_values, all_bdl, units = _canonical(series.values)
    rules: list[Rule] = []
    if len(units) > 1 or units != {"ng/mL"}:
        rules.append(
            Rule(rule="units", text=f"converted units {sorted(units)} to ng/mL", numbers={})
        )
    start = series.start_date
    before = [i for i, d in enumerate(all_dates) if d <= start]
    if not before:
        raise NotEvaluable(f"no PSA value on or before treatment start {start}")
    b = before[-1]
    if all_bdl[b]:
        raise NotEvaluable("baseline PSA is below the detection limit; change is undefined")
    if all_values[b] <= 0:
        raise NotEvaluable("baseline PSA is zero; change is undefined")
    idx = [b] + [i for i, d in enumerate(all_dates) if d > start]
    if len(idx) < 2:
        raise NotEvaluable(
            "only one PSA value (no value after treatment start)", baseline_date=str(all_dates[b])
        )
    dates = [all_dates[i] for i in idx]
    v = [all_values[i] for i in idx]
    bdl = [all_bdl[i] for i in idx]
    base = v[0]
    days = [(d - start).days for d in dates]
    pct = [percent_change(x, base) for x in v]
    confirm_days = round(confirm_weeks * 7)
    rules.append(
        Rule(
            rule="baseline",
            text=f"baseline {base:g} ng/mL on {dates[0]} (last value on or before {start})",
            date=dates[0],
            numbers={"baseline_ng_ml": base},
        )
    )
    if any(bdl):
        rules.append(
            Rule(
                rule="below-detection",
                text="values below the detection limit counted at the limit (declines are lower bounds)",
                numbers={"dates": [str(d) for d, x in zip(dates, bdl, strict=True) if x]},
            )
        )

    metrics: dict = {"baseline_ng_ml": base, "baseline_date": str(dates[0])}
    # change at the landmark: the value nearest the landmark day, within the window
    target, window = landmark_weeks * 7, window_weeks * 7
    near = [i for i in range(1, len(v)) if abs(days[i] - target) <= window]
    if near:
        k = min(near, key=lambda i: (abs(days[i] - target), -days[i]))
        metrics.update(change_12w_pct=pct[k], change_12w_date=str(dates[k]))
        rules.append(
            Rule(
                rule="change-12w",
                text=f"{pct[k]:+.1f}% at day {days[k]} (nearest to week {landmark_weeks:g})",
                date=dates[k],
                numbers={"value_ng_ml": v[k], "change_pct": pct[k]},
            )
        )
    else:
        metrics.update(change_12w_pct=None, change_12w_date=None)
        rules.append(
            Rule(
                rule="change-12w",
                text=f"no value within {window_weeks:g} weeks of week {landmark_weeks:g}",
            )
        )
    k = min(range(1, len(v)), key=lambda i: (pct[i], days[i]))
    metrics.update(max_decline_pct=pct[k], max_decline_date=str(dates[k]))

    for threshold in RESPONSE_PCTS:
        first, confirmed, confirmer = _first_confirmed_decline(dates, pct, threshold, confirm_days)
        name = f"psa{threshold:g}"
        metrics[name] = first is not None
        metrics[f"{name}_confirmed"] = confirmed is not None
        metrics[f"{name}_date"] = str(dates[first]) if first is not None else None
        if confirmed is not None:
            text = (
                f"PSA{threshold:g}: {pct[confirmed]:+.1f}% on {dates[confirmed]}, confirmed "
                f"{pct[confirmer]:+.1f}% on {dates[confirmer]} (≥{confirm_weeks:g} weeks later)"
            )
        elif first is not None:
            text = f"PSA{threshold:g}: {pct[first]:+.1f}% on {dates[first]}, not confirmed"
        else:
            text = (
                f"PSA{threshold:g} not reached (maximal decline {metrics['max_decline_pct']:+.1f}%)"
            )
        rules.append(Rule(rule=name, text=text, date=dates[first] if first else None))

    prog = _progression(dates, v, days, confirm_days, flare_weeks * 7, rules)
    metrics.update(prog)
    nadir = running_nadir(v)
    metrics["nadir_ng_ml"] = min(v)
    if prog["progression"]:
        metrics.update(psa_pfs_days=prog["progression_days"], psa_pfs_event=True)
    else:
        metrics.update(psa_pfs_days=days[-1], psa_pfs_event=False)

    response_key = "psa50_confirmed" if confirmed_response else "psa50"
    timepoints = []
    for i in range(1, len(v)):
        if prog["progression"] and dates[i] >= dt.date.fromisoformat(prog["progression_date"]):
            cat = "PD"
        elif at_least(-pct[i], 50.0):
            cat = "PR"
        else:
            cat = "SD"
        timepoints.append(
            Assessment(
                date=dates[i],
                days=days[i],
                category=cat,
                harmonised=cat,
                rule=f"{v[i]:g} ng/mL, {pct[i]:+.1f}% from baseline",
                numbers={"psa_ng_ml": v[i], "change_pct": pct[i], "nadir_before_ng_ml": nadir[i]},
            )
        )
    category = "PD" if prog["progression"] else "PR" if metrics[response_key] else "SD"
    decisive = {"PD": "progression", "PR": "psa50"}.get(category)
    if decisive:
        text = next(x.text for x in rules if x.rule == decisive)
    else:
        text = f"no {response_key.replace('_', ' ')}, no confirmed progression"
    rules.append(Rule(rule=f"category-{category}", text=f"{category}: {text}"))
    return Response(
        criterion=CRITERION,
        version=VERSION,
        patient_id=series.patient_id,
        category=category,
        harmonised=category,
        timepoints=timepoints,
        rules=rules,
        options=options,
        metrics=metrics,
    )


def _progression(dates, v, days, confirm_days, flare_days, rules) -> dict:
    """Scan for the first confirmed rise ≥25% and ≥2 ng/mL above the nadir before it."""
    nadir = running_nadir(v)
    flares = []
    for i in range(1, len(v)):
        ref = nadir[i]
        rise = v[i] - ref
        if not (
            at_least(v[i], ref * (1 + PROGRESSION_PCT / 100)) and at_least(rise, PROGRESSION_NG_ML)
        ):
            continue
        what = "baseline (PSA never fell)" if ref >= v[0] else "nadir"
        numbers = {
            "value_ng_ml": v[i],
            "reference_ng_ml": ref,
            "rise_ng_ml": rise,
            "rise_pct": 100 * rise / ref,
        }
        if days[i] < flare_days:
            flares.append(str(dates[i]))
            continue
        j = confirming_index(dates, i, confirm_days)
        if j is None:
            rules.append(
                Rule(
                    rule="progression-unconfirmed",
                    date=dates[i],
                    numbers=numbers,
                    text=f"{v[i]:g} ng/mL on {dates[i]} is {100 * rise / ref:+.0f}% and "
                    f"+{rise:.2f} ng/mL above {what} {ref:g}, awaiting a value "
                    f"≥{confirm_days} days later",
                )
            )
            break
        if at_least(v[j], ref * (1 + PROGRESSION_PCT / 100)) and at_least(
            v[j] - ref, PROGRESSION_NG_ML
        ):
            rules.append(
                Rule(
                    rule="progression",
                    date=dates[i],
                    numbers=numbers | {"confirm_ng_ml": v[j]},
                    text=f"{v[i]:g} ng/mL on {dates[i]} is {100 * rise / ref:+.0f}% and "
                    f"+{rise:.2f} ng/mL above {what} {ref:g} (≥25% and ≥2 ng/mL), "
                    f"confirmed by {v[j]:g} on {dates[j]}",
                )
            )
            if flares:
                _flare_rule(rules, flares, flare_days)
            return {
                "progression": True,
                "progression_date": str(dates[i]),
                "progression_confirmed_date": str(dates[j]),
                "progression_days": days[i],
                "progression_reference": "baseline" if ref >= v[0] else "nadir",
            }
        rules.append(
            Rule(
                rule="progression-not-confirmed",
                date=dates[i],
                numbers=numbers,
                text=f"rise on {dates[i]} not confirmed: {v[j]:g} ng/mL on {dates[j]}",
            )
        )
    if flares:
        _flare_rule(rules, flares, flare_days)
    return {
        "progression": False,
        "progression_date": None,
        "progression_confirmed_date": None,
        "progression_days": None,
        "progression_reference": None,
    }


def _flare_rule(rules: list[Rule], flares: list[str], flare_days: float) -> None:
    rules.append(
        Rule(
            rule="flare-ignored",
            numbers={"dates": flares},
            text=f"rises before day {flare_days:g} ignored (PCWG3: early rises): {', '.join(flares)}",
        )
    )
