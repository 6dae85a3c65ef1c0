from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rltcare.errors import InputError
from rltcare.national.access import (
    Decay,
    fca,
    great_circle_km,
    nearest_hours,
    pairs_from_matrix,
    pairs_from_points,
    road_hours,
    share_beyond,
)


def test_great_circle_one_degree_of_meridian():
    assert great_circle_km([0.0], [0.0], [1.0], [0.0])[0, 0] == pytest.approx(111.195, abs=1e-3)


def test_blocked_pairs_agree_with_dense_matrix():
    rng = np.random.default_rng(0)
    lat, lon = rng.uniform(47, 55, 3000), rng.uniform(6, 15, 3000)
    clat, clon = rng.uniform(47, 55, 20), rng.uniform(6, 15, 20)
    pop, cap = rng.uniform(1, 100, 3000), rng.uniform(1, 5, 20)
    dense = pairs_from_matrix(road_hours(great_circle_km(lat, lon, clat, clon)), 1.0)
    blocked = pairs_from_points(lat, lon, clat, clon, 1.0, block=257)
    rule = Decay("gaussian", sigma_h=0.4)
    np.testing.assert_allclose(fca(blocked, pop, cap, rule), fca(dense, pop, cap, rule), rtol=1e-4)


def test_three_stage_by_hand():
    # two people groups, two centres, everyone within reach of both, equal weights:
    # G = 1/2 for each pair, R_j = S_j / (Σ_i G W P_i), A_i = Σ_j G W R_j
    time = np.zeros((2, 2))
    pop, cap = np.array([100.0, 300.0]), np.array([4.0, 8.0])
    access = fca(pairs_from_matrix(time, 1.0), pop, cap, three_stage=True)
    ratio = cap / (0.5 * pop.sum())
    np.testing.assert_allclose(access, [0.5 * ratio.sum()] * 2)
    # supply is conserved: Σ_i P_i A_i = Σ_j S_j
    assert (pop * access).sum() == pytest.approx(cap.sum())


def test_share_beyond_and_nearest():
    hours = nearest_hours([0.0, 0.0], [0.0, 3.0], [0.0], [0.0])
    assert hours[0] == pytest.approx(0.0, abs=1e-6)
    shares = share_beyond(hours, np.array([1.0, 3.0]), (1.0, 10.0))
    assert shares == {1.0: 0.75, 10.0: 0.0}


def test_missing_pair_is_named():
    matrix = np.ones((3, 2))
    matrix[1, 0] = np.nan
    with pytest.raises(InputError, match="first demand 1 → centre 0"):
        pairs_from_matrix(matrix, 2.0)


@pytest.mark.parametrize(
    "kwargs", [{"kind": "cubic"}, {"kind": "gaussian", "sigma_h": 0}, {"kind": "zones"}]
)
def test_bad_decay(kwargs):
    with pytest.raises(InputError):
        Decay(**kwargs)


def test_bad_coordinates():
    with pytest.raises(InputError, match="latitude"):
        pairs_from_points([95.0], [0.0], [0.0], [0.0], 1.0)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    kind=st.sampled_from(["step", "gaussian", "zones"]),
    three=st.booleans(),
)
def test_supply_is_conserved(seed, kind, three):
    """Σᵢ Pᵢ Aᵢ = Σ Sⱼ over centres that reach anyone: FCA redistributes supply, no more."""
    rng = np.random.default_rng(seed)
    time = rng.uniform(0, 3, (30, 6))
    pop, cap = rng.uniform(0, 100, 30), rng.uniform(0, 10, 6)
    rule = Decay(kind, sigma_h=0.8, edges_h=(0.5, 1.0, 1.5), weights=(1, 0.68, 0.22))
    pairs = pairs_from_matrix(time, 1.5)
    access = fca(pairs, pop, cap, rule, three_stage=three)
    weight = rule(pairs.time_h)
    reached = np.bincount(pairs.centre, weight * pop[pairs.demand], minlength=6) > 0
    assert (pop * access).sum() == pytest.approx(cap[reached].sum(), rel=1e-9, abs=1e-9)
