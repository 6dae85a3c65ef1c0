"""The queue of deferred cycles (rltcare.national.waiting.Queue) against closed forms.

Analytic references, one replication, exact to floating point (pytest.approx defaults):
- catch-up: 4 weeks without product defer 4 × 10 booked cycles; 20% catch-up gives 2 a
  week from week 4, oldest first, so cohort k waits 4 + 4k ... 8 + 4k weeks (mean 6, 10, 14,
  18; overall 12);
- deaths: a cohort of N never caught up, constant hazard h a year: N (1 − exp(−hT/52)) dead
  after T weeks, N exp(−hT/52) still waiting;
- drop-out after L weeks: N exp(−hL/52) go elsewhere, the rest die, none wait.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from rltcare.national.waiting import Hazard, Queue, Waiting


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
