"""The treatment event loop: book, admit, defer and cancel cycles against beds, chairs and doses.

Free units per grid cell are a numpy array; beside it a ``bytearray`` marks the
full cells. Finding the earliest admission is a jump search in C: for a
candidate start, ``blocked.rfind(1, start, end)`` gives the last full cell of
the stay, and the search jumps past it (to the next admission time) instead
of stepping cell by cell. Patient state is kept in Python lists, which are
faster than numpy for one element at a time.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from math import ceil

import numpy as np

from rltcare.capacity.patients import stream

REQUEST, ADMIT, LEAVE, OUTAGE = 0, 1, 2, 3
# Patient outcomes.
WAITING, SCREENED_OUT, DIED, DROPPED_OUT, TREATED, NEVER_BOOKED = range(6)
# Dose outcomes.
GIVEN, WASTED, NOT_DELIVERED = range(3)
_EPS = 1e-9


def stay_cells(start_h: float, stay_h: float, clocks: tuple[float, ...], step_h: float) -> int:
    """Grid cells a stay holds; with discharge ``clocks`` it ends at the next one."""
    end = start_h + stay_h
    if clocks:
        day = (end // 24.0) * 24.0
        later = [day + c for c in clocks if day + c >= end - _EPS]
        end = later[0] if later else day + 24.0 + clocks[0]
    return max(ceil((end - start_h) / step_h - _EPS), 1)


class TreatmentLoop:
    """Books every cycle of every patient who reaches treatment; see :mod:`rltcare.capacity.engine`."""

    def __init__(self, model, cohort, seed, replication, status, exit_h):
        self.m = model
        self.status = status
        self.exit_h = exit_h
        self.step = model.step_h
        self.free = [r.capacity.tolist() for r in model.resources]
        self.blocked = [
            bytearray((r.capacity <= 0).astype(np.uint8).tobytes()) for r in model.resources
        ]
        self.admit_cells = [r.admit_cells.tolist() for r in model.resources]
        self.deliveries = [s.deliveries_h.tolist() for s in model.supplies]
        self.last_delivery = [s.last_delivery.tolist() for s in model.supplies]
        self.delivered = [[0] * s.deliveries_h.size for s in model.supplies]
        self.cancelled = [bytearray(s.deliveries_h.size) for s in model.supplies]
        self.booked_on = [{} for _ in model.supplies]  # delivery index -> set of patients
        self.heap = []
        self.seq = 0
        self.events = 0
        n = cohort.n
        self.indication = cohort.indication.tolist()
        self.stay = cohort.stay_h.tolist()
        self.leave = cohort.leave_h.tolist()
        self.dies = cohort.dies.tolist()
        self.n_cycles = cohort.cycles.tolist()
        self.defer_left = cohort.deferrals.tolist()
        self.cycle = [0] * n
        self.earliest = [0.0] * n
        self.planned = [0.0] * n
        self.not_before = [0.0] * n  # after a deferral, no cycle before this
        self.booking = {}  # patient -> (id, resource, cell, cells, supply, delivery, order_h)
        self.first_h = np.full(n, np.inf)
        self.cycle_rows, self.deferral_rows, self.dose_rows = [], [], []
        self.outages = self._outages(seed, replication)
        self.plans = [self._plan(ind) for ind in model.indications]

    def _plan(self, ind):
        """What find() needs about an indication, looked up once."""
        s_i = ind.supply
        if s_i is None:
            return (ind.resource, None, 0.0, ind.discharge_clock_h, None, None, None, None, None)
        s = self.m.supplies[s_i]
        return (
            ind.resource,
            s_i,
            s.lead_h,
            ind.discharge_clock_h,
            s.shelf_h,
            s.max_per_delivery,
            self.last_delivery[s_i],
            self.deliveries[s_i],
            self.cancelled[s_i],
        )

    def _outages(self, seed, replication):
        outages = []
        for s_i, supply in enumerate(self.m.supplies):
            outages += [(known, start, end, s_i) for known, start, end in supply.outages]
            if supply.random_per_h > 0:
                rng = stream(seed, replication, "outages", s_i)
                t = rng.exponential(1 / supply.random_per_h)
                while t < self.m.horizon_h:
                    outages.append((t, t, t + rng.exponential(supply.random_mean_h), s_i))
                    t += rng.exponential(1 / supply.random_per_h)
        return outages

    def push(self, time_h, priority, kind, patient, ref=0):
        self.seq += 1
        heapq.heappush(self.heap, (time_h, priority, self.seq, kind, patient, ref))

    def priority(self, p):
        supply = self.m.indications[self.indication[p]].supply
        first = supply is None or self.m.supplies[supply].continuing_first
        return 0 if (self.cycle[p] > 0 and first) else 1

    def run(self, ready: np.ndarray) -> None:
        for p in np.flatnonzero(np.isfinite(ready) & (ready < self.m.horizon_h)).tolist():
            self.earliest[p] = float(ready[p])
            self.push(self.earliest[p], 1, REQUEST, p)
        for i, outage in enumerate(self.outages):
            self.push(outage[0], -1, OUTAGE, -1, i)
        horizon, heap, booking, pop = self.m.horizon_h, self.heap, self.booking, heapq.heappop
        while heap and heap[0][0] < horizon:
            now, _, _, kind, p, ref = pop(heap)
            self.events += 1
            if kind == REQUEST:
                self.request(now, p)
            elif kind == OUTAGE:
                self.outage(now, ref)
            elif p in booking and booking[p][0] == ref:  # a stale event has another booking id
                if kind == ADMIT:
                    self.admit(now, p)
                else:
                    self.cancel(now, p, WASTED)
                    self.status[p] = DIED if self.dies[p] else DROPPED_OUT
                    self.exit_h[p] = now

    def request(self, now, p):
        ind = self.m.indications[self.indication[p]]
        found = self.find(now, p, ind)
        if self.cycle[p] > 0 and ind.tolerance_h > 0:
            # Aim at the planned date; move up to the tolerance earlier only if that is sooner.
            late = found is None or found[0] * self.step > self.planned[p] + ind.tolerance_h
            if late:
                self.earliest[p] = max(self.planned[p] - ind.tolerance_h, self.not_before[p])
                found = self.find(now, p, ind) or found
        if found is None:
            if self.cycle[p] == 0:
                self.status[p] = NEVER_BOOKED
            return
        cell, cells, delivery, order_h = found
        res = ind.resource
        self._take(res, cell, cell + cells, -1)
        if delivery >= 0:
            self.delivered[ind.supply][delivery] += 1
            self.booked_on[ind.supply].setdefault(delivery, set()).add(p)
        self.seq += 1
        self.booking[p] = (self.seq, res, cell, cells, ind.supply, delivery, order_h)
        admit_h = cell * self.step
        if self.cycle[p] == 0 and self.leave[p] < admit_h:
            self.push(self.leave[p], 0, LEAVE, p, self.seq)
        else:
            self.push(admit_h, 0, ADMIT, p, self.seq)

    def _take(self, res, start, end, change):
        """Take (change −1) or give back (+1) one unit over cells [start, end)."""
        free, blocked = self.free[res], self.blocked[res]
        for cell in range(start, end):
            units = free[cell] + change
            free[cell] = units
            blocked[cell] = units <= 0

    def find(self, now, p, ind):
        """Earliest (cell, cells, delivery, order time) for the patient's next cycle, or None."""
        step = self.step
        res, s_i, lead, clocks, shelf, most, last, deliveries, cancelled = self.plans[ind.index]
        blocked, admit = self.blocked[res], self.admit_cells[res]
        order_by = now + lead - _EPS
        earliest = self.earliest[p]
        j = bisect_left(
            admit, ceil((earliest if earliest > now + lead else now + lead) / step - _EPS)
        )
        stay_h = self.stay[p][self.cycle[p]]
        fixed = 0 if clocks else max(ceil(stay_h / step - _EPS), 1)
        limit = len(blocked)
        delivered = self.delivered[s_i] if s_i is not None else None
        n_admit = len(admit)
        while j < n_admit:
            cell = admit[j]
            cells = fixed or stay_cells(cell * step, stay_h, clocks, step)
            if cell + cells > limit:
                return None
            delivery = -1
            if s_i is not None:
                delivery = last[cell]
                when = deliveries[delivery]
                if (
                    delivery < 0
                    or cancelled[delivery]
                    or when < order_by
                    or cell * step - when > shelf
                    or (most is not None and delivered[delivery] >= most)
                ):
                    j += 1
                    continue
            full = blocked.rfind(1, cell, cell + cells)
            if full < 0:
                order_h = max(now, when - lead) if s_i is not None else np.inf
                return cell, cells, delivery, order_h
            j = bisect_left(admit, full + 1, j + 1)
        return None

    def cancel(self, now, p, dose_outcome):
        _, res, cell, cells, s_i, delivery, order_h = self.booking.pop(p)
        self._take(res, cell, cell + cells, 1)
        if delivery >= 0:
            self.delivered[s_i][delivery] -= 1
            self.booked_on[s_i][delivery].discard(p)
            if now >= order_h:
                self.dose_rows.append((now, dose_outcome, s_i))

    def admit(self, now, p):
        ind = self.m.indications[self.indication[p]]
        c = self.cycle[p]
        defer = self.defer_left[p]
        if defer[c] > 0:
            defer[c] -= 1
            self.cancel(now, p, WASTED)
            self.deferral_rows.append((p, now))
            self.earliest[p] = self.not_before[p] = now + ind.deferral_h
            self.push(now, self.priority(p), REQUEST, p)
            return
        _, res, _, cells, s_i, delivery, _ = self.booking.pop(p)
        if delivery >= 0:
            self.booked_on[s_i][delivery].discard(p)
            self.dose_rows.append((now, GIVEN, s_i))
        planned = self.planned[p] if c > 0 else now
        self.cycle_rows.append((p, c, planned, now, now + cells * self.step, res, ind.index))
        if c == 0:
            self.first_h[p] = now
            self.status[p] = TREATED
            self.exit_h[p] = now
        if c + 1 < self.n_cycles[p]:
            self.cycle[p] = c + 1
            self.planned[p] = now + ind.interval_h
            self.earliest[p] = self.planned[p]
            if self.priority(p) == 0:
                self.request(now, p)  # booked at this administration, ahead of new patients
            else:
                lead = self.plans[ind.index][2]
                self.push(max(now, self.earliest[p] - ind.tolerance_h - lead), 1, REQUEST, p)

    def outage(self, now, index):
        _, start, end, s_i = self.outages[index]
        supply = self.m.supplies[s_i]
        hit = np.flatnonzero((supply.deliveries_h >= start) & (supply.deliveries_h < end))
        for delivery in hit.tolist():
            self.cancelled[s_i][delivery] = 1
            for p in sorted(self.booked_on[s_i].get(delivery, ())):
                self.cancel(now, p, NOT_DELIVERED)
                self.push(now, self.priority(p), REQUEST, p)
