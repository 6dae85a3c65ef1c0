"""Deferred cycles queue, are caught up oldest first, and waiting patients die or drop out."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from rltcare.capacity import load_scenario
from rltcare.errors import InputError
from rltcare.national.waiting import (
    HAZARDS,
    Hazard,
    Queue,
    Waiting,
    hazard_for,
    waiting_from_planner,
)

ROOT = Path(__file__).parents[2]


def drive(waiting: Waiting, given, weeks: int, booked: float = 10.0) -> Queue:
    """Run a one-replication queue: ``given(week, wanted)`` cycles arrive each week."""
    queue = Queue(waiting, 1, weeks, np.full(weeks, booked), np.random.default_rng(0))
    for week in range(weeks):
        wanted = queue.wanted_cycles(week)
        queue.settle(week, np.broadcast_to(np.asarray(given(week, wanted), dtype=float), (1,)))
    return queue


def test_catch_up_is_oldest_first_with_the_expected_delay():
    """Four weeks without product defer 4 × 10 cycles; 2 a week (20%) are caught up from
    week 4, oldest first: cohort k waits 4 + 4k … 8 + 4k weeks, a mean of 6, 10, 14, 18."""
    queue = drive(Waiting(catch_up=0.2), lambda w, wanted: 0 if w < 4 else wanted, 30)
    effect = queue.effect(1)
    assert effect.deferred_cycles_per_year.mean == pytest.approx(40)
    assert effect.caught_up_cycles_per_year.mean == pytest.approx(40)
    assert effect.delay_weeks.mean == pytest.approx(12.0)
    assert effect.deaths_waiting_per_year.mean == 0 and effect.waiting_at_end.mean == 0


def test_deaths_follow_the_constant_hazard():
    """One cohort of 10 never caught up: deaths after T weeks = 10 (1 − exp(−hT/52))."""
    hazard = Hazard(rate_per_year=0.8, source="test")
    queue = drive(
        Waiting(hazard=hazard, catch_up=0.0), lambda w, wanted: 0 if w == 0 else wanted, 26
    )
    effect = queue.effect(1)
    assert effect.deaths_waiting_per_year.mean == pytest.approx(10 * (1 - math.exp(-0.4)))
    assert effect.waiting_at_end.mean == pytest.approx(10 * math.exp(-0.4))


def test_drop_out_after_the_limit_conserves_patients():
    hazard = Hazard(rate_per_year=0.5, source="test")
    waiting = Waiting(hazard=hazard, drop_out_after_weeks=4, catch_up=0.0)
    queue = drive(waiting, lambda w, wanted: 0 if w < 2 else wanted, 20)
    effect = queue.effect(1)
    survive = math.exp(-0.5 * 4 / 52)
    assert effect.dropped_out_per_year.mean == pytest.approx(20 * survive)
    assert effect.deaths_waiting_per_year.mean == pytest.approx(20 * (1 - survive))
    assert effect.waiting_at_end.mean == pytest.approx(0)


def test_hazards_come_from_control_arms():
    assert HAZARDS["lu-psma-post-taxane"].rate_per_year == pytest.approx(math.log(2) * 12 / 11.3)
    assert "VISION" in HAZARDS["lu-psma-post-taxane"].source
    assert "NETTER-1" in HAZARDS["lu-dotatate-gep-net"].source
    mixed = hazard_for({"lu-psma-post-taxane": 3.0, "lu-dotatate-gep-net": 1.0})
    expected = (
        0.75 * HAZARDS["lu-psma-post-taxane"].rate_per_year
        + 0.25 * HAZARDS["lu-dotatate-gep-net"].rate_per_year
    )
    assert mixed.rate_per_year == pytest.approx(expected)
    assert mixed.low < mixed.rate_per_year < mixed.high
    with pytest.raises(InputError, match="no hazard") as info:
        hazard_for({"my-new-indication": 1.0})
    assert info.value.field == "death_rate"


def test_waiting_from_planner_scenario():
    scenario = load_scenario(ROOT / "examples" / "german_inpatient_lu_psma.toml")
    waiting = waiting_from_planner(scenario, name="german")
    assert waiting.hazard.rate_per_year == pytest.approx(0.15)
    assert waiting.drop_out_after_weeks == pytest.approx(16)
