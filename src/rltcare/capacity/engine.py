"""One replication of the service: pre-treatment steps in bulk, then an event loop that books cycles.

Steps before treatment (MDT, eligibility PET, consultation) serve patients
first-come first-served through fixed slots and touch nothing else, so they are
computed for the whole cohort at once (:func:`serve_fifo`). Treatment cycles
compete for beds or chairs and doses; they are booked in time order by a heap
of events:

- ``REQUEST``: book the earliest admission, at or after the earliest allowed
  date, at which a dose can be delivered (order lead time, delivery days, shelf
  life, outages known by then, doses per delivery), the bed or chair is free
  for the whole *planned* stay, and every limiting staff role still has the
  cycle's minutes that day. The dose belongs to one delivery: the freshest one
  in date with room (not simply the latest before admission). With
  ``continuing-first`` priority the next cycle is booked at the previous
  administration, ahead of new patients; with ``first-come`` it is requested
  when its window opens.
- ``ADMIT``: the patient is treated, or unfit on the day (the dose is wasted,
  the cycle rebooked after ``deferral``). The actual stay is revealed at
  discharge: a shorter stay frees the rest of the booking then (``EARLY``).
- ``OVERRUN``: at the booked discharge the patient stays on; each unit the
  extension needs is taken from the booking starting first on it, which is
  bumped and rebooked at once (keeping its dose if it is still in date).
- ``LEAVE``: a waiting patient dies or drops out; a booking is cancelled and a
  dose already ordered is wasted.
- ``OUTAGE``: deliveries in the outage are cancelled and every patient booked
  on them is rebooked.

Steps served through slots (MDT, eligibility PET, consultation before; post-therapy
SPECT/CT after each cycle and the follow-up after the last one) are served in bulk,
in that order, so they take their staff minutes before the cycles (pre-treatment
steps) or after them (post-treatment steps); a resource shared by two steps gives
its slots to the earlier step first.

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
from rltcare.capacity.model import ServiceModel, SlotResource, staff_need
from rltcare.capacity.patients import Cohort, draw_cohort
from rltcare.capacity.slots import serve_slots


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
    cycles: np.ndarray  # (k, 9): booking.CYCLE_COLUMNS
    deferrals: np.ndarray  # (k, 2): patient, time_h
    doses: np.ndarray  # (k, 4): time_h, outcome, supply, hours from delivery
    upsets: np.ndarray  # (k, 3): time_h, OVERRAN or BUMPED, patient
    imaging_h: np.ndarray  # post-therapy SPECT/CT per cycle row (inf: missed; nan: no step)
    follow_up_ready_h: np.ndarray  # per patient: due for follow-up (nan: not due)
    follow_up_h: np.ndarray  # per patient: seen (inf: not seen)
    slots: tuple[tuple[SlotResource, np.ndarray], ...]  # each slot resource, units left per slot
    used: tuple[np.ndarray, ...]  # occupied units per grid cell, per treatment resource
    events: int


def run(model: ServiceModel, seed: int, replication: int = 0) -> RunResult:
    """Simulate one replication; the same (seed, replication) always gives the same result."""
    cohort = draw_cohort(model, seed, replication)
    n = cohort.n
    leave = cohort.leave_h
    ready = cohort.referral_h.copy()
    staff_left = model.staff_day_minutes.copy()
    units_left: dict[str, tuple[SlotResource, np.ndarray]] = {}

    def serve(slots: SlotResource, ready_h, leave_h, task: str) -> np.ndarray:
        _, units = units_left.setdefault(slots.name, (slots, slots.units.copy()))
        need = staff_need(model, task)
        return serve_slots(ready_h, slots.times_h, units, leave_h, need, staff_left)

    stage_times = []
    for stage, task in (
        (model.mdt, "mdt_case"),
        (model.pet, "pet_scan"),
        (model.consultation, "consultation"),
    ):
        if stage is None:
            stage_times.append(np.full(n, np.nan))
            continue
        served = serve(stage, ready, leave, task)
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
    booked = book_treatments(model, cohort, ready, status, exit_h, seed, replication, staff_left)
    cyc = booked.cycles
    imaging = np.full(len(cyc), np.nan)
    if model.post_imaging is not None and len(cyc):
        step = model.post_imaging
        due = cyc[:, 3] + step.after_h
        imaging = serve(step.slots, due, due + step.window_h, "spect_scan")
    due = np.full(n, np.nan)
    follow = np.full(n, np.nan)
    if model.follow_up is not None and len(cyc):
        step = model.follow_up
        p = cyc[:, 0].astype(np.int64)
        last = cyc[:, 1] == cohort.cycles[p] - 1
        due[p[last]] = cyc[last, 3] + step.after_h
        ready_h = np.where(np.isfinite(due), due, np.inf)
        follow = serve(step.slots, ready_h, ready_h + step.window_h, "follow_up")
        follow[~np.isfinite(due)] = np.nan
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
        upsets=booked.upsets,
        imaging_h=imaging,
        follow_up_ready_h=due,
        follow_up_h=follow,
        slots=tuple(units_left.values()),
        used=tuple(r.capacity - free for r, free in zip(model.resources, booked.free, strict=True)),
        events=booked.events + 3 * n,
    )
