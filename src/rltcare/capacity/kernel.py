"""The compiled treatment loop: book, admit, defer, bump and cancel cycles (numba; plain Python without it).

Everything is a numpy array so that numba compiles the loop to machine code; the
same functions run unchanged (slowly) as Python when numba is not installed.
Rules are described in :mod:`rltcare.capacity.engine`. The event heap is one
(capacity, 6) float array of (time, priority, sequence, kind, patient, booking id);
events are popped in (time, priority, sequence) order. Finding an admission is a
jump search: for a candidate start the stay's last full cell is found and the
search jumps past it to the next admission time; a day without the staff minutes
is jumped over whole.
"""

from __future__ import annotations

import numpy as np

from rltcare.capacity.heap import EPS, njit, pop, push

REQUEST, ADMIT, LEAVE, OUTAGE, OVERRUN, EARLY = 0, 1, 2, 3, 4, 5
WAITING, SCREENED_OUT, DIED, DROPPED_OUT, TREATED, NEVER_BOOKED = range(6)
GIVEN, WASTED, NOT_DELIVERED = range(3)


@njit(cache=True)
def stay_cells(start_h, stay_h, clocks, n_clocks, step_h):
    """Grid cells a stay holds; with discharge clocks it ends at the next one."""
    end = start_h + stay_h
    if n_clocks > 0:
        day = np.floor(end / 24.0) * 24.0
        rounded = day + 24.0 + clocks[0]
        for i in range(n_clocks):
            if day + clocks[i] >= end - EPS:
                rounded = day + clocks[i]
                break
        end = rounded
    return max(int(np.ceil((end - start_h) / step_h - EPS)), 1)


@njit(cache=True)
def _staff_short(crew, i, day, hours):
    left, need, per_h = crew
    short = False  # a loop, not any(): numba compiles no generator expressions
    for k in range(left.shape[0]):
        short |= left[k, day] < need[i, k] + per_h[i, k] * hours - EPS
    return short


@njit(cache=True)
def _staff_take(crew, i, day, hours, sign):
    left, need, per_h = crew
    for k in range(left.shape[0]):
        left[k, day] -= sign * (need[i, k] + per_h[i, k] * hours)


@njit(cache=True)
def _batch(now, cell, s, held, stock, step):
    """The freshest delivery that can serve an admission at ``cell`` (−1: none).

    A dose already ordered for the patient (``held``) is used if still in date;
    otherwise the latest delivery in date that is not cancelled or full and arrives
    at least the lead time after ``now``.
    """
    deliveries, last_delivery, cancelled, delivered, lead_h, shelf_h, most = stock
    admit_h = cell * step
    if held >= 0 and not cancelled[s, held] and 0 <= admit_h - deliveries[s, held] <= shelf_h[s]:
        return held
    d = last_delivery[s, cell]
    while d >= 0 and admit_h - deliveries[s, d] <= shelf_h[s]:
        if deliveries[s, d] < now + lead_h[s] - EPS:
            return -1
        if not cancelled[s, d] and (most[s] < 0 or delivered[s, d] < most[s]):
            return d
        d -= 1
    return -1


