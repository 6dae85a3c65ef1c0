"""Parametric survival curves as small value objects, vectorised over parameter draws.

A :class:`SurvivalCurve` holds one family and a row of parameters per draw (shape
``(n,)`` each); ``survival(t)`` returns shape ``(n, len(t))``. Parametrisations follow
flexsurv (Jackson 2016, J Stat Softw 70(8)), so published coefficients can be entered
as reported:

=============  ===================  ========================================================
family         parameters           S(t)
=============  ===================  ========================================================
exponential    rate                 exp(-rate t)
weibull        shape, scale         exp(-(t/scale)^shape)
gompertz       shape, rate          exp(-rate/shape (exp(shape t) - 1)); shape may be < 0
lognormal      meanlog, sdlog       1 - Φ((log t - meanlog)/sdlog)
loglogistic    shape, scale         1 / (1 + (t/scale)^shape)
gengamma       mu, sigma, Q         Prentice (1974) generalised gamma; Q = 0 is lognormal
=============  ===================  ========================================================

``positive`` marks the parameters that are estimated (and sampled in PSA) on the log
scale, as flexsurv's ``res.t`` reports them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import special

from rltcare.errors import InputError

_TINY = 1e-300
_Q_ZERO = 1e-6

TIME_UNITS_YEARS = {"days": 1 / 365.25, "weeks": 7 / 365.25, "months": 1 / 12, "years": 1.0}


@dataclass(frozen=True)
class Family:
    """A parametric family: parameter names, which are positive, log S(t) and log h(t)."""

    name: str
    params: tuple[str, ...]
    positive: tuple[bool, ...]
    log_survival: Callable[..., np.ndarray]
    log_hazard: Callable[..., np.ndarray]


def _exp_logs(t, rate):
    return -rate * t


def _exp_logh(t, rate):
    return np.log(rate) + 0.0 * t


def _wei_logs(t, shape, scale):
    return -((t / scale) ** shape)


def _wei_logh(t, shape, scale):
    return np.log(shape / scale) + (shape - 1) * np.log(np.maximum(t, _TINY) / scale)


def _gom_logs(t, shape, rate):
    small = np.abs(shape) < 1e-12
    safe = np.where(small, 1.0, shape)
    return np.where(small, -rate * t, -rate * np.expm1(safe * t) / safe)


def _gom_logh(t, shape, rate):
    return np.log(rate) + shape * t


def _lnorm_z(t, meanlog, sdlog):
    return (np.log(np.maximum(t, _TINY)) - meanlog) / sdlog


def _lnorm_logs(t, meanlog, sdlog):
    return special.log_ndtr(-_lnorm_z(t, meanlog, sdlog))


def _lnorm_logh(t, meanlog, sdlog):
    z = _lnorm_z(t, meanlog, sdlog)
    logf = -np.log(np.maximum(t, _TINY) * sdlog * np.sqrt(2 * np.pi)) - 0.5 * z**2
    return logf - special.log_ndtr(-z)


def _llog_logs(t, shape, scale):
    return -np.log1p((t / scale) ** shape)


def _llog_logh(t, shape, scale):
    x = np.maximum(t, _TINY) / scale
    return np.log(shape / scale) + (shape - 1) * np.log(x) - np.log1p(x**shape)


def _gg_parts(t, mu, sigma, q):
    """w, gamma = Q^-2 and u = gamma exp(Q w), with Q moved off zero (lognormal handles it)."""
    q_safe = np.where(np.abs(q) < _Q_ZERO, _Q_ZERO, q)
    w = (np.log(np.maximum(t, _TINY)) - mu) / sigma
    g = q_safe**-2
    qw = np.clip(q_safe * w, -700, 700)
    return w, q_safe, g, g * np.exp(qw), qw


def _gg_logs(t, mu, sigma, q):
    w, q_safe, g, u, _ = _gg_parts(t, mu, sigma, q)
    upper, lower = special.gammaincc(g, u), special.gammainc(g, u)
    s = np.where(q_safe > 0, upper, lower)
    gg = np.log(np.maximum(s, _TINY))
    return np.where(np.abs(q) < _Q_ZERO, special.log_ndtr(-w), gg)


def _gg_logh(t, mu, sigma, q):
    _w, q_safe, g, u, qw = _gg_parts(t, mu, sigma, q)
    logf = (
        -np.log(sigma * np.maximum(t, _TINY))
        + np.log(np.abs(q_safe))
        + g * np.log(g)
        + g * (qw - u / g)
        - special.gammaln(g)
    )
    gg = logf - _gg_logs(t, mu, sigma, q_safe)
    return np.where(np.abs(q) < _Q_ZERO, _lnorm_logh(t, mu, sigma), gg)


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family("exponential", ("rate",), (True,), _exp_logs, _exp_logh),
        Family("weibull", ("shape", "scale"), (True, True), _wei_logs, _wei_logh),
        Family("gompertz", ("shape", "rate"), (False, True), _gom_logs, _gom_logh),
        Family("lognormal", ("meanlog", "sdlog"), (False, True), _lnorm_logs, _lnorm_logh),
        Family("loglogistic", ("shape", "scale"), (True, True), _llog_logs, _llog_logh),
        Family("gengamma", ("mu", "sigma", "Q"), (False, True, False), _gg_logs, _gg_logh),
    )
}


def family(name: str) -> Family:
    try:
        return FAMILIES[name]
    except KeyError:
        from rltcare.errors import UnknownNameError

        raise UnknownNameError("survival distribution", name, FAMILIES) from None


def to_natural(fam: Family, coef: np.ndarray) -> np.ndarray:
    """Fit/PSA scale (log for positive parameters) → natural scale; last axis = parameters."""
    coef = np.asarray(coef, dtype=float)
    return np.where(np.array(fam.positive), np.exp(coef), coef)


class Curve:
    """What the partitioned survival model needs from a curve (vectorised over draws)."""

    time_unit: str
    n: int

    def log_survival(self, t: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def survival(self, t) -> np.ndarray:
        """S(t), shape (n, len(t)); ``t`` in the curve's ``time_unit``."""
        return np.exp(self.log_survival(np.atleast_1d(np.asarray(t, dtype=float))))

    def survival_years(self, t_years) -> np.ndarray:
        """S at times given in years, whatever the curve's own time unit."""
        unit = TIME_UNITS_YEARS[self.time_unit]
        return self.survival(np.asarray(t_years, dtype=float) / unit)

    def quantile(self, p: float = 0.5, upper: float = 1e4) -> np.ndarray:
        """Time at which S(t) = 1 - p for each draw (vectorised bisection on log t)."""
        lo = np.full(self.n, -12.0)
        hi = np.full(self.n, np.log(upper))
        target = np.log1p(-p)
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            above = self.log_survival(np.exp(mid)[:, None])[np.arange(self.n), 0] > target
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        return np.exp(0.5 * (lo + hi))

    def median(self) -> np.ndarray:
        return self.quantile(0.5)


