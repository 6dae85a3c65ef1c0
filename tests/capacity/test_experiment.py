"""Replications, confidence intervals, paired comparison, replication number and sweeps."""

from __future__ import annotations

import numpy as np
import pytest

from rltcare.capacity import experiment
from rltcare.capacity.model import build_model
from rltcare.errors import InputError

from .scenarios import build, ward


def test_summarise_student_t() -> None:
    s = experiment.summarise([1.0, 2.0, 3.0, 4.0])
    assert s.mean == 2.5
    assert s.half_width == pytest.approx(3.182446 * np.std([1, 2, 3, 4], ddof=1) / 2, rel=1e-6)
    assert experiment.summarise([np.nan]).n == 0


def test_a_rare_count_keeps_its_interval_at_zero_or_more() -> None:
    rare = [0.0] * 18 + [5.0, 5.0]  # t-interval 0.5 ± 0.56 would reach below zero
    assert experiment.summarise(rare).low < 0
    reps = [
        experiment.Replication(i, {"drop_outs": v, "delay_change": v - 1}, {}, 0)
        for i, v in enumerate(rare)
    ]
    kpis = experiment.summarise_kpis(reps)
    assert kpis["drop_outs"].low == 0 and kpis["drop_outs"].high == experiment.summarise(rare).high
    assert kpis["delay_change"].low < -1  # a KPI that can be negative is not clipped


def test_paired_comparison_has_narrower_ci_than_unpaired() -> None:
    scenario = build(ward())
    base = experiment.run_replications(build_model(scenario), 3, 6)
    more = experiment.run_replications(
        build_model(experiment.with_units(scenario, "rooms", 1)), 3, 6
    )
    diff = experiment.paired_differences(base, more)["wait_first_cycle_mean_d"]
    assert diff.mean < 0  # a fifth room shortens the wait
    a = experiment.summarise([r.kpis["wait_first_cycle_mean_d"] for r in base])
    b = experiment.summarise([r.kpis["wait_first_cycle_mean_d"] for r in more])
    assert diff.half_width < np.hypot(a.half_width, b.half_width)


def test_replications_needed_hoad() -> None:
    model = build_model(build(ward()))
    n, reps = experiment.replications_needed(
        model, 1, "cycles_per_year", precision=0.05, k_limit=2, maximum=40
    )
    assert 3 <= n <= len(reps) <= 40
    s = experiment.summarise([r.kpis["cycles_per_year"] for r in reps[:n]])
    assert s.half_width / s.mean <= 0.05
    with pytest.raises(InputError, match="unknown KPI"):
        experiment.replications_needed(model, 1, "nope")


def test_sweep_adds_rooms() -> None:
    out = experiment.sweep(build(ward()), "rooms", [0, 2], 4, 3)
    waits = {
        d: np.mean([r.kpis["wait_first_cycle_mean_d"] for r in reps]) for d, reps in out.items()
    }
    assert waits[2] < waits[0]
    with pytest.raises(InputError, match="unknown resource"):
        experiment.with_units(build(ward()), "beds", 1)