@njit(cache=True)
def _find(now, earliest, stay_h, i, held, spot, rooms, stock, crew):
    """Earliest (cell, cells, delivery, order time) for a cycle of indication ``i``; cell −1: none.

    ``spot`` is the first five items of the loop's ``plan`` (fewer arrays to pass).
    """
    step, ind_res, ind_sup, clocks, n_clocks = spot
    free, admit, admit_len = rooms
    deliveries, last_delivery, cancelled, delivered, lead_h, shelf_h, most = stock
    r, s = ind_res[i], ind_sup[i]
    lead = lead_h[s] if s >= 0 and held < 0 else 0.0
    lo = max(earliest, now + lead)
    row = admit[r, : admit_len[r]]
    j = np.searchsorted(row, np.ceil(lo / step - EPS))
    limit = free.shape[1]
    fixed = 0 if n_clocks[i] > 0 else max(int(np.ceil(stay_h / step - EPS)), 1)
    while j < row.size:
        cell = row[j]
        cells = (
            fixed if fixed > 0 else stay_cells(cell * step, stay_h, clocks[i], n_clocks[i], step)
        )
        if cell + cells > limit:
            return -1, 0, -1, 0.0
        d = -1
        if s >= 0:
            d = last_delivery[s, cell]  # the latest delivery: usually the answer, checked inline
            fits = d >= 0 and held < 0 and not cancelled[s, d]
            fits = fits and (most[s] < 0 or delivered[s, d] < most[s])
            if not fits or cell * step - deliveries[s, d] > shelf_h[s]:
                d = _batch(now, cell, s, held, stock, step)
            elif deliveries[s, d] < now + lead - EPS:
                d = -1  # too soon to order, and so is every earlier delivery
            if d < 0:
                j += 1
                continue
        full = -1
        for k in range(cell + cells - 1, cell - 1, -1):
            if free[r, k] <= 0:
                full = k
                break
        if full >= 0:
            j = max(j + 1, np.searchsorted(row, full + 1))
            continue
        day = int(cell * step // 24.0)
        if _staff_short(crew, i, day, stay_h):
            j = max(j + 1, np.searchsorted(row, np.ceil((day + 1) * 24.0 / step - EPS)))
            continue
        order_h = max(now, deliveries[s, d] - lead_h[s]) if s >= 0 else np.inf
        if d == held and held >= 0:
            order_h = -np.inf  # already ordered
        return cell, cells, d, order_h
    return -1, 0, -1, 0.0


@njit(cache=True)
def _route(now, earliest, stay_h, i, planned_stay, alternatives, spot, rooms, stock, crew):
    """The indication (home or another centre's) offering the earliest first cycle; home on ties."""
    best, best_cell = i, -1
    for k in range(-1, alternatives.shape[1]):
        j = i if k < 0 else alternatives[i, k]
        if j < 0:
            break
        book_h = stay_h if np.isnan(planned_stay[j]) else planned_stay[j]
        cell = _find(now, earliest, book_h, j, -1, spot, rooms, stock, crew)[0]
        if cell >= 0 and (best_cell < 0 or cell < best_cell):
            best, best_cell = j, cell
    return best


@njit(cache=True)
def _release(free, r, cell, cells, crew, i, step, hours):
    free[r, cell : cell + cells] += 1
    _staff_take(crew, i, int(cell * step // 24.0), hours, -1.0)


@njit(cache=True)
def _grow(table, used, width):
    if used == table.shape[0]:
        bigger = np.empty((2 * used, width))
        bigger[:used] = table
        return bigger
    return table


@njit(cache=True)
def treatment_loop(plan, rooms, stock, people, outages, crew, horizon_h):
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
    planned_stay, clocks, n_clocks = plan[9], plan[3], plan[4]
    min_stay, calibration_h, half_life_h, alternatives = plan[10], plan[11], plan[12], plan[13]
    spot = (step, ind_res, ind_sup, clocks, n_clocks)
    free = rooms[0]
    limit = free.shape[1]
    deliveries, _, cancelled, delivered = stock[0], stock[1], stock[2], stock[3]
    lead_h = stock[4]
    ind_of, stay, slope, leave, dies, n_cycles, defer, ready, status, exit_h = people
    out_known, out_start, out_end, out_sup = outages
    n = ind_of.size
    heap = np.empty((3 * n + out_known.size + 16, 6))
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
    b_hours = np.zeros(n)
    b_cal = np.zeros(n)  # when the booked dose holds its prescribed activity
    held = np.full(n, -1, np.int64)  # a dose ordered for a bumped patient, kept for the rebooking
    pend = np.empty(n, np.int64)  # patients with a booking not yet admitted
    pos = np.full(n, -1, np.int64)
    n_pend = 0
    o_from = np.zeros(n, np.int64)  # a stay's booked end and actual end (cells), revealed later
    o_to = np.zeros(n, np.int64)
    rows = np.empty((max(n * stay.shape[1], 16), 9))
    n_rows = 0
    deferrals = np.empty((max(n, 16), 2))
    n_def = 0
    doses = np.empty((max(2 * n * stay.shape[1], 16), 4))
    n_doses = 0
    upsets = np.empty((max(n, 16), 3))  # time, kind (0 overrun, 1 bumped), patient
    n_upsets = 0
    for p in range(n):
        if ready[p] < horizon_h:
            earliest[p] = ready[p]
            seq += 1
            heap, size = push(heap, size, ready[p], 1, seq, REQUEST, p, 0)
    for o in range(out_known.size):
        seq += 1
        heap, size = push(heap, size, out_known[o], -1, seq, OUTAGE, -1, o)
    pending = -1  # a patient whose next cycle is booked at once (continuing-first)
    now = 0.0
    while True:
        if pending >= 0:
            kind, p, now, ref = REQUEST, pending, now, 0
            pending = -1
        else:
            if size == 0 or heap[0, 0] >= horizon_h:
                break
            size = pop(heap, size)
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
                    qi = ind_of[q]
                    _release(free, ind_res[qi], b_cell[q], b_cells[q], crew, qi, step, b_hours[q])
                    delivered[s, b_delivery[q]] -= 1
                    if now >= b_order[q]:
                        doses, n_doses = _record(doses, n_doses, now, NOT_DELIVERED, s, 0.0)
                    b_id[q] = -1
                    held[q] = -1
                    n_pend = _unpend(pend, pos, n_pend, q)
                    prio = 0 if (cycle[q] > 0 and cont_first[s]) else 1
                    seq += 1
                    heap, size = push(heap, size, now, prio, seq, REQUEST, q, 0)
            continue
        i = ind_of[p]
        r, s = ind_res[i], ind_sup[i]
        if kind == EARLY:
            free[r, o_to[p] : min(o_from[p], limit)] += 1
            continue
        if kind == OVERRUN:
            upsets = _grow(upsets, n_upsets, 3)
            upsets[n_upsets, 0], upsets[n_upsets, 1], upsets[n_upsets, 2] = now, 0, p
            n_upsets += 1
            for k in range(o_from[p], min(o_to[p], limit)):
                free[r, k] -= 1
                while free[r, k] < 0:
                    q = _bumped(pend, n_pend, b_cell, b_cells, ind_res, ind_of, r, k)
                    if q < 0:
                        break  # nobody to bump: the stay runs into a closed day (no units)
                    qi = ind_of[q]
                    _release(free, r, b_cell[q], b_cells[q], crew, qi, step, b_hours[q])
                    if b_delivery[q] >= 0 and now >= b_order[q]:
                        held[q] = b_delivery[q]
                    elif b_delivery[q] >= 0:
                        delivered[ind_sup[qi], b_delivery[q]] -= 1
                    b_id[q] = -1
                    n_pend = _unpend(pend, pos, n_pend, q)
                    upsets = _grow(upsets, n_upsets, 3)
                    upsets[n_upsets, 0], upsets[n_upsets, 1], upsets[n_upsets, 2] = now, 1, q
                    n_upsets += 1
                    earliest[q] = max(earliest[q], now)
                    seq += 1
                    heap, size = push(heap, size, now, 0, seq, REQUEST, q, 0)
            continue
        if kind == REQUEST:
            c = cycle[p]
            if c == 0 and alternatives[i, 0] >= 0 and held[p] < 0:
                i = _route(
                    now,
                    earliest[p],
                    stay[p, 0],
                    i,
                    planned_stay,
                    alternatives,
                    spot,
                    rooms,
                    stock,
                    crew,
                )
                ind_of[p] = i
                r, s = ind_res[i], ind_sup[i]
            book_h = stay[p, c] if np.isnan(planned_stay[i]) else planned_stay[i]
            cell, cells, d, order_h = _find(
                now, earliest[p], book_h, i, held[p], spot, rooms, stock, crew
            )
            if (
                c > 0
                and tolerance_h[i] > 0
                and (cell < 0 or cell * step > planned[p] + tolerance_h[i])
            ):
                earliest[p] = max(planned[p] - tolerance_h[i], not_before[p])
                cell2, cells2, d2, order2 = _find(
                    now, earliest[p], book_h, i, held[p], spot, rooms, stock, crew
                )
                if cell2 >= 0:
                    cell, cells, d, order_h = cell2, cells2, d2, order2
            if held[p] >= 0 and d != held[p]:  # the dose kept from a bumped booking expires
                delivered[s, held[p]] -= 1
                doses, n_doses = _record(doses, n_doses, now, WASTED, s, 0.0)
                held[p] = -1
            if cell < 0:
                if c == 0:
                    status[p] = NEVER_BOOKED
                continue
            free[r, cell : cell + cells] -= 1
            _staff_take(crew, i, int(cell * step // 24.0), book_h, 1.0)
            if d >= 0 and d != held[p]:
                delivered[s, d] += 1
                b_cal[p] = cell * step
                if not np.isnan(calibration_h[s]):
                    b_cal[p] = deliveries[s, d] + calibration_h[s]
            held[p] = -1
            seq += 1
            b_id[p], b_cell[p], b_cells[p], b_delivery[p], b_order[p] = seq, cell, cells, d, order_h
            b_hours[p] = book_h
            pend[n_pend], pos[p] = p, n_pend
            n_pend += 1
            admit_h = cell * step
            if c == 0 and leave[p] < admit_h:
                heap, size = push(heap, size, leave[p], 0, seq, LEAVE, p, seq)
            else:
                heap, size = push(heap, size, admit_h, 0, seq, ADMIT, p, seq)
            continue
        if b_id[p] != ref:  # stale: the booking was cancelled or replaced
            continue
        b_id[p] = -1
        n_pend = _unpend(pend, pos, n_pend, p)
        if kind == LEAVE or defer[p, cycle[p]] > 0:
            _release(free, r, b_cell[p], b_cells[p], crew, i, step, b_hours[p])
            if b_delivery[p] >= 0:
                delivered[s, b_delivery[p]] -= 1
                if now >= b_order[p]:
                    doses, n_doses = _record(doses, n_doses, now, WASTED, s, 0.0)
            if kind == LEAVE:
                status[p] = DIED if dies[p] else DROPPED_OUT
                exit_h[p] = now
                continue
            defer[p, cycle[p]] -= 1
            deferrals = _grow(deferrals, n_def, 2)
            deferrals[n_def, 0], deferrals[n_def, 1] = p, now
            n_def += 1
            earliest[p] = now + deferral_h[i]
            not_before[p] = earliest[p]
            prio = 0 if (cycle[p] > 0 and (s < 0 or cont_first[s])) else 1
            seq += 1
            heap, size = push(heap, size, now, prio, seq, REQUEST, p, 0)
            continue
        c = cycle[p]
        age_h = now - deliveries[s, b_delivery[p]] if b_delivery[p] >= 0 else np.nan
        if b_delivery[p] >= 0:
            doses, n_doses = _record(doses, n_doses, now, GIVEN, s, age_h)
        fraction = 1.0
        stay_h = stay[p, c]
        if b_delivery[p] >= 0:
            fraction = min(1.0, 2.0 ** (-(now - b_cal[p]) / half_life_h[s]))
            if fraction < 1.0:  # a decayed dose: a shorter stay if it follows the activity
                stay_h = max(stay_h + slope[p, c] * np.log2(fraction), min_stay[i])
        actual = b_cells[p]  # the stay as booked, unless it differs
        if stay_h != b_hours[p]:
            actual = stay_cells(now, stay_h, clocks[i], n_clocks[i], step)
        start = b_cell[p]
        if actual != b_cells[p]:  # the stay differs from the booking: known at discharge
            o_from[p], o_to[p] = start + b_cells[p], start + actual
            seq += 1
            if actual > b_cells[p]:
                heap, size = push(heap, size, o_from[p] * step, -1, seq, OVERRUN, p, 0)
            else:
                heap, size = push(heap, size, o_to[p] * step, -1, seq, EARLY, p, 0)
        rows[n_rows, 0], rows[n_rows, 1] = p, c
        rows[n_rows, 2] = planned[p] if c > 0 else now
        rows[n_rows, 3], rows[n_rows, 4] = now, now + actual * step
        rows[n_rows, 5], rows[n_rows, 6], rows[n_rows, 7] = r, i, age_h
        rows[n_rows, 8] = fraction if b_delivery[p] >= 0 else np.nan
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
                heap, size = push(heap, size, when, 1, seq, REQUEST, p, 0)
    return (
        ind_of,
        first_h,
        rows[:n_rows],
        deferrals[:n_def],
        doses[:n_doses],
        upsets[:n_upsets],
        events,
    )


@njit(cache=True)
def _unpend(pend, pos, n_pend, p):
    k = pos[p]
    if k < 0:
        return n_pend
    last = pend[n_pend - 1]
    pend[k], pos[last] = last, k
    pos[p] = -1
    return n_pend - 1


@njit(cache=True)
def _bumped(pend, n_pend, b_cell, b_cells, ind_res, ind_of, r, k):
    """The booking on resource ``r`` holding cell ``k`` that starts first (−1: none)."""
    best = -1
    for m in range(n_pend):
        q = pend[m]
        holds = ind_res[ind_of[q]] == r and b_cell[q] <= k < b_cell[q] + b_cells[q]
        if holds and (best < 0 or b_cell[q] < b_cell[best]):
            best = q
    return best


@njit(cache=True)
def _record(table, used, a, b, c, d):
    table = _grow(table, used, 4)
    table[used, 0], table[used, 1], table[used, 2], table[used, 3] = a, b, c, d
    return table, used + 1
