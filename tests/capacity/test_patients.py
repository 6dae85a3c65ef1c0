"""Referrals, per-patient draws and first-come first-served slots."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rltcare.capacity.model import build_model
from rltcare.capacity.patients import draw_cohort, referral_times, stream
from rltcare.capacity.slots import serve_slots

from .scenarios import build, ward


def serve_fifo(ready_h, slot_h, units, leave_h):
    """Fresh slots, no staff limit."""
    no_staff = (np.zeros(0), np.zeros((0, 1)))
    return serve_slots(ready_h, slot_h, np.array(units, dtype=np.int64), leave_h, *no_staff)


def test_serve_fifo_respects_capacity_order_and_leavers() -> None:
    slots = np.array([10.0, 20.0, 30.0])
    units = np.array([2, 1, 1])
    ready = np.array([1.0, 2.0, 3.0, 25.0, 4.0])
    leave = np.array([np.inf, np.inf, np.inf, np.inf, 15.0])
    out = serve_fifo(ready, slots, units, leave)
    # 0 and 1 share slot 10; 2 gets 20; 4 left at 15 before a slot; 3 (ready 25) gets 30.
    np.testing.assert_array_equal(out, [10.0, 10.0, 20.0, 30.0, np.inf])


def test_serve_fifo_runs_out_of_slots() -> None:
    out = serve_fifo(np.array([1.0, 2.0]), np.array([5.0]), np.array([1]), np.full(2, np.inf))
    np.testing.assert_array_equal(out, [5.0, np.inf])


def test_referral_rate_growth_and_profile() -> None:
    data = ward()
    data["simulation"]["horizon"] = "10 years"
    data["indication"][0] |= {"referrals_per_week": 10, "growth_per_year": 0.1}
    model = build_model(build(data))
    times = referral_times(model, 0, np.random.default_rng(2))
    first, last = (times < 8766).sum(), (times >= 9 * 8766).sum()
    assert first == pytest.approx(10 * 52.18 * 1.1**0.5, rel=0.05)
    assert last / first == pytest.approx(1.1**9, rel=0.08)
    data["indication"][0]["monthly_profile"] = [2, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    model = build_model(build(data))
    month = (
        np.datetime64(model.start)
        + (referral_times(model, 0, np.random.default_rng(2)) // 24).astype("timedelta64[D]")
    ).astype("datetime64[M]").astype(int) % 12
    # Constant rate within each week: only weeks straddling a month end leak into February.
    assert (month == 1).sum() < 0.2 * (month == 2).sum()
    assert (month == 0).sum() > 1.5 * (month == 2).sum()


def test_regular_arrivals_are_evenly_spaced() -> None:
    data = ward()
    data["indication"][0] |= {"arrivals": "regular", "referrals_per_week": 4}
    times = referral_times(build_model(build(data)), 0, np.random.default_rng(0))
    assert np.allclose(np.diff(times), 42.0)


def test_cohort_draws_cycles_from_stop_probabilities() -> None:
    data = ward()
    data["simulation"]["horizon"] = "20 years"
    data["indication"][0] |= {"referrals_per_week": 20, "stop_probability": [0.5, 0.0, 0.0]}
    cohort = draw_cohort(build_model(build(data)), 1, 0)
    assert set(np.unique(cohort.cycles)) == {1, 4}
    assert (cohort.cycles == 1).mean() == pytest.approx(0.5, abs=0.02)


def test_streams_are_independent_of_each_other() -> None:
    a = stream(1, 0, "arrivals").random(3)
    assert not np.allclose(a, stream(1, 0, "stay").random(3))
    assert not np.allclose(a, stream(1, 1, "arrivals").random(3))
    assert np.allclose(a, stream(1, 0, "arrivals").random(3))


def test_shared_slots_are_used_up_and_staff_minutes_skip_a_day() -> None:
    slots = np.array([9.0, 10.0, 33.0, 34.0])  # two slots on day 0, two on day 1
    units = np.ones(4, dtype=np.int64)
    staff = np.array([[30.0, 60.0]])  # minutes on day 0 and day 1
    first = serve_slots(np.array([0.0]), slots, units, np.full(1, np.inf), np.array([30.0]), staff)
    assert first.tolist() == [9.0] and units.tolist() == [0, 1, 1, 1]
    # Day 0 has no staff minutes left: the next patients go to day 1, two of them.
    out = serve_slots(np.zeros(3), slots, units, np.full(3, np.inf), np.array([30.0]), staff)
    assert out.tolist() == [33.0, 34.0, np.inf]
    assert staff.tolist() == [[0.0, 0.0]]


@given(
    ready=st.lists(st.floats(0, 100), min_size=1, max_size=40),
    n_slots=st.integers(1, 30),
    units=st.integers(1, 3),
)
@settings(max_examples=60, deadline=None)
def test_serve_fifo_invariants(ready, n_slots, units) -> None:
    """Served no earlier than ready, never more than ``units`` per slot, first come first served."""
    ready = np.array(ready)
    slots = np.arange(n_slots) * 5.0
    out = serve_fifo(ready, slots, np.full(n_slots, units), np.full(ready.size, np.inf))
    served = np.isfinite(out)
    assert np.all(out[served] >= ready[served])
    _, counts = np.unique(out[served], return_counts=True)
    assert np.all(counts <= units)
    order = np.argsort(ready, kind="stable")
    times = out[order]
    assert np.all(np.diff(times[np.isfinite(times)]) >= 0)
