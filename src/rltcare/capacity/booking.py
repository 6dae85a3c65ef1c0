"""Treatment bookings of one replication: the model and cohort packed into arrays for the kernel.

The rules are in :mod:`rltcare.capacity.engine`; the loop itself is
:func:`rltcare.capacity.kernel.treatment_loop`, compiled by numba when it is installed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rltcare.capacity.kernel import (
    DIED,
    DROPPED_OUT,
    GIVEN,
    NEVER_BOOKED,
    NOT_DELIVERED,
    SCREENED_OUT,
    TREATED,
    WAITING,
    WASTED,
    stay_cells,
    treatment_loop,
)
from rltcare.capacity.model import ServiceModel, staff_need
from rltcare.capacity.patients import Cohort, stream
from rltcare.capacity.stay import minimum_stay_h

__all__ = [
    "DIED",
    "DROPPED_OUT",
    "GIVEN",
    "NEVER_BOOKED",
    "NOT_DELIVERED",
    "SCREENED_OUT",
    "TREATED",
    "WAITING",
    "WASTED",
    "Bookings",
    "book_treatments",
    "stay_cells",
]


#: Columns of :attr:`Bookings.cycles`.
CYCLE_COLUMNS = (
    "patient",
    "cycle",
    "planned_h",
    "admitted_h",
    "discharged_h",
    "resource",
    "indication",
    "dose_age_h",
    "activity_fraction",
)
OVERRAN, BUMPED = 0, 1


@dataclass(frozen=True)
class Bookings:
    first_h: np.ndarray
    cycles: np.ndarray  # (k, 9): CYCLE_COLUMNS
    deferrals: np.ndarray  # (k, 2): patient, time_h
    doses: np.ndarray  # (k, 4): time_h, outcome, supply, hours from delivery (given doses)
    upsets: np.ndarray  # (k, 3): time_h, OVERRAN or BUMPED, patient
    free: np.ndarray  # (resources, cells): units left free
    events: int
    indication: np.ndarray  # per patient: the indication (centre) that treats or booked them


def _padded(rows: list[np.ndarray], fill, dtype) -> np.ndarray:
    width = max((r.size for r in rows), default=0)
    out = np.full((len(rows), max(width, 1)), fill, dtype=dtype)
    for i, r in enumerate(rows):
        out[i, : r.size] = r
    return out


def _outages(model: ServiceModel, seed: int, replication: int) -> tuple[np.ndarray, ...]:
    """Fixed outages, and random ones drawn from the 'outages' stream of each supply."""
    rows = []
    for s_i, supply in enumerate(model.supplies):
        rows += [(known, start, end, s_i) for known, start, end in supply.outages]
        if supply.random_per_h > 0:
            rng = stream(seed, replication, "outages", s_i)
            t = rng.exponential(1 / supply.random_per_h)
            while t < model.horizon_h:
                rows.append((t, t, t + rng.exponential(supply.random_mean_h), s_i))
                t += rng.exponential(1 / supply.random_per_h)
    table = np.array(rows, dtype=float).reshape(-1, 4)
    return table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy(), table[:, 3].astype(np.int64)


def book_treatments(
    model: ServiceModel,
    cohort: Cohort,
    ready: np.ndarray,
    status: np.ndarray,
    exit_h: np.ndarray,
    seed: int,
    replication: int,
    staff_left: np.ndarray,
) -> Bookings:
    """Book every cycle of every patient ready for treatment (``status``/``exit_h`` updated in place)."""
    inds = model.indications
    supplies = model.supplies
    plan = (
        float(model.step_h),
        np.array([i.resource for i in inds], dtype=np.int64),
        np.array([-1 if i.supply is None else i.supply for i in inds], dtype=np.int64),
        _padded([np.array(i.discharge_clock_h, dtype=float) for i in inds], 0.0, float),
        np.array([len(i.discharge_clock_h) for i in inds], dtype=np.int64),
        np.array([i.interval_h for i in inds], dtype=float),
        np.array([i.tolerance_h for i in inds], dtype=float),
        np.array([i.deferral_h for i in inds], dtype=float),
        np.array([s.continuing_first for s in supplies] or [True], dtype=np.bool_),
        np.array([i.planned_stay_h for i in inds], dtype=float),
        np.array([minimum_stay_h(i.stay) for i in inds], dtype=float),
        np.array([s.calibration_h for s in supplies] or [np.nan], dtype=float),
        np.array([s.half_life_h for s in supplies] or [np.inf], dtype=float),
        _padded([np.array(i.alternatives, dtype=np.int64) for i in inds], -1, np.int64),
    )
    rooms = (
        np.vstack([r.capacity for r in model.resources]).astype(np.int32),
        _padded([r.admit_cells for r in model.resources], np.iinfo(np.int64).max, np.int64),
        np.array([r.admit_cells.size for r in model.resources], dtype=np.int64),
    )
    n_cells = model.n_cells
    stock = (
        _padded([s.deliveries_h for s in supplies], np.inf, float),
        np.vstack([s.last_delivery for s in supplies])
        if supplies
        else np.zeros((0, n_cells), np.int64),
        np.zeros(
            (len(supplies), max((s.deliveries_h.size for s in supplies), default=1)), np.bool_
        ),
        np.zeros(
            (len(supplies), max((s.deliveries_h.size for s in supplies), default=1)), np.int32
        ),
        np.array([s.lead_h for s in supplies] or [0.0], dtype=float),
        np.array([s.shelf_h for s in supplies] or [0.0], dtype=float),
        np.array([s.max_per_delivery or -1 for s in supplies] or [-1], dtype=np.int64),
    )
    people = (
        cohort.indication.astype(np.int64),
        np.nan_to_num(cohort.stay_h, nan=0.0),
        cohort.stay_slope_h,
        cohort.leave_h.astype(float),
        cohort.dies.astype(np.bool_),
        cohort.cycles.astype(np.int64),
        cohort.deferrals.astype(np.int64).copy(),
        np.where(np.isfinite(ready), ready, np.inf).astype(float),
        status,
        exit_h,
    )
    crew = (staff_left, *cycle_staff_need(model))
    treated_at, first_h, cycles, deferrals, doses, upsets, events = treatment_loop(
        plan, rooms, stock, people, _outages(model, seed, replication), crew, float(model.horizon_h)
    )
    return Bookings(first_h, cycles, deferrals, doses, upsets, rooms[0], int(events), treated_at)


def cycle_staff_need(model: ServiceModel) -> tuple[np.ndarray, np.ndarray]:
    """Minutes per (indication, role) a cycle draws on its admission day: fixed, and per chair hour."""
    fixed, per_h = [], []
    for ind in model.indications:
        res = model.resources[ind.resource]
        centre = model.scenario.resource(res.name).centre
        need = staff_need(model, "administration", centre)
        if ind.supply is not None:  # only doses from a supply are dispensed (as the KPI counts)
            need = need + staff_need(model, "dispensing", centre)
        fixed.append(need)
        chair = res.kind == "chair"
        per_h.append(staff_need(model, "chair_hour", centre) * chair)
    shape = (len(model.indications), len(model.staff_roles))
    return np.array(fixed).reshape(shape), np.array(per_h).reshape(shape)
