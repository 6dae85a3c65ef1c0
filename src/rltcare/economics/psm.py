"""Partitioned survival model: state membership from nested survival curves, then costs and QALYs.

Shapes: ``n`` draws (PSA iterations, or one), ``S`` strategies, ``E`` alive states,
``K`` cycles (``K + 1`` time points ``t₀ = 0 … t_K = horizon``).

State membership. The curves of a strategy are ordered from the earliest endpoint to
overall survival (PFS, …, OS). Alive state j holds ``C_j(t) − C_{j−1}(t)`` (``C_{−1} = 0``);
dead holds ``1 − OS(t)``. **Constraint when curves cross:** an inner curve above an outer
one is impossible (progression-free cannot exceed alive), so each curve is capped by the
next, ``C_j ← min(C_j, C_{j+1})``, working inwards from OS; the crossing is counted and
reported (``crossed``, when larger than ``CROSSING_TOLERANCE``) so the caller can warn. **Background mortality:** with a general
population survival ``G(t)``, the per-cycle conditional survival of OS is capped,
``OS_{k+1}/OS_k ≤ G_{k+1}/G_k`` (the model hazard is never below the population's).

Accumulation. A quantity accruing at a yearly rate ``q`` per member is integrated as
``Σ_k w_k · P(t_k) · q`` with point weights ``w`` (years, discounted by
``(1 + r)^(−t)``):

- ``none``: ``w_k = Δ_k D(t_k)`` for k < K (state at the start of each cycle);
- ``half-cycle``: trapezoid on the discounted integrand, ``w_k = ½(Δ_{k−1} + Δ_k) D(t_k)``
  (the classic half-cycle correction: half of the first and last point);
- ``life-table``: each cycle holds the mean of its end points, discounted at its midpoint,
  ``w_k = ½ Δ_k D(m_k) + ½ Δ_{k−1} D(m_{k−1})``.

Deaths in cycle k (``OS_k − OS_{k+1}``) carry the end-of-life cost, discounted at ``m_k``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from rltcare.economics.survival_models import TIME_UNITS_YEARS, Curve, ProportionalHazards
from rltcare.errors import InputError

CORRECTIONS = ("half-cycle", "life-table", "none")
# Crossings smaller than this (0.01 percentage points, e.g. far in the tails) are capped
# without being reported.
CROSSING_TOLERANCE = 1e-4


@dataclass(frozen=True)
class TimeGrid:
    """Cycle boundaries in years; the last cycle is shortened to end at the horizon."""

    cycle_years: float
    horizon_years: float

    def __post_init__(self) -> None:
        if not self.cycle_years > 0:
            raise InputError("cycle length must be positive", field="cycle")
        if self.horizon_years < self.cycle_years * (1 - 1e-9):
            raise InputError(
                f"horizon ({self.horizon_years:.4g} years) is shorter than one cycle "
                f"({self.cycle_years:.4g} years)",
                field="horizon",
                hint="lengthen the horizon or shorten the cycle",
            )

    @property
    def n_cycles(self) -> int:
        return math.ceil(self.horizon_years / self.cycle_years - 1e-9)

    @property
    def times(self) -> np.ndarray:
        t = np.arange(self.n_cycles + 1) * self.cycle_years
        t[-1] = self.horizon_years
        return t

    @property
    def widths(self) -> np.ndarray:
        return np.diff(self.times)

    @property
    def midpoints(self) -> np.ndarray:
        t = self.times
        return 0.5 * (t[1:] + t[:-1])


def discount(t_years: np.ndarray, rate: float) -> np.ndarray:
    """Discount factor (1 + r)^(−t), continuous in t."""
    return (1.0 + rate) ** -np.asarray(t_years, dtype=float)


def point_weights(grid: TimeGrid, rate: float, correction: str = "half-cycle") -> np.ndarray:
    """Weights (years) that turn state membership at the K + 1 time points into integrals."""
    t, dt, mid = grid.times, grid.widths, grid.midpoints
    w = np.zeros_like(t)
    if correction == "none":
        w[:-1] = dt * discount(t[:-1], rate)
    elif correction == "half-cycle":
        w[:-1] += 0.5 * dt
        w[1:] += 0.5 * dt
        w *= discount(t, rate)
    elif correction == "life-table":
        half = 0.5 * dt * discount(mid, rate)
        w[:-1] += half
        w[1:] += half
    else:
        raise InputError(
            f"unknown cycle correction '{correction}'",
            field="correction",
            hint=f"one of {', '.join(CORRECTIONS)}",
        )
    return w


def schedule_factor(count: np.ndarray, interval_years: float, rate: float) -> np.ndarray:
    """Σ_j min(1, count − j)⁺ D(j · interval): discounted number of repeated administrations.

    A fractional mean count (say 4.6 doses) bears the fraction at its last administration.
    """
    count = np.atleast_1d(np.asarray(count, dtype=float))
    j = np.arange(int(np.ceil(count.max())) if count.size else 0)
    share = np.clip(count[:, None] - j[None, :], 0.0, 1.0)
    return share @ discount(j * interval_years, rate)


@dataclass(frozen=True)
class StrategyInputs:
    """One strategy's curves (inner → OS) and per-draw inputs; arrays broadcast to ``(n,)``.

    ``state_cost_per_year`` and ``utility`` have shape ``(n, E)`` (or ``(E,)``); costs are
    yearly rates per member of the state, utilities are yearly QALY weights.
    ``upfront_cost`` is paid at t = 0; ``scheduled`` holds (cost per event, count,
    interval in years) for repeated administrations; ``death_cost`` is paid at death;
    ``qaly_adjustment`` is a one-off QALY change at t = 0 (e.g. adverse-event disutility).
    """

    name: str
    curves: tuple[Curve, ...]
    state_cost_per_year: np.ndarray
    utility: np.ndarray
    upfront_cost: np.ndarray | float = 0.0
    scheduled: tuple[tuple[np.ndarray, np.ndarray, float], ...] = ()
    death_cost: np.ndarray | float = 0.0
    qaly_adjustment: np.ndarray | float = 0.0


@dataclass(frozen=True)
class Settings:
    grid: TimeGrid
    discount_costs: float = 0.0
    discount_effects: float = 0.0
    correction: str = "half-cycle"
    background_survival: np.ndarray | None = None  # G(t) at grid.times, G(0) = 1


@dataclass(frozen=True)
class Outcomes:
    """Per draw and strategy: discounted costs and QALYs, life years (undiscounted)."""

    strategies: tuple[str, ...]
    costs: np.ndarray  # (n, S)
    qalys: np.ndarray  # (n, S)
    life_years: np.ndarray  # (n, S), undiscounted
    crossed: np.ndarray  # (n, S) True where an inner curve exceeded an outer one
    membership: np.ndarray | None = field(default=None, repr=False)  # (n, S, E + 1, K + 1)
    cycle_costs: np.ndarray | None = field(default=None, repr=False)  # (n, S, K), undiscounted


def _log_survival(curve: Curve, t_years: np.ndarray, cache: dict) -> np.ndarray:
    """log S at ``t_years``, computing a curve shared by several strategies only once."""
    key = id(curve)
    if key not in cache:
        if isinstance(curve, ProportionalHazards):
            cache[key] = _log_survival(curve.base, t_years, cache) * curve.hr[:, None]
        else:
            cache[key] = curve.log_survival(t_years / TIME_UNITS_YEARS[curve.time_unit])
    return cache[key]


def _constrain(c: np.ndarray, background: np.ndarray | None) -> np.ndarray:
    """Cap curves (n, E, K+1), inner → OS, in place: background mortality, then nesting.

    Returns, per draw, the largest amount by which an inner curve exceeded an outer one.
    """
    if background is not None:
        os_ = c[:, -1]
        with np.errstate(divide="ignore", invalid="ignore"):
            cond = np.where(os_[:, :-1] > 0, os_[:, 1:] / os_[:, :-1], 0.0)
        g = background
        cap = np.where(g[:-1] > 0, g[1:] / np.where(g[:-1] > 0, g[:-1], 1.0), 0.0)
        np.minimum(cond, cap, out=cond)
        np.cumprod(cond, axis=-1, out=cond)
        os_[:, 1:] = cond * os_[:, :1]
    excess = np.zeros(c.shape[0])
    for j in range(c.shape[1] - 2, -1, -1):
        np.maximum(excess, (c[:, j] - c[:, j + 1]).max(axis=-1), out=excess)
        np.minimum(c[:, j], c[:, j + 1], out=c[:, j])
    return excess


def membership(curves: np.ndarray) -> np.ndarray:
    """Constrained curves (n, E, K+1) → state membership (n, E+1, K+1), dead last."""
    states = np.diff(curves, axis=1, prepend=0.0)
    return np.concatenate([states, 1.0 - curves[:, -1:]], axis=1)


def _as_rows(x, n: int, e: int | None = None) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    shape = (n,) if e is None else (n, e)
    if e is not None and a.ndim == 1:
        a = a[None, :]
    return np.broadcast_to(a, shape)


def _cycle_costs(s: StrategyInputs, surv: np.ndarray, grid: TimeGrid, n: int) -> np.ndarray:
    """Undiscounted costs falling in each cycle (n, K), for budget impact.

    State costs use each cycle's mean membership (life-table style); a dose falls in the
    cycle containing its time; upfront costs in the first cycle; deaths in their cycle.
    """
    e = surv.shape[1]
    area = np.diff(0.5 * (surv[..., 1:] + surv[..., :-1]) * grid.widths, axis=1, prepend=0.0)
    out = np.einsum("ne,nek->nk", _as_rows(s.state_cost_per_year, n, e), area)
    os_ = surv[:, -1]
    out += _as_rows(s.death_cost, n)[:, None] * (os_[:, :-1] - os_[:, 1:])
    out[:, 0] += _as_rows(s.upfront_cost, n)
    for per_event, count, interval in s.scheduled:
        count = _as_rows(count, n)
        j = np.arange(int(np.ceil(count.max())) if count.size else 0)
        share = np.clip(count[:, None] - j[None, :], 0.0, 1.0) * _as_rows(per_event, n)[:, None]
        cycle = np.clip(
            np.searchsorted(grid.times, j * interval, side="right") - 1, 0, grid.n_cycles - 1
        )
        np.add.at(out, (slice(None), cycle), share)
    return out


def run(
    strategies: list[StrategyInputs],
    settings: Settings,
    n: int,
    keep_membership: bool = False,
    keep_cycle_costs: bool = False,
) -> Outcomes:
    """Evaluate every strategy for ``n`` draws at once."""
    grid = settings.grid
    t = grid.times
    weights = np.stack(
        [
            point_weights(grid, rate, settings.correction)
            for rate in (settings.discount_costs, settings.discount_effects, 0.0)
        ],
        axis=1,
    )
    death_w = discount(grid.midpoints, settings.discount_costs)
    costs, qalys, lys, crossed, members, streams = [], [], [], [], [], []
    cache: dict = {}
    for s in strategies:
        e = len(s.curves)
        surv = np.empty((n, e, len(t)))
        for j, curve in enumerate(s.curves):
            np.exp(_log_survival(curve, t, cache), out=surv[:, j])
        cross = _constrain(surv, settings.background_survival) > CROSSING_TOLERANCE
        # Alive state j is C_j − C_{j−1}, so its integral is the difference of the curves'.
        area = np.diff(surv @ weights, axis=1, prepend=0.0)  # (n, E, 3): costs, effects, LY
        os_ = surv[:, -1]
        deaths = os_[:, :-1] - os_[:, 1:]
        cost = (
            np.sum(_as_rows(s.state_cost_per_year, n, e) * area[..., 0], axis=1)
            + _as_rows(s.upfront_cost, n)
            + _as_rows(s.death_cost, n) * (deaths @ death_w)
        )
        for per_event, count, interval in s.scheduled:
            cost = cost + _as_rows(per_event, n) * schedule_factor(
                _as_rows(count, n), interval, settings.discount_costs
            )
        qaly = np.sum(_as_rows(s.utility, n, e) * area[..., 1], axis=1)
        costs.append(cost)
        qalys.append(qaly + _as_rows(s.qaly_adjustment, n))
        lys.append(area[..., 2].sum(axis=1))
        crossed.append(cross)
        if keep_membership:
            members.append(membership(surv))
        if keep_cycle_costs:
            streams.append(_cycle_costs(s, surv, grid, n))
    return Outcomes(
        strategies=tuple(s.name for s in strategies),
        costs=np.stack(costs, axis=1),
        qalys=np.stack(qalys, axis=1),
        life_years=np.stack(lys, axis=1),
        crossed=np.stack(crossed, axis=1),
        membership=np.stack(members, axis=1) if keep_membership else None,
        cycle_costs=np.stack(streams, axis=1) if keep_cycle_costs else None,
    )
