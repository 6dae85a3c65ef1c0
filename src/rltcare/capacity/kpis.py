"""Key performance indicators of one replication, over the measurement window after warm-up.

Every KPI is a number named with its unit (``_d`` days, ``_per_year``, ``_h``);
:func:`weekly_series` gives the time series behind the report's plots and the
warm-up diagnostic. Little's law is checked on every run: the waiting list
sampled on the grid (L) against referral rate × mean time on the list (λW).
"""

from __future__ import annotations

import numpy as np

from rltcare.capacity.booking import (
    BUMPED,
    DIED,
    DROPPED_OUT,
    GIVEN,
    NEVER_BOOKED,
    NOT_DELIVERED,
    OVERRAN,
    SCREENED_OUT,
    WASTED,
)
from rltcare.capacity.engine import RunResult
from rltcare.capacity.limits import throughput_limits
from rltcare.capacity.model import HOURS_PER_YEAR
from rltcare.capacity.sections import STAFF_TASKS

DAY = 24.0


def _stats(prefix: str, values_d: np.ndarray, out: dict[str, float]) -> None:
    empty = values_d.size == 0
    out[f"{prefix}_mean_d"] = np.nan if empty else float(values_d.mean())
    out[f"{prefix}_median_d"] = np.nan if empty else float(np.median(values_d))
    out[f"{prefix}_p90_d"] = np.nan if empty else float(np.percentile(values_d, 90))


def kpis(run: RunResult) -> dict[str, float]:
    """Scalar KPIs of one replication (window: warm-up to horizon)."""
    m = run.model
    lo, hi = m.warm_up_h, m.horizon_h
    years = (hi - lo) / HOURS_PER_YEAR
    c = run.cohort
    out: dict[str, float] = {}

    def in_window(t):
        return (t >= lo) & (t < hi)

    first = run.first_cycle_h
    treated = in_window(first)
    _stats("wait_first_cycle", (first[treated] - c.referral_h[treated]) / DAY, out)
    cyc = run.cycles
    admitted = cyc[:, 3] if cyc.size else np.zeros(0)
    window_cycles = cyc[in_window(admitted)] if cyc.size else cyc
    later = window_cycles[window_cycles[:, 1] > 0]
    delay = (later[:, 3] - later[:, 2]) / DAY
    out["later_cycle_delay_mean_d"] = float(delay.mean()) if delay.size else np.nan
    out["later_cycle_delay_p90_d"] = float(np.percentile(delay, 90)) if delay.size else np.nan
    out["referrals_per_year"] = float(in_window(c.referral_h).sum() / years)
    out["patients_treated_per_year"] = float(treated.sum() / years)
    out["cycles_per_year"] = float(len(window_cycles) / years)
    for ind in m.indications:
        mine = treated & (c.indication == ind.index)
        waits = (first[mine] - c.referral_h[mine]) / DAY
        out[f"wait_first_cycle_mean_d[{ind.name}]"] = float(waits.mean()) if waits.size else np.nan
        out[f"cycles_per_year[{ind.name}]"] = float(
            (window_cycles[:, 6] == ind.index).sum() / years
        )
    exits = run.exit_h
    for label, code in (
        ("deaths_waiting", DIED),
        ("drop_outs", DROPPED_OUT),
        ("screen_failures", SCREENED_OUT),
    ):
        out[f"{label}_per_year"] = float((in_window(exits) & (run.status == code)).sum() / years)
    out["never_booked"] = float((run.status == NEVER_BOOKED).sum())
    doses = run.doses
    dose_window = doses[in_window(doses[:, 0])] if doses.size else doses
    for label, code in (("given", GIVEN), ("wasted", WASTED), ("not_delivered", NOT_DELIVERED)):
        out[f"doses_{label}_per_year"] = float((dose_window[:, 1] == code).sum() / years)
    out["doses_ordered_per_year"] = float(len(dose_window) / years)
    c_lo, c_hi = int(np.ceil(lo / m.step_h)), int(np.ceil(hi / m.step_h))
    bed_h = chair_h = 0.0
    busy_h: dict[str, float] = {}
    for res, used in zip(m.resources, run.used, strict=True):
        busy = float(used[c_lo:c_hi].sum()) * m.step_h
        busy_h[res.name] = busy
        available = float(res.capacity[c_lo:c_hi].sum()) * m.step_h
        out[f"utilisation[{res.name}]"] = busy / available if available else np.nan
        if res.kind == "bed":
            bed_h += busy
        else:
            chair_h += busy
    out["bed_days_per_year"] = bed_h / DAY / years
    out["chair_hours_per_year"] = chair_h / years
    _centres(run, window_cycles, treated, years, out)
    _slot_use(run, in_window, out)
    _after_treatment(run, in_window, years, out)
    upsets = run.upsets[in_window(run.upsets[:, 0])] if run.upsets.size else run.upsets
    out["overruns_per_year"] = float((upsets[:, 1] == OVERRAN).sum() / years)
    out["bumped_cycles_per_year"] = float((upsets[:, 1] == BUMPED).sum() / years)
    given = window_cycles[np.isfinite(window_cycles[:, 7])] if len(window_cycles) else window_cycles
    if len(given):
        out["dose_age_at_administration_mean_h"] = float(given[:, 7].mean())
        out["activity_at_administration_mean_fraction"] = float(given[:, 8].mean())
    _staff(run, window_cycles, dose_window, busy_h, years, in_window, out)
    throughput_limits(run, window_cycles, treated, years, out)
    grid = np.arange(lo + 0.5 * m.step_h, hi, m.step_h)
    out["waiting_list_mean"] = float(waiting_list(run, grid).mean())
    _little(run, out)
    return out


