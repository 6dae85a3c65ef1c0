import numpy as np
import pytest

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
