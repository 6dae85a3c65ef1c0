"""One replication of the service: pre-treatment steps in bulk, then an event loop that books cycles.

Steps before treatment (MDT, eligibility PET, consultation) serve patients
first-come first-served through fixed slots and touch nothing else, so they are
computed for the whole cohort at once (:func:`serve_slots`). Treatment cycles
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
  when its window opens. In a group of centres under ``shortest-wait`` routing, a
  first cycle is booked at whichever centre within the travel limit (the home
  centre included, and preferred on ties) offers the earliest admission.
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
from rltcare.capacity.model import ServiceModel, staff_need
from rltcare.capacity.patients import Cohort, draw_cohort
from rltcare.capacity.slots import serve_slots
from rltcare.capacity.stages import BEFORE, SlotResource


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
    treated_indication: np.ndarray  # per patient: the indication (hence centre) that booked them
    cycles: np.ndarray  # (k, 9): booking.CYCLE_COLUMNS
    deferrals: np.ndarray  # (k, 2): patient, time_h
    doses: np.ndarray  # (k, 4): time_h, outcome, supply, hours from delivery
    upsets: np.ndarray  # (k, 3): time_h, OVERRAN or BUMPED, patient
    imaging_h: np.ndarray  # post-therapy SPECT/CT per cycle row (inf: missed; nan: no step)
    imaging_ready_h: np.ndarray  # per cycle row: due for SPECT/CT (nan: no step)
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

    def timing(attr: str, field: str) -> np.ndarray:
        """A post-treatment step's ``after_h`` or ``window_h`` per centre (nan: no step)."""
        steps = [getattr(c, attr) for c in model.centres]
        return np.array([np.nan if x is None else getattr(x, field) for x in steps])

    def serve(attr: str, task: str, centre_of, ready_h, leave_h, after=False) -> np.ndarray:
        """Serve each patient (or cycle) at its centre's step ``attr``; nan where it has none.

        Centres whose step is the same resource share its slots first-come first-served.
        """
        out = np.full(ready_h.size, np.nan)
        groups: dict[str, list] = {}
        for c in model.centres:
            step = getattr(c, attr)
            if step is not None:
                slots = step if isinstance(step, SlotResource) else step.slots
                groups.setdefault(slots.name, [slots, []])[1].append(c.index)
        for slots, members in groups.values():
            mine = np.isin(centre_of, members)
            due, latest = ready_h[mine], leave_h[mine]
            if after:  # post-treatment: due after the cycle, within a window
                due = due + timing(attr, "after_h")[centre_of[mine]]
                latest = due + timing(attr, "window_h")[centre_of[mine]]
            _, units = units_left.setdefault(slots.name, (slots, slots.units.copy()))
            need = staff_need(model, task, slots.centre)
            out[mine] = serve_slots(due, slots.times_h, units, latest, need, staff_left)
        return out

    home = np.array([ind.centre for ind in model.indications], dtype=np.int64)[cohort.indication]
    stage_times = []
    for attr, task in BEFORE:
        served = serve(attr, task, home, ready, leave)
        has_step = ~np.isnan(served)
        stage_times.append(np.where(np.isfinite(ready) & has_step, served, np.nan))
        ready = np.where(has_step, served, ready)
        if attr == "pet":
            ready = np.where(cohort.screen_fail & has_step, np.inf, ready)
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
    treating = np.array([ind.centre for ind in model.indications], dtype=np.int64)
    row_centre = treating[cyc[:, 6].astype(np.int64)] if len(cyc) else np.zeros(0, np.int64)
    admitted = cyc[:, 3] if len(cyc) else np.zeros(0)
    imaging = serve("post_imaging", "spect_scan", row_centre, admitted, admitted, after=True)
    # The follow-up is due after the last cycle a patient receives (stops included).
    p = cyc[:, 0].astype(np.int64) if len(cyc) else np.zeros(0, np.int64)
    last = cyc[:, 1] == cohort.cycles[p] - 1 if len(cyc) else np.zeros(0, bool)
    seen = serve("follow_up", "follow_up", row_centre[last], admitted[last], admitted[last], True)
    follow, due = np.full(n, np.nan), np.full(n, np.nan)
    follow[p[last]] = seen
    due[p[last]] = admitted[last] + timing("follow_up", "after_h")[row_centre[last]]
    imaging_due = admitted + timing("post_imaging", "after_h")[row_centre]
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
        treated_indication=booked.indication,
        cycles=booked.cycles,
        deferrals=booked.deferrals,
        doses=booked.doses,
        upsets=booked.upsets,
        imaging_h=imaging,
        imaging_ready_h=imaging_due,
        follow_up_ready_h=due,
        follow_up_h=follow,
        slots=tuple(units_left.values()),
        used=tuple(r.capacity - free for r, free in zip(model.resources, booked.free, strict=True)),
        events=booked.events + 3 * n,
    )
