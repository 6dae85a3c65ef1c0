"""Maximum-likelihood fits of the parametric families to right-censored data, with AIC/BIC.

One likelihood serves every family: log L = Σ δᵢ log h(tᵢ) + log S(tᵢ), maximised on the
fit scale (log for positive parameters) so the covariance (inverse observed information,
by central differences) can feed a multivariate normal in the PSA, as flexsurv's
``res.t`` and ``cov`` do. Gompertz has no fitter in lifelines, so all families share this
code; tests/economics check it against lifelines where lifelines has the family.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from rltcare.economics.survival_models import FAMILIES, SurvivalCurve, family, to_natural
from rltcare.errors import InputError, NotAchievableError


@dataclass(frozen=True)
class Fit:
    """A fitted family: fit-scale coefficients and their covariance, log-likelihood, AIC, BIC."""

    family: str
    coef: np.ndarray
    cov: np.ndarray
    loglik: float
    n: int
    events: int
    time_unit: str = "months"

    @property
    def params(self) -> dict[str, float]:
        fam = family(self.family)
        return dict(zip(fam.params, to_natural(fam, self.coef).tolist(), strict=True))

    @property
    def aic(self) -> float:
        return 2 * len(self.coef) - 2 * self.loglik

    @property
    def bic(self) -> float:
        return len(self.coef) * np.log(self.n) - 2 * self.loglik

    def curve(self) -> SurvivalCurve:
        return SurvivalCurve.from_coef(self.family, self.coef, self.time_unit)

    def sample(self, n: int, rng: np.random.Generator) -> SurvivalCurve:
        """``n`` draws of the curve from the asymptotic normal distribution of the coefficients."""
        draws = rng.multivariate_normal(self.coef, self.cov, size=n, method="cholesky")
        return SurvivalCurve.from_coef(self.family, draws, self.time_unit)


def _check(time, event) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(time, dtype=float)
    d = np.asarray(event, dtype=float) if event is not None else np.ones_like(t)
    if t.ndim != 1 or t.shape != d.shape:
        raise InputError("time and event must be 1-D and the same length", field="event")
    if not np.all(np.isfinite(t)) or np.any(t <= 0):
        raise InputError(
            "survival times must be positive and finite",
            field="time",
            row=int(np.flatnonzero(~(np.isfinite(t) & (t > 0)))[0]),
            hint="a time of 0 (event on day one) can be set to a small positive value",
        )
    if not np.all(np.isin(d, (0, 1))):
        raise InputError("event must be 0 (censored) or 1 (event)", field="event")
    if d.sum() == 0:
        raise NotAchievableError("no events: a parametric curve cannot be fitted", field="event")
    return t, d


def _starts(name: str, t: np.ndarray, d: np.ndarray) -> list[np.ndarray]:
    rate = d.sum() / t.sum()
    logt = np.log(t)
    m, s = logt.mean(), max(logt.std(), 0.1)
    return {
        "exponential": [np.array([np.log(rate)])],
        "weibull": [np.array([0.0, -np.log(rate)])],
        "gompertz": [np.array([0.0, np.log(rate)]), np.array([-0.1 * rate, np.log(rate)])],
        "lognormal": [np.array([m, np.log(s)])],
        "loglogistic": [np.array([0.5, m])],
        "gengamma": [np.array([m, np.log(s), q]) for q in (0.5, -0.5, 1.0)],
    }[name]


def _negloglik(name: str, t: np.ndarray, d: np.ndarray):
    fam = FAMILIES[name]

    def f(coef: np.ndarray) -> float:
        p = to_natural(fam, coef)
        with np.errstate(all="ignore"):
            ll = d * fam.log_hazard(t, *p) + fam.log_survival(t, *p)
        total = float(np.sum(ll))
        return -total if np.isfinite(total) else 1e100

    return f


def _hessian(f, x: np.ndarray) -> np.ndarray:
    k = len(x)
    h = 1e-4 * np.maximum(1.0, np.abs(x))
    out = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei, ej = np.eye(k)[i] * h[i], np.eye(k)[j] * h[j]
            out[i, j] = out[j, i] = (
                f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)
            ) / (4 * h[i] * h[j])
    return out


def fit(name: str, time, event=None, time_unit: str = "months") -> Fit:
    """Fit one family by maximum likelihood to right-censored data (event 1, censored 0)."""
    family(name)
    t, d = _check(time, event)
    f = _negloglik(name, t, d)
    best = None
    for x0 in _starts(name, t, d):
        res = optimize.minimize(
            f, x0, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 20000}
        )
        res = optimize.minimize(f, res.x, method="BFGS")
        if best is None or res.fun < best.fun:
            best = res
    hess = _hessian(f, best.x)
    try:
        cov = np.linalg.inv(hess)
        np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise NotAchievableError(
            f"the {name} fit did not converge to a proper maximum",
            field="family",
            hint="try a simpler family or check the data",
        ) from None
    return Fit(name, best.x, cov, -float(best.fun), len(t), int(d.sum()), time_unit)


def fit_all(time, event=None, families=None, time_unit: str = "months") -> list[Fit]:
    """Fit every family (or those named) and return them ordered by AIC, best first.

    Families whose fit fails to converge are left out rather than stopping the comparison.
    """
    fits = []
    for name in families or FAMILIES:
        try:
            fits.append(fit(name, time, event, time_unit))
        except NotAchievableError:
            if len(families or ()) == 1:
                raise
    return sorted(fits, key=lambda x: x.aic)
