"""The compiled treatment loop: book, admit, defer and cancel cycles (numba; plain Python without it).

Everything is a numpy array so that numba compiles the loop to machine code; the
same functions run unchanged (slowly) as Python when numba is not installed.
Rules are described in :mod:`rltcare.capacity.engine`. The event heap is one
(capacity, 6) float array of (time, priority, sequence, kind, patient, booking id);
events are popped in (time, priority, sequence) order. Finding an admission is a
jump search: for a candidate start the stay's last full cell is found and the
search jumps past it to the next admission time.
"""

from __future__ import annotations

import numpy as np

try:  # numba is optional: without it the same code runs as plain Python
    from numba import njit
except ImportError:  # pragma: no cover - exercised only where numba is missing

    def njit(*args, **kwargs):
        return args[0] if args and callable(args[0]) else (lambda f: f)


REQUEST, ADMIT, LEAVE, OUTAGE = 0, 1, 2, 3
WAITING, SCREENED_OUT, DIED, DROPPED_OUT, TREATED, NEVER_BOOKED = range(6)
GIVEN, WASTED, NOT_DELIVERED = range(3)
_EPS = 1e-9


@njit(cache=True)
def _less(heap, a, b):
    if heap[a, 0] != heap[b, 0]:
        return heap[a, 0] < heap[b, 0]
    if heap[a, 1] != heap[b, 1]:
        return heap[a, 1] < heap[b, 1]
    return heap[a, 2] < heap[b, 2]


@njit(cache=True)
def _push(heap, size, time_h, priority, seq, kind, patient, ref):
    if size == heap.shape[0]:
        bigger = np.empty((2 * size, 6))
        bigger[:size] = heap
        heap = bigger
    heap[size, 0] = time_h
    heap[size, 1] = priority
    heap[size, 2] = seq
    heap[size, 3] = kind
    heap[size, 4] = patient
    heap[size, 5] = ref
    i = size
    while i > 0:
        parent = (i - 1) // 2
        if not _less(heap, i, parent):
            break
        for k in range(6):
            heap[i, k], heap[parent, k] = heap[parent, k], heap[i, k]
        i = parent
    return heap, size + 1


@njit(cache=True)
def _pop(heap, size):
    """Move the smallest event to row ``size - 1`` and restore the heap above it."""
    last = size - 1
    for k in range(6):
        heap[0, k], heap[last, k] = heap[last, k], heap[0, k]
    i = 0
    while True:
        left, right, smallest = 2 * i + 1, 2 * i + 2, i
        if left < last and _less(heap, left, smallest):
            smallest = left
        if right < last and _less(heap, right, smallest):
            smallest = right
        if smallest == i:
            break
        for k in range(6):
            heap[i, k], heap[smallest, k] = heap[smallest, k], heap[i, k]
        i = smallest
    return last


@njit(cache=True)
def stay_cells(start_h, stay_h, clocks, n_clocks, step_h):
    """Grid cells a stay holds; with discharge clocks it ends at the next one."""
    end = start_h + stay_h
    if n_clocks > 0:
        day = np.floor(end / 24.0) * 24.0
        rounded = day + 24.0 + clocks[0]
        for i in range(n_clocks):
            if day + clocks[i] >= end - _EPS:
                rounded = day + clocks[i]
                break
        end = rounded
    return max(int(np.ceil((end - start_h) / step_h - _EPS)), 1)


@njit(cache=True)
def _find(now, earliest, stay_h, i, plan, rooms, stock):
    """Earliest (cell, cells, delivery, order time) for a cycle of indication ``i``; cell −1: none."""
    step, ind_res, ind_sup, clocks, n_clocks = plan[0], plan[1], plan[2], plan[3], plan[4]
    free, admit, admit_len = rooms
    deliveries, last_delivery, cancelled, delivered, lead_h, shelf_h, most = stock
    r, s = ind_res[i], ind_sup[i]
    lead = lead_h[s] if s >= 0 else 0.0
    lo = max(earliest, now + lead)
    row = admit[r, : admit_len[r]]
    j = np.searchsorted(row, np.ceil(lo / step - _EPS))
    limit = free.shape[1]
    fixed = 0 if n_clocks[i] > 0 else max(int(np.ceil(stay_h / step - _EPS)), 1)
    while j < row.size:
        cell = row[j]
        cells = (
            fixed if fixed > 0 else stay_cells(cell * step, stay_h, clocks[i], n_clocks[i], step)
        )
        if cell + cells > limit:
            return -1, 0, -1, 0.0
        d = -1
        if s >= 0:
            d = last_delivery[s, cell]
            if d < 0 or cancelled[s, d] or (most[s] >= 0 and delivered[s, d] >= most[s]):
                j += 1
                continue
            when = deliveries[s, d]
            if when < now + lead - _EPS or cell * step - when > shelf_h[s]:
                j += 1
                continue
        full = -1
        for k in range(cell + cells - 1, cell - 1, -1):
            if free[r, k] <= 0:
                full = k
                break
        if full < 0:
            order_h = max(now, deliveries[s, d] - lead) if s >= 0 else np.inf
            return cell, cells, d, order_h
        j = max(j + 1, np.searchsorted(row, full + 1))
    return -1, 0, -1, 0.0


