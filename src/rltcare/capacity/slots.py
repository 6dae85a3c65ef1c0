"""Fixed appointment slots served first-come first-served (MDT, scanners, clinics), compiled by numba.

A step served through slots touches nothing but its slots and the staff minutes of
the slot's day, so it is computed for the whole cohort at once. Steps sharing a
resource (a PET/CT for eligibility and follow-up) draw on the same ``units``, which
:func:`serve_slots` updates in place, as it does the staff minutes left per day.
"""

from __future__ import annotations

import numpy as np

from rltcare.capacity.heap import EPS, njit


@njit(cache=True)
def serve_slots(ready_h, slot_h, units, leave_h, need, staff_left):
    """Serve patients in order of readiness; ``units`` and ``staff_left`` are used up in place.

    Each slot time serves up to ``units[j]`` patients; a patient who leaves
    (``leave_h``) before their slot gives it up; a slot on a day when a role of
    ``staff_left`` (roles, days; minutes) lacks its ``need`` (minutes per patient) is
    skipped, and so is the rest of that day. Returns the service time per patient
    (inf: never served: left, or no slot left).
    """
    out = np.full(ready_h.size, np.inf)
    n_slots = slot_h.size
    n_roles = need.size
    order = np.argsort(ready_h, kind="mergesort")
    j = 0
    for p in order:
        r = ready_h[p]
        if r == np.inf:
            continue
        if j < n_slots and slot_h[j] < r:
            j = np.searchsorted(slot_h, r)
        while j < n_slots:
            if units[j] <= 0:
                j += 1
                continue
            day = int(slot_h[j] // 24.0)
            short = False
            for k in range(n_roles):
                if staff_left[k, day] < need[k] - EPS:
                    short = True
            if not short:
                break
            j = np.searchsorted(slot_h, (day + 1) * 24.0)
        if j >= n_slots:
            continue
        if leave_h[p] <= slot_h[j]:
            continue
        out[p] = slot_h[j]
        units[j] -= 1
        day = int(slot_h[j] // 24.0)
        for k in range(n_roles):
            staff_left[k, day] -= need[k]
    return out
