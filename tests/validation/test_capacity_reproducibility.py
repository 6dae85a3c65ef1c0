"""Reproducibility of the capacity planner: the same seed gives the same numbers, whatever the workers.

Reference: the rltcare design rule (docs/capacity-planner.md, "Randomness"): every random
number comes from a stream keyed by (seed, replication, source); tolerance: exact equality.
"""

from __future__ import annotations

import numpy as np
import pytest

from capacity.scenarios import build, ward
from rltcare.capacity import engine, experiment
from rltcare.capacity.model import build_model
from rltcare.errors import InputError


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


@pytest.mark.slow
def test_dask_cluster_equals_local() -> None:
    distributed = pytest.importorskip("dask.distributed")
    model = build_model(build(ward()))
    local = experiment.run_replications(model, 9, 4)
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        remote = experiment.run_replications(model, 9, 4, scheduler=cluster.scheduler_address)
    assert [r.kpis for r in remote] == [r.kpis for r in local]


@pytest.mark.slow
def test_unreachable_scheduler_is_an_input_error() -> None:
    model = build_model(build(ward()))
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        experiment.run_replications(model, 1, 2, scheduler="tcp://127.0.0.1:1")