@njit(cache=True)
def treatment_loop(plan, rooms, stock, people, outages, horizon_h):
    """Run the treatment events of one replication; see the module docstring for the arrays."""
    step, ind_res, ind_sup, interval_h, tolerance_h, deferral_h, cont_first = (
        plan[0],
        plan[1],
        plan[2],
        plan[5],
        plan[6],
        plan[7],
        plan[8],
    )
    free = rooms[0]
    deliveries, _, cancelled, delivered = stock[0], stock[1], stock[2], stock[3]
    lead_h = stock[4]
    ind_of, stay, leave, dies, n_cycles, defer, ready, status, exit_h = people
    out_known, out_start, out_end, out_sup = outages
    n = ind_of.size
    heap = np.empty((2 * n + out_known.size + 16, 6))
    size, seq, events = 0, 0, 0
    cycle = np.zeros(n, np.int64)
    earliest = np.zeros(n)
    planned = np.zeros(n)
    not_before = np.zeros(n)
    first_h = np.full(n, np.inf)
    b_id = np.full(n, -1, np.int64)
    b_cell = np.zeros(n, np.int64)
    b_cells = np.zeros(n, np.int64)
    b_delivery = np.full(n, -1, np.int64)
    b_order = np.zeros(n)
    rows = np.empty((max(n * stay.shape[1], 16), 7))
    n_rows = 0
    deferrals = np.empty((max(n, 16), 2))
    n_def = 0
    doses = np.empty((max(2 * n * stay.shape[1], 16), 3))
    n_doses = 0
    for p in range(n):
        if ready[p] < horizon_h:
            earliest[p] = ready[p]
            seq += 1
            heap, size = _push(heap, size, ready[p], 1, seq, REQUEST, p, 0)
    for o in range(out_known.size):
        seq += 1
        heap, size = _push(heap, size, out_known[o], -1, seq, OUTAGE, -1, o)
    pending = -1  # a patient whose next cycle is booked at once (continuing-first)
    now = 0.0
    while True:
        if pending >= 0:
            kind, p, now, ref = REQUEST, pending, now, 0
            pending = -1
        else:
            if size == 0 or heap[0, 0] >= horizon_h:
                break
            size = _pop(heap, size)
            now, kind, p, ref = (
                heap[size, 0],
                int(heap[size, 3]),
                int(heap[size, 4]),
                int(heap[size, 5]),
            )
            events += 1
        if kind == OUTAGE:
            s = out_sup[ref]
            for d in range(deliveries.shape[1]):
                if out_start[ref] <= deliveries[s, d] < out_end[ref]:
                    cancelled[s, d] = True
            for q in range(n):
                if b_id[q] >= 0 and ind_sup[ind_of[q]] == s and cancelled[s, b_delivery[q]]:
                    r = ind_res[ind_of[q]]
                    free[r, b_cell[q] : b_cell[q] + b_cells[q]] += 1
                    delivered[s, b_delivery[q]] -= 1
                    if now >= b_order[q]:
                        doses, n_doses = _record3(doses, n_doses, now, NOT_DELIVERED, s)
                    b_id[q] = -1
                    prio = 0 if (cycle[q] > 0 and cont_first[s]) else 1
                    seq += 1
                    heap, size = _push(heap, size, now, prio, seq, REQUEST, q, 0)
            continue
        i = ind_of[p]
        r, s = ind_res[i], ind_sup[i]
        if kind == REQUEST:
            c = cycle[p]
            cell, cells, d, order_h = _find(now, earliest[p], stay[p, c], i, plan, rooms, stock)
            if (
                c > 0
                and tolerance_h[i] > 0
                and (cell < 0 or cell * step > planned[p] + tolerance_h[i])
            ):
                earliest[p] = max(planned[p] - tolerance_h[i], not_before[p])
                cell2, cells2, d2, order2 = _find(
                    now, earliest[p], stay[p, c], i, plan, rooms, stock
                )
                if cell2 >= 0:
                    cell, cells, d, order_h = cell2, cells2, d2, order2
            if cell < 0:
                if c == 0:
                    status[p] = NEVER_BOOKED
                continue
            free[r, cell : cell + cells] -= 1
            if d >= 0:
                delivered[s, d] += 1
            seq += 1
            b_id[p], b_cell[p], b_cells[p], b_delivery[p], b_order[p] = seq, cell, cells, d, order_h
            admit_h = cell * step
            if c == 0 and leave[p] < admit_h:
                heap, size = _push(heap, size, leave[p], 0, seq, LEAVE, p, seq)
            else:
                heap, size = _push(heap, size, admit_h, 0, seq, ADMIT, p, seq)
            continue
        if b_id[p] != ref:  # stale: the booking was cancelled or replaced
            continue
        b_id[p] = -1
        if kind == LEAVE or defer[p, cycle[p]] > 0:
            free[r, b_cell[p] : b_cell[p] + b_cells[p]] += 1
            if b_delivery[p] >= 0:
                delivered[s, b_delivery[p]] -= 1
                if now >= b_order[p]:
                    doses, n_doses = _record3(doses, n_doses, now, WASTED, s)
            if kind == LEAVE:
                status[p] = DIED if dies[p] else DROPPED_OUT
                exit_h[p] = now
                continue
            defer[p, cycle[p]] -= 1
            if n_def == deferrals.shape[0]:
                bigger = np.empty((2 * n_def, 2))
                bigger[:n_def] = deferrals
                deferrals = bigger
            deferrals[n_def, 0], deferrals[n_def, 1] = p, now
            n_def += 1
            earliest[p] = now + deferral_h[i]
            not_before[p] = earliest[p]
            prio = 0 if (cycle[p] > 0 and (s < 0 or cont_first[s])) else 1
            seq += 1
            heap, size = _push(heap, size, now, prio, seq, REQUEST, p, 0)
            continue
        c = cycle[p]
        if b_delivery[p] >= 0:
            doses, n_doses = _record3(doses, n_doses, now, GIVEN, s)
        rows[n_rows, 0], rows[n_rows, 1] = p, c
        rows[n_rows, 2] = planned[p] if c > 0 else now
        rows[n_rows, 3], rows[n_rows, 4] = now, now + b_cells[p] * step
        rows[n_rows, 5], rows[n_rows, 6] = r, i
        n_rows += 1
        if c == 0:
            first_h[p] = now
            status[p] = TREATED
            exit_h[p] = now
        if c + 1 < n_cycles[p]:
            cycle[p] = c + 1
            planned[p] = now + interval_h[i]
            earliest[p] = planned[p]
            if s < 0 or cont_first[s]:
                pending = p  # booked at this administration, ahead of new patients
            else:
                seq += 1
                when = max(now, planned[p] - tolerance_h[i] - lead_h[s])
                heap, size = _push(heap, size, when, 1, seq, REQUEST, p, 0)
    return first_h, rows[:n_rows], deferrals[:n_def], doses[:n_doses], events


