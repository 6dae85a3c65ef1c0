"""Probabilistic sensitivity analysis: Monte Carlo over every input, vectorised and chunked.

Iterations are split into chunks of ``CHUNK`` (fixed, whatever the number of workers);
chunk i draws from ``SeedSequence(seed).spawn(n_chunks)[i]``. Run in-process or on Dask,
a seed therefore gives identical draws and identical results.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from rltcare.economics.icer import net_monetary_benefit
from rltcare.economics.model import CurveCrossingWarning, Model
from rltcare.economics.voi import evpi
from rltcare.errors import InputError
from rltcare.result import Result

CHUNK = 1000


@dataclass(frozen=True)
class PSARun:
    """Per-iteration outcomes, (n, S) each."""

    strategies: tuple[str, ...]
    costs: np.ndarray
    qalys: np.ndarray
    life_years: np.ndarray
    crossed: np.ndarray
    seed: int

    @property
    def n(self) -> int:
        return self.costs.shape[0]


def _chunk(model: Model, size: int, seed_seq: np.random.SeedSequence):
    rng = np.random.default_rng(seed_seq)
    out = model.evaluate(model.sample(size, rng), size, warn=False)
    return out.costs, out.qalys, out.life_years, out.crossed


def run_psa(model: Model, n: int, seed: int = 1, scheduler: str | None = None) -> PSARun:
    """``n`` PSA iterations. ``scheduler`` runs the chunks on Dask ("threads", "processes",
    "synchronous", or a ``distributed.Client``'s default when "distributed")."""
    if n < 1:
        raise InputError("the number of PSA iterations must be at least 1", field="psa", value=n)
    sizes = [CHUNK] * (n // CHUNK) + ([n % CHUNK] if n % CHUNK else [])
    children = np.random.SeedSequence(seed).spawn(len(sizes))
    if scheduler is None:
        parts = [_chunk(model, k, c) for k, c in zip(sizes, children, strict=True)]
    else:
        import dask

        tasks = [dask.delayed(_chunk)(model, k, c) for k, c in zip(sizes, children, strict=True)]
        kwargs = {} if scheduler == "distributed" else {"scheduler": scheduler}
        parts = list(dask.compute(*tasks, **kwargs))
    costs, qalys, lys, crossed = (np.concatenate(x, axis=0) for x in zip(*parts, strict=True))
    for j, name in enumerate(model.names):
        share = crossed[:, j].mean()
        if share > 0:
            warnings.warn(
                f"strategy '{name}': an inner curve exceeded overall survival in {share:.1%} "
                "of PSA iterations; it was capped at the outer curve",
                CurveCrossingWarning,
                stacklevel=2,
            )
    return PSARun(model.names, costs, qalys, lys, crossed, seed)


def ceac(costs: np.ndarray, qalys: np.ndarray, wtp) -> np.ndarray:
    """P(strategy has the highest NMB) for each λ: shape (L, S)."""
    lam = np.atleast_1d(np.asarray(wtp, dtype=float))[:, None, None]
    best = net_monetary_benefit(costs[None], qalys[None], lam).argmax(axis=2)  # (L, n)
    s = costs.shape[1]
    return np.stack([(best == j).mean(axis=1) for j in range(s)], axis=1)


def frontier(costs: np.ndarray, qalys: np.ndarray, wtp) -> tuple[np.ndarray, np.ndarray]:
    """Acceptability frontier: the strategy with the highest expected NMB at each λ, and the
    probability that it is the most cost-effective."""
    lam = np.atleast_1d(np.asarray(wtp, dtype=float))
    optimal = net_monetary_benefit(
        costs.mean(axis=0)[None], qalys.mean(axis=0)[None], lam[:, None]
    ).argmax(axis=1)
    probs = ceac(costs, qalys, lam)
    return optimal, probs[np.arange(len(lam)), optimal]


class StrategySummary(Result):
    strategy: str
    cost_mean: float
    cost_low: float
    cost_high: float
    qalys_mean: float
    qalys_low: float
    qalys_high: float
    life_years_mean: float
    prob_cost_effective: float


class PSASummary(Result):
    """PSA means with 95% intervals, CEAC, frontier and EVPI over a grid of λ."""

    iterations: int
    seed: int
    wtp: float
    strategies: list[StrategySummary]
    wtp_grid: list[float]
    ceac: list[list[float]]
    frontier_strategy: list[str]
    frontier_probability: list[float]
    evpi: list[float]
    evpi_at_wtp: float
    crossed_share: list[float]

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [("iterations", str(self.iterations)), ("seed", str(self.seed))]
        for s in self.strategies:
            rows.append(
                (
                    s.strategy,
                    f"cost {s.cost_mean:,.0f} ({s.cost_low:,.0f}–{s.cost_high:,.0f}), QALYs "
                    f"{s.qalys_mean:.3f} ({s.qalys_low:.3f}–{s.qalys_high:.3f}), "
                    f"P(cost-effective) {s.prob_cost_effective:.1%}",
                )
            )
        rows.append(("EVPI per patient at WTP", f"{self.evpi_at_wtp:,.0f}"))
        return rows


def summarise(run: PSARun, wtp: float, wtp_grid=None) -> PSASummary:
    grid = np.asarray(wtp_grid if wtp_grid is not None else np.linspace(0, 3 * max(wtp, 1.0), 61))
    probs = ceac(run.costs, run.qalys, grid)
    at = ceac(run.costs, run.qalys, [wtp])[0]
    opt, fprob = frontier(run.costs, run.qalys, grid)
    q = np.percentile
    return PSASummary(
        iterations=run.n,
        seed=run.seed,
        wtp=wtp,
        strategies=[
            StrategySummary(
                strategy=name,
                cost_mean=float(run.costs[:, j].mean()),
                cost_low=float(q(run.costs[:, j], 2.5)),
                cost_high=float(q(run.costs[:, j], 97.5)),
                qalys_mean=float(run.qalys[:, j].mean()),
                qalys_low=float(q(run.qalys[:, j], 2.5)),
                qalys_high=float(q(run.qalys[:, j], 97.5)),
                life_years_mean=float(run.life_years[:, j].mean()),
                prob_cost_effective=float(at[j]),
            )
            for j, name in enumerate(run.strategies)
        ],
        wtp_grid=grid.tolist(),
        ceac=probs.tolist(),
        frontier_strategy=[run.strategies[i] for i in opt],
        frontier_probability=fprob.tolist(),
        evpi=evpi(run.costs, run.qalys, grid).tolist(),
        evpi_at_wtp=float(evpi(run.costs, run.qalys, [wtp])[0]),
        crossed_share=run.crossed.mean(axis=0).tolist(),
    )
