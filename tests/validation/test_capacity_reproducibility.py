"""Reproducibility of the capacity planner: the same seed gives the same numbers, whatever the workers.

Reference: the rltcare design rule (docs/capacity-planner.md, "Randomness"): every random
number comes from a stream keyed by (seed, replication, source); tolerance: exact equality.
"""

from __future__ import annotations

import numpy as np

from capacity.scenarios import build, ward
from rltcare.capacity import engine, experiment
from rltcare.capacity.model import build_model


def test_same_seed_identical_event_records() -> None:
    model = build_model(build(ward()))
    a, b = engine.run(model, 42, 3), engine.run(model, 42, 3)
    np.testing.assert_array_equal(a.cycles, b.cycles)
    np.testing.assert_array_equal(a.doses, b.doses)
    assert engine.run(model, 43, 3).cycles.shape != a.cycles.shape or not np.array_equal(
        engine.run(model, 43, 3).cycles, a.cycles
    )


def test_one_worker_equals_two_and_four() -> None:
    model = build_model(build(ward()))
    one = experiment.run_replications(model, 9, 6, workers=1)
    for workers in (2, 4):
        many = experiment.run_replications(model, 9, 6, workers=workers)
        assert [r.kpis for r in many] == [r.kpis for r in one]
