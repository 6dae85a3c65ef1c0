"""Funnel-plot control limits (Spiegelhalter, Stat Med 2005;24:1185-1202, Appendix A.1).

Hand example: θ = 0.5, n = 10, p = 0.975. P(X ≤ 7) = 968/1024, P(X ≤ 8) = 1013/1024, so
r = 8, α = (1013/1024 − 0.975) / (45/1024) = 14.6/45, limit = (8 − α)/10 = 0.767556.
Large n: limits approach θ ± z·sqrt(θ(1−θ)/n) (tolerance 5e-4 at n = 10,000).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rltcare.errors import InputError
from rltcare.outcomes.benchmarking import binomial_limits, funnel, poisson_limits


def test_binomial_limit_hand_example():
    assert float(binomial_limits(0.5, 10, 0.975)) == pytest.approx((8 - 14.6 / 45) / 10, abs=1e-9)


def test_limits_approach_normal_for_large_n():
    n = 10_000
    for p, z in ((0.975, 1.959964), (0.999, 3.090232)):
        assert float(binomial_limits(0.3, n, p)) == pytest.approx(
            0.3 + z * np.sqrt(0.21 / n), abs=5e-4
        )
    assert float(poisson_limits(10_000, 0.975)) == pytest.approx(1 + 1.959964 / 100, abs=5e-4)


def test_funnel_narrows_with_size_and_flags_outliers():
    centres = pd.DataFrame(
        {"centre": ["A", "B", "C", "D"], "n": [40, 120, 300, 60], "events": [20, 55, 140, 48]}
    )
    f = funnel(centres, indicator="PSA50 rate")
    assert f.target == pytest.approx(263 / 520)
    widths = [c.limits["0.998"][1] - c.limits["0.998"][0] for c in f.centres]
    assert widths[1] < widths[0] and widths[2] < widths[1]
    signals = {c.centre: c.signal for c in f.centres}
    assert signals["D"] == "above 99.8% limit"  # 80% in 60 patients against ~51%
    assert signals["C"] == "within limits"
    lower, upper = f.curve["0.95"]
    assert len(lower) == len(f.curve_n) and all(
        lo < hi for lo, hi in zip(lower, upper, strict=True)
    )


def test_risk_adjusted_funnel_uses_observed_over_expected():
    centres = pd.DataFrame(
        {"centre": ["A", "B"], "n": [100, 100], "events": [30, 30], "expected": [30.0, 12.0]}
    )
    f = funnel(centres, indicator="grade ≥3 toxicity")
    assert f.measure == "observed/expected" and f.target == 1.0
    assert f.centres[0].value == pytest.approx(1.0) and f.centres[0].signal == "within limits"
    assert f.centres[1].signal == "above 99.8% limit"  # 30 observed where 12 expected


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"centre": ["A"], "n": [10], "events": [11]}),
        pd.DataFrame({"centre": ["A"], "n": [0], "events": [0]}),
        pd.DataFrame({"centre": ["A"], "events": [1]}),
    ],
)
def test_bad_centre_tables(frame):
    with pytest.raises(InputError):
        funnel(frame)
