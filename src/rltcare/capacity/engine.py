"""One replication of the service: pre-treatment steps in bulk, then an event loop that books cycles.

Steps before treatment (MDT, eligibility PET, consultation) serve patients
first-come first-served through fixed slots and touch nothing else, so they are
computed for the whole cohort at once (:func:`serve_fifo`). Treatment cycles
compete for beds or chairs and doses; they are booked in time order by a heap
of events:

- ``REQUEST``: book the earliest admission, at or after the earliest allowed
  date, at which a dose can be delivered (order lead time, delivery days, shelf
  life, outages known by then, doses per delivery) and the bed or chair is free
  for the whole stay. The scheduler knows each stay when it books (a stated
  simplification: overruns are not modelled). With ``continuing-first``
  priority the next cycle is booked at the previous administration, ahead of
  new patients; with ``first-come`` it is requested when its window opens.
- ``ADMIT``: the patient is treated, or unfit on the day (the dose is wasted,
  the cycle rebooked after ``deferral``).
- ``LEAVE``: a waiting patient dies or drops out; a booking is cancelled and a
  dose already ordered is wasted.
- ``OUTAGE``: deliveries in the outage are cancelled and every patient booked
  on them is rebooked.

Capacity is a count of units per grid cell; pooled counts are enough because
interval bookings within the count can always be assigned to individual units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rltcare.capacity.booking import (
    DIED,
    DROPPED_OUT,
    SCREENED_OUT,
    WAITING,
    book_treatments,
)
from rltcare.capacity.kernel import serve_fifo
from rltcare.capacity.model import ServiceModel
from rltcare.capacity.patients import Cohort, draw_cohort


@dataclass(frozen=True)
class RunResult:
    """Flat records of one replication (times in hours from the start)."""

    model: ServiceModel
    seed: int
    replication: int
    cohort: Cohort
    mdt_h: np.ndarray
    pet_h: np.ndarray
    consultation_h: np.ndarray
    first_cycle_h: np.ndarray
    exit_h: (
        np.ndarray
    )  # first cycle, or when the patient left the waiting list (inf: still waiting)
    status: np.ndarray
    cycles: (
        np.ndarray
    )  # (k, 7): patient, cycle, planned_h, admitted_h, discharged_h, resource, indication
    deferrals: np.ndarray  # (k, 2): patient, time_h
    doses: np.ndarray  # (k, 3): time_h, outcome, supply
    used: tuple[np.ndarray, ...]  # occupied units per grid cell, per treatment resource
    events: int


def run(model: ServiceModel, seed: int, replication: int = 0) -> RunResult:
    """Simulate one replication; the same (seed, replication) always gives the same result."""
    cohort = draw_cohort(model, seed, replication)
    n = cohort.n
    leave = cohort.leave_h
    ready = cohort.referral_h.copy()
    stage_times = []
    for stage in (model.mdt, model.pet, model.consultation):
        if stage is None:
            stage_times.append(np.full(n, np.nan))
            continue
        served = serve_fifo(ready, stage.times_h, stage.units, leave)
        stage_times.append(np.where(np.isfinite(ready), served, np.nan))
        ready = served
        if stage is model.pet:
            ready = np.where(cohort.screen_fail, np.inf, ready)
    status = np.full(n, WAITING, dtype=np.int64)
    exit_h = np.full(n, np.inf)
    screened = cohort.screen_fail & np.isfinite(stage_times[1])
    status[screened] = SCREENED_OUT
    exit_h[screened] = stage_times[1][screened]
    # Anyone else a step did not serve left while waiting, if their leave time came in the run.
    left = ~np.isfinite(ready) & ~screened & (leave < model.horizon_h)
    status[left & cohort.dies] = DIED
    status[left & ~cohort.dies] = DROPPED_OUT
    exit_h[left] = leave[left]
    offsets = np.array([ind.earliest_after_consultation_h for ind in model.indications])
    ready = ready + offsets[cohort.indication]
    booked = book_treatments(model, cohort, ready, status, exit_h, seed, replication)
    return RunResult(
        model=model,
        seed=seed,
        replication=replication,
        cohort=cohort,
        mdt_h=stage_times[0],
        pet_h=stage_times[1],
        consultation_h=stage_times[2],
        first_cycle_h=booked.first_h,
        exit_h=exit_h,
        status=status,
        cycles=booked.cycles,
        deferrals=booked.deferrals,
        doses=booked.doses,
        used=tuple(r.capacity - free for r, free in zip(model.resources, booked.free, strict=True)),
        events=booked.events + 3 * n,
    )
