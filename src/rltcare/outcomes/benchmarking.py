"""Centre benchmarking: funnel plots of a per-centre proportion (PSA50 rate, grade ≥3
toxicity, 12-month survival, first cycle within a target wait) around the registry-wide rate,
with 95% and 99.8% control limits; risk-adjusted as observed/expected when case mix differs.

Reference: Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
2005;24:1185-1202. Limits are exact binomial (proportions) or Poisson (observed/expected)
quantiles with the interpolation of its Appendix A.1, so that they are smooth in the
centre's size:

    r_p = F⁻¹(p; n, θ),   α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)),   limit = (r_p − α) / n
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from rltcare.errors import InputError
from rltcare.result import Result

LEVELS = (0.95, 0.998)


def binomial_limits(theta: float, n, p: float) -> np.ndarray:
    """The ``p`` quantile of a proportion out of ``n`` when the true rate is ``theta``."""
    n = np.asarray(n, dtype=float)
    dist = stats.binom(n, theta)
    r = dist.ppf(p)
    f_r, f_r1 = dist.cdf(r), dist.cdf(r - 1)
    alpha = np.where(f_r > f_r1, (f_r - p) / np.where(f_r > f_r1, f_r - f_r1, 1), 0.0)
    return (r - alpha) / n


def poisson_limits(expected, p: float) -> np.ndarray:
    """The ``p`` quantile of observed/expected when the expected count is ``expected``."""
    e = np.asarray(expected, dtype=float)
    dist = stats.poisson(e)
    r = dist.ppf(p)
    f_r, f_r1 = dist.cdf(r), dist.cdf(r - 1)
    alpha = np.where(f_r > f_r1, (f_r - p) / np.where(f_r > f_r1, f_r - f_r1, 1), 0.0)
    return (r - alpha) / e


class CentrePoint(Result):
    centre: str
    n: int
    observed: int
    expected: float | None
    value: float
    limits: dict[str, tuple[float, float]]
    signal: str


class Funnel(Result):
    indicator: str
    measure: str
    target: float
    centres: list[CentrePoint]
    curve_n: list[float]
    curve: dict[str, tuple[list[float], list[float]]]

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [("indicator", self.indicator), ("target", f"{self.target:.4g} ({self.measure})")]
        rows += [(c.centre, f"{c.value:.3f} (n={c.n}): {c.signal}") for c in self.centres]
        return rows


def funnel(
    centres: pd.DataFrame,
    *,
    indicator: str = "",
    target: float | None = None,
    levels: Sequence[float] = LEVELS,
    points: int = 100,
) -> Funnel:
    """Funnel plot data for per-centre counts.

    ``centres`` has ``centre``, ``n`` (patients) and ``events``; with an ``expected`` column
    (the sum of each patient's risk-model probability), the measure is the indirectly
    standardised ratio observed/expected around 1, with Poisson limits; otherwise the
    proportion events/n around ``target`` (default: the pooled rate), with binomial limits.
    A centre is flagged ``above``/``below`` the outermost limit it crosses.
    """
    for c in ("centre", "n", "events"):
        if c not in centres.columns:
            raise InputError(f"centre table lacks column '{c}'", field=c)
    n = centres["n"].to_numpy(dtype=float)
    ev = centres["events"].to_numpy(dtype=float)
    if (n <= 0).any() or (ev < 0).any() or (ev > n).any():
        bad = centres.index[(n <= 0) | (ev < 0) | (ev > n)][0]
        raise InputError(
            "each centre needs n > 0 and 0 ≤ events ≤ n", row=int(bad) + 1, field="events"
        )
    adjusted = "expected" in centres.columns
    if adjusted:
        size = centres["expected"].to_numpy(dtype=float)
        if (size <= 0).any():
            raise InputError("expected counts must be positive", field="expected")
        value, theta, measure = ev / size, 1.0, "observed/expected"
        limit = lambda s, p: poisson_limits(s, p)  # noqa: E731
    else:
        size = n
        theta = float(ev.sum() / n.sum()) if target is None else float(target)
        if not 0 < theta < 1:
            raise InputError(
                f"target rate {theta:g} must lie strictly between 0 and 1", field="target"
            )
        value, measure = ev / n, "proportion"
        limit = lambda s, p: binomial_limits(theta, s, p)  # noqa: E731
    bounds = {f"{lv:g}": (limit(size, (1 - lv) / 2), limit(size, (1 + lv) / 2)) for lv in levels}
    points_out = []
    for i, row in enumerate(centres.itertuples()):
        signal = "within limits"
        for lv in sorted(levels):
            lo, hi = bounds[f"{lv:g}"][0][i], bounds[f"{lv:g}"][1][i]
            if value[i] > hi:
                signal = f"above {100 * lv:g}% limit"
            elif value[i] < lo:
                signal = f"below {100 * lv:g}% limit"
        points_out.append(
            CentrePoint(
                centre=str(row.centre),
                n=int(n[i]),
                observed=int(ev[i]),
                expected=float(size[i]) if adjusted else None,
                value=float(value[i]),
                limits={k: (float(v[0][i]), float(v[1][i])) for k, v in bounds.items()},
                signal=signal,
            )
        )
    grid = np.geomspace(max(size.min() / 2, 1.0), size.max() * 1.5, points)
    grid = np.unique(grid.round(2) if adjusted else np.round(grid))  # binomial n is whole
    curve = {
        f"{lv:g}": (limit(grid, (1 - lv) / 2).tolist(), limit(grid, (1 + lv) / 2).tolist())
        for lv in levels
    }
    return Funnel(
        indicator=indicator,
        measure=measure,
        target=theta,
        centres=points_out,
        curve_n=grid.tolist(),
        curve=curve,
    )