def _staff(run, window_cycles, dose_window, busy_h, years, in_window, out) -> None:
    """Hours a year and utilisation of each role, from the tasks done where it works."""
    m = run.model
    if not m.staff_roles:
        return
    scopes = {
        c: _activity(run, window_cycles, dose_window, busy_h, in_window, c)
        for c in set(m.staff_centres)
    }
    for k, (role, available) in enumerate(zip(m.staff_roles, m.staff_fte_hours, strict=True)):
        h = float(m.staff_minutes[k] @ scopes[m.staff_centres[k]] / 60.0 / years)
        out[f"staff_hours_per_year[{role}]"] = h
        if np.isfinite(available):
            out[f"staff_utilisation[{role}]"] = h / available if available else np.nan


def _activity(run, window_cycles, dose_window, busy_h, in_window, centre) -> np.ndarray:
    """Count of each task (STAFF_TASKS order) at ``centre`` (None: the whole service).

    Steps before treatment count at the home centre; cycles, scans after them and
    follow-ups at the treating centre; bed-days and chair hours on the centre's
    resources; doses dispensed in proportion to the centre's cycles.
    """
    m, c = run.model, run.cohort
    centre_of = np.array([ind.centre for ind in m.indications], dtype=np.int64)
    k = next((x.index for x in m.centres if x.name == centre), None)
    everyone = np.ones(c.n, dtype=bool)
    home = everyone if k is None else centre_of[c.indication] == k
    there = everyone if k is None else centre_of[run.treated_indication] == k
    row_at = centre_of[window_cycles[:, 6].astype(np.int64)] if len(window_cycles) else []
    mine = np.ones(len(window_cycles), bool) if k is None else np.asarray(row_at) == k
    all_rows = centre_of[run.cycles[:, 6].astype(np.int64)] if len(run.cycles) else []
    scans = np.ones(len(run.cycles), bool) if k is None else np.asarray(all_rows) == k
    inpatient = np.array([ind.inpatient for ind in m.indications])
    kinds = {r.name: (r.kind, m.scenario.resource(r.name).centre) for r in m.resources}
    hours = {
        kind: sum(
            h
            for name, h in busy_h.items()
            if kinds[name][0] == kind and (centre is None or kinds[name][1] == centre)
        )
        for kind in ("bed", "chair")
    }
    dispensed = int(np.isin(dose_window[:, 1], (GIVEN, WASTED)).sum())
    share = mine.sum() / len(window_cycles) if len(window_cycles) else 0.0
    counts = {
        "mdt_case": (in_window(run.mdt_h) & home).sum(),
        "pet_scan": (in_window(run.pet_h) & home).sum(),
        "consultation": (in_window(run.consultation_h) & home).sum(),
        "administration": mine.sum(),
        "dispensing": dispensed * share,
        "bed_day": hours["bed"] / DAY,
        "chair_hour": hours["chair"],
        "discharge": int(inpatient[window_cycles[mine, 6].astype(int)].sum())
        if len(window_cycles)
        else 0,
        "spect_scan": (in_window(run.imaging_h) & scans).sum(),
        "follow_up": (in_window(run.follow_up_h) & there).sum(),
    }
    return np.array([float(counts[t]) for t in STAFF_TASKS])


def _slot_use(run: RunResult, in_window, out: dict[str, float]) -> None:
    """Share of the offered slots (MDT places, scanner and clinic appointments) that were used."""
    for slots, left in run.slots:
        mine = in_window(slots.times_h)
        offered = float(slots.units[mine].sum())
        used = offered - float(left[mine].sum())
        out[f"utilisation[{slots.name}]"] = used / offered if offered else np.nan


