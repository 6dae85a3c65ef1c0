"""The event heap of the compiled loops: one (capacity, 6) float array, popped in (time, priority, sequence) order.

Rows are (time, priority, sequence, kind, patient, booking id). ``njit`` is numba's
when it is installed; without it the same functions run as plain Python.
"""

from __future__ import annotations

import numpy as np

try:  # numba is optional: without it the same code runs as plain Python
    from numba import njit
except ImportError:  # pragma: no cover - exercised only where numba is missing

    def njit(*args, **kwargs):
        return args[0] if args and callable(args[0]) else (lambda f: f)


EPS = 1e-9


@njit(cache=True)
def _less(heap, a, b):
    if heap[a, 0] != heap[b, 0]:
        return heap[a, 0] < heap[b, 0]
    if heap[a, 1] != heap[b, 1]:
        return heap[a, 1] < heap[b, 1]
    return heap[a, 2] < heap[b, 2]


@njit(cache=True)
def push(heap, size, time_h, priority, seq, kind, patient, ref):
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
def pop(heap, size):
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