@njit(cache=True)
def _record3(table, used, a, b, c):
    if used == table.shape[0]:
        bigger = np.empty((2 * used, 3))
        bigger[:used] = table
        table = bigger
    table[used, 0], table[used, 1], table[used, 2] = a, b, c
    return table, used + 1


@njit(cache=True)
def serve_fifo(ready_h, slot_h, units, leave_h):
    """First-come first-served through fixed slots (MDT meetings, scanner or clinic slots).

    Each slot time serves up to ``units`` patients, in order of readiness; a
    patient who leaves (``leave_h``) before their slot gives it up. Returns the
    service time per patient (inf: never served: left, or no slot left).
    """
    out = np.full(ready_h.size, np.inf)
    n_slots = slot_h.size
    order = np.argsort(ready_h, kind="mergesort")
    j = 0
    left = units[0] if n_slots else 0
    for p in order:
        r = ready_h[p]
        if r == np.inf:
            continue
        if j < n_slots and slot_h[j] < r:
            j = np.searchsorted(slot_h, r)
            left = units[j] if j < n_slots else 0
        if j >= n_slots:
            continue
        if leave_h[p] <= slot_h[j]:
            continue
        out[p] = slot_h[j]
        left -= 1
        if left == 0:
            j += 1
            left = units[j] if j < n_slots else 0
    return out