def _after_treatment(run: RunResult, in_window, years: float, out: dict[str, float]) -> None:
    """Post-therapy SPECT/CT after each cycle and the follow-up after the last: waits and misses."""
    due = run.imaging_ready_h
    if np.any(~np.isnan(due)):
        mine = in_window(np.nan_to_num(due, nan=np.inf))
        done = mine & np.isfinite(run.imaging_h)
        waits = run.imaging_h[done] - due[done]
        out["post_therapy_imaging_wait_mean_h"] = float(waits.mean()) if waits.size else np.nan
        out["post_therapy_imaging_per_year"] = float(done.sum() / years)
        out["post_therapy_imaging_missed_per_year"] = float((mine & ~done).sum() / years)
    if any(c.follow_up is not None for c in run.model.centres):
        due = run.follow_up_ready_h
        mine = in_window(np.nan_to_num(due, nan=np.inf))
        done = mine & np.isfinite(run.follow_up_h)
        _stats("follow_up_wait", (run.follow_up_h[done] - due[done]) / DAY, out)
        out["follow_ups_per_year"] = float(done.sum() / years)
        out["follow_ups_missed_per_year"] = float((mine & ~done).sum() / years)


def _centres(run: RunResult, window_cycles, treated, years: float, out: dict[str, float]) -> None:
    """Per centre of a group: referrals (home), patients and cycles treated there, waits, sent away."""
    m, c = run.model, run.cohort
    if len(m.centres) < 2:
        return
    centre_of = np.array([ind.centre for ind in m.indications], dtype=np.int64)
    home = centre_of[c.indication]
    there = centre_of[run.treated_indication]
    rows = centre_of[window_cycles[:, 6].astype(np.int64)] if len(window_cycles) else home[:0]
    in_window = (c.referral_h >= m.warm_up_h) & (c.referral_h < m.horizon_h)
    for centre in m.centres:
        k, tag = centre.index, f"[{centre.name}]"
        mine = treated & (there == k)
        waits = (run.first_cycle_h[mine] - c.referral_h[mine]) / DAY
        out[f"referrals_per_year{tag}"] = float((in_window & (home == k)).sum() / years)
        out[f"patients_treated_per_year{tag}"] = float(mine.sum() / years)
        out[f"cycles_per_year{tag}"] = float((rows == k).sum() / years)
        out[f"wait_first_cycle_mean_d{tag}"] = float(waits.mean()) if waits.size else np.nan
        away = treated & (home == k) & (there != k)
        out[f"treated_elsewhere_per_year{tag}"] = float(away.sum() / years)


def waiting_list(run: RunResult, times_h: np.ndarray) -> np.ndarray:
    """Patients referred and not yet treated or gone, at each time."""
    ref = np.sort(run.cohort.referral_h)
    left = np.sort(run.exit_h)
    return np.searchsorted(ref, times_h, side="right") - np.searchsorted(
        left, times_h, side="right"
    )


def _little(run: RunResult, out: dict[str, float]) -> None:
    """Little's law over the whole run, warm-up included (the run starts empty and ends open).

    System: the waiting list, from referral to the first cycle or leaving (screen failure,
    death, drop-out). L is its size sampled on the booking grid from 0 to the horizon; λW
    is the patient-hours spent on it (cut at the horizon) over the horizon. Both count
    the same hours, so they agree up to the sampling. ``waiting_list_mean`` is the same
    list averaged over the measurement window only, which is larger when the list grows.
    """
    horizon = run.model.horizon_h
    grid = np.arange(0.5 * run.model.step_h, horizon, run.model.step_h)  # mid-cell: unbiased
    out["little_L"] = float(waiting_list(run, grid).mean())
    ref = run.cohort.referral_h
    out["little_lambda_W"] = float((np.minimum(run.exit_h, horizon) - ref).sum() / horizon)


def weekly_series(run: RunResult) -> dict[str, np.ndarray]:
    """Per-week series over the whole run: utilisation of each resource, waiting list, cycles."""
    m = run.model
    n_weeks = int(m.horizon_h // 168.0)
    per_week = round(168.0 / m.step_h)
    series: dict[str, np.ndarray] = {}
    for res, used in zip(m.resources, run.used, strict=True):
        cells = n_weeks * per_week
        busy = used[:cells].reshape(n_weeks, per_week).sum(axis=1)
        cap = res.capacity[:cells].reshape(n_weeks, per_week).sum(axis=1)
        series[f"utilisation[{res.name}]"] = np.where(cap > 0, busy / np.maximum(cap, 1), np.nan)
    series["waiting_list"] = waiting_list(run, np.arange(n_weeks) * 168.0 + 84.0).astype(float)
    admitted = run.cycles[:, 3] if run.cycles.size else np.zeros(0)
    series["cycles"] = np.bincount((admitted // 168).astype(int), minlength=n_weeks)[
        :n_weeks
    ].astype(float)
    return series