@dataclass(frozen=True, eq=False)
class SurvivalCurve(Curve):
    """One parametric family with ``n`` parameter draws.

    Parameters
    ----------
    family : family name (see module docstring).
    params : natural-scale parameters by name, scalars or arrays of shape ``(n,)``.
    time_unit : unit of ``t`` in ``survival(t)``: days, weeks, months or years.
    """

    family: str
    params: Mapping[str, np.ndarray]
    time_unit: str = "months"
    _values: tuple[np.ndarray, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        fam = family(self.family)
        if self.time_unit not in TIME_UNITS_YEARS:
            raise InputError(
                f"unknown time unit '{self.time_unit}'",
                field="time_unit",
                hint=f"one of {', '.join(TIME_UNITS_YEARS)}",
            )
        missing = set(fam.params) - set(self.params)
        extra = set(self.params) - set(fam.params)
        if missing or extra:
            raise InputError(
                f"{fam.name} needs parameters {', '.join(fam.params)}",
                field=", ".join(sorted(missing | extra)),
            )
        values = np.broadcast_arrays(
            *(np.atleast_1d(np.asarray(self.params[p], dtype=float)) for p in fam.params)
        )
        for name, pos, v in zip(fam.params, fam.positive, values, strict=True):
            if not np.all(np.isfinite(v)) or (pos and np.any(v <= 0)):
                raise InputError(
                    f"{fam.name} parameter must be {'positive' if pos else 'finite'}",
                    field=name,
                    value=v.min(),
                )
        object.__setattr__(self, "_values", tuple(v.reshape(-1) for v in values))

    @classmethod
    def from_coef(cls, family_name: str, coef, time_unit: str = "months") -> SurvivalCurve:
        """Build from fit-scale coefficients, shape ``(k,)`` or ``(n, k)``."""
        fam = family(family_name)
        natural = to_natural(fam, np.atleast_2d(coef))
        return cls(family_name, dict(zip(fam.params, natural.T, strict=True)), time_unit)

    @property
    def n(self) -> int:
        return self._values[0].shape[0]

    def log_survival(self, t: np.ndarray) -> np.ndarray:
        fam = FAMILIES[self.family]
        t = np.asarray(t, dtype=float)
        if t.ndim == 1:
            t = t[None, :]
        out = fam.log_survival(t, *(v[:, None] for v in self._values))
        return np.broadcast_to(out, np.broadcast_shapes(out.shape, (self.n, 1)))

    def log_hazard(self, t) -> np.ndarray:
        t = np.atleast_1d(np.asarray(t, dtype=float))[None, :]
        return FAMILIES[self.family].log_hazard(t, *(v[:, None] for v in self._values))


@dataclass(frozen=True, eq=False)
class ProportionalHazards(Curve):
    """``base`` with its hazard multiplied by ``hr`` (one per draw): S(t) = S_base(t)^hr."""

    base: Curve
    hr: np.ndarray

    def __post_init__(self) -> None:
        hr = np.atleast_1d(np.asarray(self.hr, dtype=float))
        if np.any(hr <= 0) or not np.all(np.isfinite(hr)):
            raise InputError("hazard ratio must be positive", field="hr", value=hr.min())
        object.__setattr__(self, "hr", hr)

    @property
    def time_unit(self) -> str:  # type: ignore[override]
        return self.base.time_unit

    @property
    def n(self) -> int:  # type: ignore[override]
        return max(self.base.n, self.hr.shape[0])

    def log_survival(self, t: np.ndarray) -> np.ndarray:
        return self.base.log_survival(t) * self.hr[:, None]
