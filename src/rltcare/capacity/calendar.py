"""Weekly calendars turned into arrays on the booking grid (time 0 = midnight of the start date).

Beds are occupied day and night and admit patients at set times on open days;
chairs are usable only within opening hours; scanners and clinics offer slots.
Closures remove a resource (capacity 0) for whole days.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from rltcare.capacity.sections import WEEKDAYS, Resource, clock_h


def day_weekday(start: dt.date, n_days: int) -> np.ndarray:
    """Weekday index (0 = Monday) of each simulated day."""
    return (start.weekday() + np.arange(n_days)) % 7


def closed_days(resource: Resource, start: dt.date, n_days: int) -> np.ndarray:
    """Boolean per day: the resource is closed (holiday, refurbishment)."""
    closed = np.zeros(n_days, dtype=bool)
    for closure in resource.closures:
        first = (closure.start - start).days
        last = (closure.end - start).days
        closed[max(first, 0) : max(min(last + 1, n_days), 0)] = True
    return closed


def open_days(resource: Resource, start: dt.date, n_days: int) -> np.ndarray:
    weekdays = {WEEKDAYS.index(d) for d in resource.days}
    return np.isin(day_weekday(start, n_days), list(weekdays)) & ~closed_days(
        resource, start, n_days
    )


def cell_day_and_clock(n_cells: int, step_h: float) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(n_cells) * step_h
    day = (t // 24.0).astype(np.int64)
    return day, t - day * 24.0


def treatment_calendar(
    resource: Resource, start: dt.date, n_cells: int, step_h: float
) -> tuple[np.ndarray, np.ndarray]:
    """Capacity per grid cell and the cells at which a treatment may start.

    A bed keeps its units day and night except on closed days; a chair only
    within opening hours on open days.
    """
    day, clock = cell_day_and_clock(n_cells, step_h)
    n_days = int(day[-1]) + 1 if n_cells else 0
    is_open_day = open_days(resource, start, n_days)[day]
    within_hours = (clock >= resource.open_h - 1e-9) & (clock < resource.close_h - 1e-9)
    if resource.kind == "bed":
        cap = np.where(closed_days(resource, start, n_days)[day], 0, resource.units)
        if resource.admission_times == "any":
            admit = is_open_day & within_hours
        else:
            clocks = [clock_h(c) for c in resource.admission_times] or [resource.open_h]
            admit = is_open_day & np.isin(
                np.round(clock / step_h), np.round(np.array(clocks) / step_h)
            )
    else:
        cap = np.where(is_open_day & within_hours, resource.units, 0)
        admit = is_open_day & within_hours
    return cap.astype(np.int32), np.flatnonzero(admit & (cap > 0))


def slot_times(
    resource: Resource, start: dt.date, horizon_h: float
) -> tuple[np.ndarray, np.ndarray]:
    """Start times of a scanner's or clinic's appointment slots, and the units per slot."""
    n_days = int(np.ceil(horizon_h / 24.0))
    days = np.flatnonzero(open_days(resource, start, n_days))
    n_slots = int((resource.close_h - resource.open_h + 1e-9) // resource.slot_h)
    offsets = resource.open_h + resource.slot_h * np.arange(n_slots)
    times = (days[:, None] * 24.0 + offsets[None, :]).ravel()
    times = times[times < horizon_h]
    return times, np.full(times.size, resource.units, dtype=np.int64)


def weekly_times(days: tuple[str, ...], clock: str, start: dt.date, horizon_h: float) -> np.ndarray:
    """Times of a weekly event (MDT meeting, isotope delivery) over the horizon."""
    n_days = int(np.ceil(horizon_h / 24.0))
    wanted = [WEEKDAYS.index(d) for d in days]
    chosen = np.flatnonzero(np.isin(day_weekday(start, n_days), wanted))
    times = chosen * 24.0 + clock_h(clock)
    return times[times < horizon_h]
