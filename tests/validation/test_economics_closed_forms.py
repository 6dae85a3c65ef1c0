"""Partitioned survival model against closed forms, and the incremental analysis against
hand-worked dominance examples.

References
----------
- Exponential survival S(t) = exp(−λt): life years to horizon T are (1 − e^{−λT})/λ;
  with continuous discounting at δ = ln(1 + r) they are (1 − e^{−(λ+δ)T})/(λ + δ);
  expected discounted death payments are λ/(λ+δ)·(1 − e^{−(λ+δ)T}).
- Cycle-correction error: the half-cycle (trapezoid) and life-table methods err by
  O((λ+δ)²Δ²/12) relative to the integral (Elbasha & Chhatwal, Med Decis Making
  2016;36:115–125), the uncorrected method by O((λ+δ)Δ/2). Tolerances below are set
  from those orders for monthly cycles.
"""

from __future__ import annotations

import numpy as np
import pytest

from rltcare.economics import psm
from rltcare.economics.icer import DOMINATED, EXTENDED, FRONTIER, REFERENCE, incremental
from rltcare.economics.survival_models import SurvivalCurve

LAM, MU, T = 0.5, 1.2, 20.0  # OS and PFS rates per year; horizon in years


def _run(rate: float, correction: str, cycle: float = 1 / 12, eol: float = 0.0):
    s = psm.StrategyInputs(
        name="x",
        curves=(
            SurvivalCurve("exponential", {"rate": MU}, "years"),
            SurvivalCurve("exponential", {"rate": LAM}, "years"),
        ),
        state_cost_per_year=np.array([1000.0, 3000.0]),
        utility=np.array([0.8, 0.6]),
        death_cost=eol,
    )
    settings = psm.Settings(psm.TimeGrid(cycle, T), rate, rate, correction)
    return psm.run([s], settings, 1)


def _area(rate_per_year: float, r: float) -> float:
    k = rate_per_year + np.log1p(r)
    return (1 - np.exp(-k * T)) / k


@pytest.mark.parametrize("correction", ["half-cycle", "life-table"])
def test_undiscounted_life_years_equal_the_integral(correction):
    """LYs with exponential OS and no discounting = (1 − e^{−λT})/λ within 1e-3 (relative)."""
    out = _run(0.0, correction)
    exact = _area(LAM, 0.0)
    assert out.life_years[0, 0] == pytest.approx(exact, rel=1e-3)
    qalys = 0.8 * _area(MU, 0) + 0.6 * (exact - _area(MU, 0))
    assert out.qalys[0, 0] == pytest.approx(qalys, rel=1e-3)


def test_uncorrected_cycles_overstate_by_half_a_cycle():
    """Without correction the error is about λΔ/2 relative (here ~2%): larger than half-cycle."""
    exact = _area(LAM, 0.0)
    plain = _run(0.0, "none").life_years[0, 0]
    half = _run(0.0, "half-cycle").life_years[0, 0]
    assert plain / exact - 1 == pytest.approx(LAM / 12 / 2, rel=0.05)
    assert abs(half - exact) < abs(plain - exact) / 50


@pytest.mark.parametrize("correction", ["half-cycle", "life-table"])
@pytest.mark.parametrize("r", [0.015, 0.035, 0.05])
def test_discounted_outcomes_match_continuous_closed_form(correction, r):
    """Discounted QALYs, costs and end-of-life costs match the continuous-time closed forms
    within 1e-3 relative (cycle-correction error ~ ((λ+δ)Δ)²/12 ≈ 4e-4 at λ+δ = 1.25)."""
    out = _run(r, correction, eol=10000.0)
    pf, os_ = _area(MU, r), _area(LAM, r)
    assert out.qalys[0, 0] == pytest.approx(0.8 * pf + 0.6 * (os_ - pf), rel=1e-3)
    k = LAM + np.log1p(r)
    eol = 10000.0 * LAM / k * (1 - np.exp(-k * T))
    assert out.costs[0, 0] == pytest.approx(1000 * pf + 3000 * (os_ - pf) + eol, rel=1e-3)


