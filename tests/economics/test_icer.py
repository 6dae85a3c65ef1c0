import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rltcare.economics.icer import DOMINATED, incremental, net_monetary_benefit
from rltcare.errors import InputError


def test_identical_strategies_keep_the_first():
    t = incremental(["A", "B"], [100, 100], [1.0, 1.0])
    assert {r.strategy: r.status for r in t.rows}["B"] == DOMINATED


def test_single_strategy_is_the_reference():
    assert incremental(["A"], [5], [1]).frontier == ["A"]


def test_nmb_broadcasts_over_wtp():
    costs, qalys = np.array([[10.0, 20.0]]), np.array([[1.0, 1.5]])
    nmb = net_monetary_benefit(costs[None], qalys[None], np.array([0.0, 100.0])[:, None, None])
    assert nmb[:, 0].tolist() == [[-10.0, -20.0], [90.0, 130.0]]


def test_bad_input():
    with pytest.raises(InputError, match="unique"):
        incremental(["A", "A"], [1, 2], [1, 2])
    with pytest.raises(InputError, match="one cost"):
        incremental(["A", "B"], [1], [1, 2])


@settings(deadline=None)  # timing varies on a shared machine
@given(
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 1000)),
        min_size=1,
        max_size=8,
        unique_by=lambda x: x[0],
    )
)
def test_frontier_icers_increase_and_excluded_strategies_are_beaten(points):
    """Invariants: along the frontier cost and effect rise and ICERs increase; every
    excluded strategy is dominated or lies above the frontier segment spanning its effect."""
    names = [f"s{i}" for i in range(len(points))]
    costs = [float(c) for c, _ in points]
    effects = [e / 100 for _, e in points]
    t = incremental(names, costs, effects)
    front = [r for r in t.rows if r.status in ("reference", "non-dominated")]
    assert all(b.cost > a.cost and b.effect > a.effect for a, b in itertools.pairwise(front))
    icers = [r.icer for r in front[1:]]
    assert icers == sorted(icers)
    for r in t.rows:
        if r.status in ("reference", "non-dominated"):
            continue
        below = [f for f in front if f.effect <= r.effect]
        above = [f for f in front if f.effect >= r.effect]
        if below and above:  # cost on the frontier's segment at this effect
            a, b = below[-1], above[0]
            line = (
                a.cost
                if b.effect == a.effect
                else a.cost + (r.effect - a.effect) * (b.cost - a.cost) / (b.effect - a.effect)
            )
            assert r.cost >= line - 1e-9
        else:  # less effective than every frontier strategy: it costs at least the cheapest
            assert above
            assert r.cost >= front[0].cost
