"""What limits throughput: bookable capacity of each bed/chair resource, and where patients wait.

Time utilisation (share of opening hours occupied) understates a ward whose calendar
offers few admission times: a room admitting only on Mondays with a 48 h stay is full
at one stay a week, 29 % of its hours. The *bookable* admissions are the most stays the
calendar allows over the measurement window: one unit at a time, each stay starts at the
first admission time after the previous one ends (booked stay, rounded to the discharge
time as the scheduler books it), closures excluded. For one stay length this greedy
count is the maximum (earliest-finish scheduling). The wait from referral to the first
cycle is split by step so that the step where patients wait longest shows.
"""

from __future__ import annotations

import numpy as np

from rltcare.capacity.kernel import stay_cells

DAY = 24.0
#: pathway steps before treatment, as RunResult attributes, in order
STEPS = (("mdt", "mdt_h"), ("pet", "pet_h"), ("consultation", "consultation_h"))


def throughput_limits(run, window_cycles, treated, years: float, out: dict[str, float]) -> None:
    """Add admissions, bookable admissions and their ratio per resource, and waits per step."""
    m = run.model
    lo, hi = int(np.ceil(m.warm_up_h / m.step_h)), int(np.ceil(m.horizon_h / m.step_h))
    for r, res in enumerate(m.resources):
        rows = window_cycles[window_cycles[:, 5] == r] if len(window_cycles) else window_cycles
        stay_h, ind = _booked_stay(run, r, rows)
        admitted = len(rows) / years
        out[f"admissions_per_year[{res.name}]"] = admitted
        if ind is None:
            continue
        bookable = bookable_stays(res, stay_h, ind.discharge_clock_h, m.step_h, lo, hi) / years
        out[f"bookable_admissions_per_year[{res.name}]"] = bookable
        out[f"bookable_utilisation[{res.name}]"] = admitted / bookable if bookable else np.nan
    _wait_by_step(run, treated, out)


def _booked_stay(run, r: int, rows):
    """The stay the scheduler books on resource ``r``, of its busiest indication.

    An indication booked with each patient's actual stay (``planned = "actual"``)
    counts its median observed stay.
    """
    m = run.model
    mine = [ind for ind in m.indications if ind.resource == r]
    if not mine:
        return np.nan, None
    counts = [(rows[:, 6] == ind.index).sum() if len(rows) else 0 for ind in mine]
    ind = mine[int(np.argmax(counts))]
    if np.isfinite(ind.planned_stay_h):
        return ind.planned_stay_h, ind
    own = rows[rows[:, 6] == ind.index] if len(rows) else rows
    if not len(own):
        return np.nan, None
    return float(np.median(own[:, 4] - own[:, 3])), ind


def bookable_stays(res, stay_h: float, clocks, step_h: float, lo: int, hi: int) -> int:
    """Most stays of ``stay_h`` that ``res`` can start in cells [lo, hi), unit by unit."""
    clock_arr = np.array(clocks, dtype=float)
    cap = res.capacity
    total, below = 0, 0
    for level in np.unique(cap[lo:hi]):
        if level <= 0:
            continue
        blocked = np.concatenate(([0], np.cumsum(cap < level)))  # closed cells before each cell
        count, j, admits = 0, np.searchsorted(res.admit_cells, lo), res.admit_cells
        while j < admits.size and admits[j] < hi:
            a = int(admits[j])
            end = a + int(stay_cells(a * step_h, stay_h, clock_arr, clock_arr.size, step_h))
            if end <= cap.size and blocked[end] == blocked[a]:
                count += 1
                j = np.searchsorted(admits, end, side="left")
            else:
                j += 1
        total += count * int(level - below)
        below = int(level)
    return total


def _wait_by_step(run, treated, out: dict[str, float]) -> None:
    """Mean days from the previous step to each step, over the patients treated in the window.

    The parts add up to the mean wait for the first cycle; a step the pathway lacks is absent.
    """
    if not treated.any():
        return
    before = run.cohort.referral_h[treated]
    for name, attr in STEPS:
        at = getattr(run, attr)[treated]
        if np.all(np.isnan(at)):
            continue
        at = np.where(np.isnan(at), before, at)
        out[f"wait_step_mean_d[{name}]"] = float((at - before).mean() / DAY)
        before = at
    first = run.first_cycle_h[treated]
    out["wait_step_mean_d[first_cycle]"] = float((first - before).mean() / DAY)