def test_error_shrinks_quadratically_with_cycle_length():
    """Halving the cycle quarters the half-cycle error (second-order method)."""
    exact = _area(LAM, 0.035)
    err = [
        abs(
            _run(0.035, "half-cycle", c).qalys[0, 0]
            - (0.8 * _area(MU, 0.035) + 0.6 * (exact - _area(MU, 0.035)))
        )
        for c in (1 / 4, 1 / 8)
    ]
    assert err[0] / err[1] == pytest.approx(4.0, rel=0.05)


def test_scheduled_doses_are_discounted_exactly():
    """4.5 doses every 6 weeks at 3%: Σ_j min(1, 4.5 − j) (1.03)^(−j·6/52.18)."""
    interval = 42 / 365.25
    expected = sum(w * 1.03 ** (-j * interval) for j, w in enumerate([1, 1, 1, 1, 0.5]))
    assert psm.schedule_factor(np.array([4.5]), interval, 0.03)[0] == pytest.approx(
        expected, rel=1e-12
    )


def test_strict_dominance_hand_worked():
    """Hand-worked: B costs more than A and yields less, so B is strictly dominated;
    C vs A: (30000 − 10000)/(2.0 − 1.0) = 20,000 per QALY."""
    t = incremental(["A", "B", "C"], [10000, 15000, 30000], [1.0, 0.9, 2.0])
    rows = {r.strategy: r for r in t.rows}
    assert rows["A"].status == REFERENCE
    assert rows["B"].status == DOMINATED
    assert rows["B"].dominated_by == "A"
    assert rows["C"].status == FRONTIER
    assert rows["C"].compared_with == "A"
    assert rows["C"].icer == pytest.approx(20000.0)


def test_extended_dominance_hand_worked():
    """Hand-worked (Drummond 4th ed. style): A 10,000/5.0, B 12,000/5.5, C 15,000/6.4,
    D 25,000/6.6, E 13,000/5.2.
    E is dominated by B (dearer, less effective). ICER B vs A = 2,000/0.5 = 4,000 exceeds
    ICER C vs B = 3,000/0.9 = 3,333, so B is extendedly dominated. Frontier A → C → D:
    ICER C vs A = 5,000/1.4 = 3,571.43; D vs C = 10,000/0.2 = 50,000."""
    t = incremental(list("ABCDE"), [10000, 12000, 15000, 25000, 13000], [5.0, 5.5, 6.4, 6.6, 5.2])
    rows = {r.strategy: r for r in t.rows}
    assert rows["E"].status == DOMINATED
    assert rows["B"].status == EXTENDED
    assert t.frontier == ["A", "C", "D"]
    assert rows["C"].icer == pytest.approx(5000 / 1.4)
    assert rows["D"].icer == pytest.approx(50000.0)


def test_extended_dominance_needs_repeated_passes():
    """Hand-worked: A 0/0, B 100/1, C 300/2, D 400/3.5 give ICERs 100, 200, 66.7, so C is
    extendedly dominated; then A → B 100 and B → D 120 increase: frontier A, B, D.
    A 0/0, B 200/1, C 300/2, D 400/4: B goes first (200 > 100), then C (A → C 150 >
    C → D 50): frontier A → D at 100 per QALY."""
    t1 = incremental(list("ABCD"), [0, 100, 300, 400], [0, 1, 2, 3.5])
    assert t1.frontier == ["A", "B", "D"]
    t2 = incremental(list("ABCD"), [0, 200, 300, 400], [0, 1, 2, 4])
    assert t2.frontier == ["A", "D"]
    assert {r.strategy: r.status for r in t2.rows}["C"] == EXTENDED
    assert t2.rows[-1].icer == pytest.approx(100.0)
