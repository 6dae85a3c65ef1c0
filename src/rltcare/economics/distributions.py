"""Input distributions for probabilistic sensitivity analysis, from the moments analysts report.

Each distribution has a base-case ``mean`` (used in the deterministic run), ``sample(n,
rng)`` and ``interval(level)`` (the bounds of the one-way analysis). Method-of-moments
choices follow Briggs, Claxton & Sculpher, Decision Modelling for Health Economic
Evaluation (OUP 2006), ch. 4: beta for probabilities and utilities, gamma for costs,
log-normal for relative risks and hazard ratios (from a 95% CI on the log scale),
multivariate normal for correlated regression coefficients such as survival parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from rltcare.errors import InputError


@dataclass(frozen=True)
class Fixed:
    mean: float

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return np.full(n, float(self.mean))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        return self.mean, self.mean


@dataclass(frozen=True)
class _Scipy:
    """A scalar distribution: numpy's sampler for draws, scipy's (``frozen``) for intervals."""

    mean: float

    def frozen(self):  # pragma: no cover - interface
        raise NotImplementedError

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        lo, hi = self.frozen().interval(level)
        return float(lo), float(hi)


@dataclass(frozen=True)
class Normal(_Scipy):
    se: float

    def frozen(self):
        return stats.norm(self.mean, self.se)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(self.mean, self.se, n)


@dataclass(frozen=True)
class Beta(_Scipy):
    """Beta with the given mean and standard error (method of moments)."""

    se: float

    def __post_init__(self) -> None:
        m, v = self.mean, self.se**2
        if not 0 < m < 1 or self.se <= 0 or v >= m * (1 - m):
            raise InputError(
                "beta needs 0 < mean < 1 and 0 < se² < mean·(1 − mean)",
                field="se",
                value=self.se,
            )

    def frozen(self):
        m, v = self.mean, self.se**2
        k = m * (1 - m) / v - 1
        return stats.beta(m * k, (1 - m) * k)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        k = self.mean * (1 - self.mean) / self.se**2 - 1
        return rng.beta(self.mean * k, (1 - self.mean) * k, n)


@dataclass(frozen=True)
class Gamma(_Scipy):
    """Gamma with the given mean and standard error (shape (m/se)², scale se²/m)."""

    se: float

    def __post_init__(self) -> None:
        if self.mean <= 0 or self.se <= 0:
            raise InputError("gamma needs a positive mean and se", field="se", value=self.se)

    def frozen(self):
        return stats.gamma((self.mean / self.se) ** 2, scale=self.se**2 / self.mean)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.gamma((self.mean / self.se) ** 2, self.se**2 / self.mean, n)


@dataclass(frozen=True)
class LogNormal(_Scipy):
    """Log-normal given the point estimate (median) and the SE of its logarithm.

    ``from_ci`` recovers that SE from a 95% CI, as for a hazard ratio.
    """

    se_log: float

    def __post_init__(self) -> None:
        if self.mean <= 0 or self.se_log <= 0:
            raise InputError(
                "log-normal needs a positive value and se", field="se", value=self.se_log
            )

    @classmethod
    def from_ci(cls, value: float, low: float, high: float, level: float = 0.95) -> LogNormal:
        if not 0 < low <= value <= high:
            raise InputError("need 0 < low ≤ value ≤ high for a log-normal CI", field="ci")
        if not 0 < level < 1:
            raise InputError("the CI level must lie in (0, 1)", field="ci_level", value=level)
        z = stats.norm.ppf(0.5 + level / 2)
        return cls(value, (np.log(high) - np.log(low)) / (2 * z))

    def frozen(self):
        return stats.lognorm(self.se_log, scale=self.mean)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.mean * np.exp(self.se_log * rng.standard_normal(n))


@dataclass(frozen=True)
class Uniform(_Scipy):
    low: float
    high: float

    def frozen(self):
        return stats.uniform(self.low, self.high - self.low)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)


@dataclass(frozen=True)
class MultivariateNormal:
    """Correlated coefficients (e.g. a survival fit on its log scale): mean (k,), cov (k, k)."""

    mean: np.ndarray
    cov: np.ndarray

    def __post_init__(self) -> None:
        mean = np.atleast_1d(np.asarray(self.mean, dtype=float))
        cov = np.atleast_2d(np.asarray(self.cov, dtype=float))
        if cov.shape != (mean.size, mean.size) or not np.allclose(cov, cov.T):
            raise InputError("covariance must be a symmetric k × k matrix", field="cov")
        try:
            chol = np.linalg.cholesky(cov + 1e-300 * np.eye(mean.size))
        except np.linalg.LinAlgError:
            raise InputError("covariance must be positive definite", field="cov") from None
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "cov", cov)
        object.__setattr__(self, "_chol", chol)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.mean + rng.standard_normal((n, self.mean.size)) @ self._chol.T

    def interval(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        half = stats.norm.ppf(0.5 + level / 2) * np.sqrt(np.diag(self.cov))
        return self.mean - half, self.mean + half


Distribution = Fixed | Normal | Beta | Gamma | LogNormal | Uniform | MultivariateNormal
