"""The maximal covering location model (Church & ReVelle 1974) solved with HiGHS reaches the
optimum found by enumerating every choice of p sites on small random instances (exact)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from rltcare.national.location import maximal_coverage


def _brute(time, weight, p, s, existing=None):
    base = np.zeros(len(weight), bool) if existing is None else (existing <= s).any(axis=1)
    best = 0.0
    for chosen in combinations(range(time.shape[1]), p):
        covered = base | (time[:, list(chosen)] <= s).any(axis=1)
        best = max(best, weight[covered].sum())
    return best


@pytest.mark.parametrize("seed", range(6))
def test_milp_reaches_brute_force_optimum(seed):
    rng = np.random.default_rng(seed)
    n, m, p = 25, 9, 3
    time = rng.uniform(0, 4, (n, m))
    weight = rng.integers(1, 1000, n).astype(float)
    existing = rng.uniform(0, 4, (n, 1)) if seed % 2 else None
    result = maximal_coverage(time, weight, p, 1.2, existing=existing)
    assert len(result.chosen) == p and result.optimal
    assert result.covered_population == pytest.approx(_brute(time, weight, p, 1.2, existing))
