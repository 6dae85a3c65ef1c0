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


def test_hazard_interval_is_drawn_per_replication():
    """Lognormal draws whose median and 95% range match the hazard and its interval."""
    hazard = HAZARDS["lu-dotatate-gep-net"]
    queue = Queue(Waiting(hazard=hazard), 4000, 1, np.ones(1), np.random.default_rng(1))
    rates = -np.log(queue.survive) * 52
    assert np.median(rates) == pytest.approx(hazard.rate_per_year, rel=0.03)
    low, high = np.percentile(rates, [2.5, 97.5])
    assert (low, high) == (
        pytest.approx(hazard.low, rel=0.06),
        pytest.approx(hazard.high, rel=0.06),
    )
    fixed = Queue(Waiting(hazard=Hazard(rate_per_year=0.5, source="test")), 10, 1, np.ones(1),
                  np.random.default_rng(1))  # fmt: skip
    assert np.allclose(-np.log(fixed.survive) * 52, 0.5)


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
