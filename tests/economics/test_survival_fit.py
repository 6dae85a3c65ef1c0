import numpy as np
import pytest
from lifelines import (
    ExponentialFitter,
    GeneralizedGammaFitter,
    LogLogisticFitter,
    LogNormalFitter,
    WeibullFitter,
)

from rltcare.economics.survival_fit import fit, fit_all
from rltcare.errors import InputError, NotAchievableError


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(1)
    t = rng.weibull(1.3, 300) * 12
    c = rng.uniform(0, 30, 300)
    return np.minimum(t, c), (t <= c).astype(int)


@pytest.mark.parametrize(
    ("family", "fitter", "pairs"),
    [
        ("weibull", WeibullFitter, {"shape": "rho_", "scale": "lambda_"}),
        ("lognormal", LogNormalFitter, {"meanlog": "mu_", "sdlog": "sigma_"}),
        ("loglogistic", LogLogisticFitter, {"shape": "beta_", "scale": "alpha_"}),
        ("gengamma", GeneralizedGammaFitter, {"mu": "mu_", "Q": "lambda_"}),
    ],
)
def test_fits_agree_with_lifelines(data, family, fitter, pairs):
    ours = fit(family, *data)
    theirs = fitter().fit(*data)
    assert ours.loglik == pytest.approx(theirs.log_likelihood_, abs=1e-4)
    for mine, attr in pairs.items():
        assert ours.params[mine] == pytest.approx(getattr(theirs, attr), rel=1e-3)


def test_exponential_rate_is_events_over_exposure(data):
    f = fit("exponential", *data)
    assert f.params["rate"] == pytest.approx(data[1].sum() / data[0].sum(), rel=1e-6)
    assert 1 / f.params["rate"] == pytest.approx(ExponentialFitter().fit(*data).lambda_, rel=1e-4)
    # SE of log rate is 1/sqrt(events)
    assert np.sqrt(f.cov[0, 0]) == pytest.approx(1 / np.sqrt(data[1].sum()), rel=1e-3)


def test_gompertz_recovers_simulated_parameters():
    """Inverse-CDF Gompertz draws (shape 0.08, rate 0.03, n = 3000) are recovered within 3 SE."""
    rng = np.random.default_rng(3)
    a, b = 0.08, 0.03
    t = np.log1p(-a / b * np.log(rng.random(3000))) / a
    f = fit("gompertz", t)
    se = np.sqrt(np.diag(f.cov))
    assert abs(f.coef[0] - a) < 3 * se[0]
    assert abs(f.coef[1] - np.log(b)) < 3 * se[1]


def test_fit_all_orders_by_aic_and_the_true_family_is_near_the_top(data):
    fits = fit_all(*data)
    aics = [f.aic for f in fits]
    assert aics == sorted(aics)
    assert {f.family for f in fits[:2]} & {"weibull", "gengamma"}
    assert fits[0].bic == pytest.approx(len(fits[0].coef) * np.log(300) - 2 * fits[0].loglik)


def test_sampled_curves_follow_the_covariance(data):
    f = fit("weibull", *data)
    curves = f.sample(4000, np.random.default_rng(0))
    draws = np.log(np.c_[curves.params["shape"], curves.params["scale"]])
    assert np.cov(draws.T) == pytest.approx(f.cov, abs=0.1 * f.cov.diagonal().max())


def test_bad_data_is_rejected():
    with pytest.raises(InputError, match="positive"):
        fit("weibull", [1.0, 0.0, 2.0], [1, 1, 1])
    with pytest.raises(InputError, match="0 \\(censored\\) or 1"):
        fit("weibull", [1.0, 2.0], [1, 2])
    with pytest.raises(NotAchievableError, match="no events"):
        fit("weibull", [1.0, 2.0], [0, 0])


def test_kaplan_meier_matches_lifelines(data):
    from lifelines import KaplanMeierFitter

    from rltcare.economics.report import kaplan_meier

    t, s = kaplan_meier(*data)
    expected = KaplanMeierFitter().fit(*data).survival_function_at_times(t[1:]).to_numpy()
    assert s[1:] == pytest.approx(expected, abs=1e-12)
