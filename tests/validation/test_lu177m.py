"""Lu-177m in carrier-added Lu-177: ratio growth and vial storage time against hand calculation.

Half-lives (ICRP-107): Lu-177 6.647 d, Lu-177m 160.4 d; Lu-177m decays 21.7% by isomeric
transition to Lu-177 (the rest by β⁻ to stable Hf-177).
"""

import numpy as np
import pytest

from rltcare.physics.decay import lu177m_ratio
from rltcare.physics.waste import Clearance, release_time

L177 = np.log(2) / 6.647  # 0.104280 per day
L177M = np.log(2) / 160.4  # 0.004321 per day


@pytest.mark.parametrize(("days", "expected"), [(7, 4.026e-4), (14, 8.106e-4), (28, 3.285e-3)])
def test_ratio_grows_as_the_difference_of_decay_constants(catalog, days, expected):
    """Hand calculation: r(t) = r₀·exp((λ₁₇₇ − λ₁₇₇ₘ)·t), λ₁₇₇ − λ₁₇₇ₘ = 0.099958 per day.

    With r₀ = 2e-4 at end of irradiation: exp(0.099958·7) = 2.0132 → 4.026e-4;
    exp(0.099958·14) = 4.0528 → 8.106e-4; exp(0.099958·28) = 16.425 → 3.285e-3.
    The hand formula ignores Lu-177 fed by the isomeric branch, which adds
    0.217·λ₁₇₇/(λ₁₇₇ − λ₁₇₇ₘ)·r(t) ≈ 0.226·r(t) of extra Lu-177: under 0.1% within four
    weeks, hence the tolerance of 0.2%.
    """
    assert lu177m_ratio(days * 24.0, 2e-4, catalog) == pytest.approx(expected, rel=2e-3)


def test_ratio_after_months_matches_the_two_member_bateman_solution(catalog):
    """Exact two-member solution with the 21.7% branch (tolerance 1e-4) at 100 d:

    A₁₇₇(t) = A₀·e^(−λ₁₇₇t) + 0.217·λ₁₇₇/(λ₁₇₇ − λ₁₇₇ₘ)·Aₘ₀·(e^(−λ₁₇₇ₘt) − e^(−λ₁₇₇t)),
    Aₘ(t) = Aₘ₀·e^(−λ₁₇₇ₘt); the ratio saturates near 1/0.2264 = 4.42 after years.
    """
    t = 100.0
    a_m = 2e-4 * np.exp(-L177M * t)
    a_177 = np.exp(-L177 * t) + 0.217 * L177 / (L177 - L177M) * 2e-4 * (
        np.exp(-L177M * t) - np.exp(-L177 * t)
    )
    assert lu177m_ratio(t * 24, 2e-4, catalog) == pytest.approx(a_m / a_177, rel=1e-4)
    assert lu177m_ratio(3650 * 24, 2e-4, catalog) == pytest.approx(1 / 0.226381, rel=1e-3)


def test_carrier_added_vial_storage_time(catalog):
    """A used vial: 74 MBq Lu-177 (1% of 7.4 GBq) with Lu-177m/Lu-177 = 2e-4, in 50 g of waste,
    clearance level 10 Bq/g on the total activity concentration.

    Lu-177m: 74e6 × 2e-4 = 14 800 Bq → 296 Bq/g. Long after Lu-177 itself has gone, Lu-177 is in
    transient equilibrium with Lu-177m at 0.217·λ₁₇₇/(λ₁₇₇ − λ₁₇₇ₘ) = 0.22638 of its activity,
    so the total is 296 × 1.22638 = 363.01 Bq/g × 2^(−t/160.4 d). Setting it to 10 Bq/g:
    t = 160.4 × log₂(36.301) = 160.4 × 5.18193 = 831.18 d (2.28 years); the directly produced
    Lu-177 (1.48e6 Bq/g × 2^(−831/6.647)) is negligible by then. Tolerance 0.1 d.
    """
    result = release_time(
        {"Lu-177": 74.0, "Lu-177m": 74.0 * 2e-4},
        0.050,
        Clearance(concentration_bq_g=10),
        catalog=catalog,
    )
    assert result.storage_time_d == pytest.approx(831.18, abs=0.1)
    assert result.dominant_nuclide == "Lu-177m"
    assert result.first_below_h == pytest.approx(result.storage_time_h)
