import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rltcare.economics.survival_models import FAMILIES, ProportionalHazards, SurvivalCurve
from rltcare.errors import InputError, UnknownNameError

T = np.array([0.0, 1.0, 6.0, 24.0])


@pytest.mark.parametrize(
    ("family", "params", "expected"),
    [
        ("exponential", {"rate": 0.1}, lambda t: np.exp(-0.1 * t)),
        ("weibull", {"shape": 1.5, "scale": 10.0}, lambda t: np.exp(-((t / 10) ** 1.5))),
        (
            "gompertz",
            {"shape": 0.05, "rate": 0.02},
            lambda t: np.exp(-0.02 / 0.05 * np.expm1(0.05 * t)),
        ),
        ("loglogistic", {"shape": 2.0, "scale": 8.0}, lambda t: 1 / (1 + (t / 8) ** 2)),
    ],
)
def test_survival_closed_forms(family, params, expected):
    assert SurvivalCurve(family, params).survival(T)[0] == pytest.approx(expected(T))


def test_lognormal_and_gengamma_special_cases():
    """gengamma Q = 0 is lognormal; Q = 1 is Weibull(shape 1/σ, scale e^μ) (Prentice 1974)."""
    ln = SurvivalCurve("lognormal", {"meanlog": 2.0, "sdlog": 0.8})
    gg0 = SurvivalCurve("gengamma", {"mu": 2.0, "sigma": 0.8, "Q": 0.0})
    assert gg0.survival(T[1:]) == pytest.approx(ln.survival(T[1:]))
    gg1 = SurvivalCurve("gengamma", {"mu": 2.0, "sigma": 0.8, "Q": 1.0})
    wei = SurvivalCurve("weibull", {"shape": 1 / 0.8, "scale": np.exp(2.0)})
    assert gg1.survival(T[1:]) == pytest.approx(wei.survival(T[1:]), rel=1e-9)
    assert ln.median()[0] == pytest.approx(np.exp(2.0), rel=1e-6)


def test_vectorised_over_draws_and_median():
    c = SurvivalCurve("weibull", {"shape": np.array([1.0, 2.0]), "scale": np.array([10.0, 20.0])})
    assert c.survival(T).shape == (2, 4)
    assert c.median() == pytest.approx([10 * np.log(2), 20 * np.sqrt(np.log(2))], rel=1e-6)


def test_proportional_hazards_raises_survival_to_hr():
    base = SurvivalCurve("weibull", {"shape": 1.3, "scale": 12.0})
    ph = ProportionalHazards(base, np.array([0.5, 2.0]))
    assert ph.survival(T) == pytest.approx(base.survival(T) ** np.array([[0.5], [2.0]]))
    assert ph.survival_years([1.0]) == pytest.approx(ph.survival([12.0]))


@settings(deadline=None)  # timing varies on a shared machine
@given(
    family=st.sampled_from(sorted(FAMILIES)),
    t=st.lists(st.floats(0.01, 500), min_size=2, max_size=10),
)
def test_survival_is_non_increasing_and_within_unit_interval(family, t):
    params = {
        "exponential": {"rate": 0.05},
        "weibull": {"shape": 0.7, "scale": 30.0},
        "gompertz": {"shape": -0.02, "rate": 0.05},
        "lognormal": {"meanlog": 3.0, "sdlog": 1.2},
        "loglogistic": {"shape": 1.1, "scale": 20.0},
        "gengamma": {"mu": 3.0, "sigma": 1.0, "Q": -0.5},
    }[family]
    s = SurvivalCurve(family, params).survival(np.sort(t))[0]
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(np.diff(s) <= 1e-12)


def test_bad_curves_are_rejected():
    with pytest.raises(UnknownNameError, match="weibul"):
        SurvivalCurve("weibul", {"shape": 1, "scale": 1})
    with pytest.raises(InputError, match="positive"):
        SurvivalCurve("weibull", {"shape": -1, "scale": 1})
    with pytest.raises(InputError, match="needs parameters"):
        SurvivalCurve("weibull", {"shape": 1})
    with pytest.raises(InputError, match="time unit"):
        SurvivalCurve("exponential", {"rate": 1}, "fortnights")
    with pytest.raises(InputError, match="hazard ratio"):
        ProportionalHazards(SurvivalCurve("exponential", {"rate": 1}), np.array([0.0]))
