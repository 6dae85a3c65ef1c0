"""The base case: every parameter at its point estimate; costs, LYs, QALYs, ICERs and NMB."""

from __future__ import annotations

import warnings

from rltcare.economics.icer import IncrementalTable, incremental, net_monetary_benefit
from rltcare.economics.model import CurveCrossingWarning, Model
from rltcare.result import Result


class StrategyResult(Result):
    strategy: str
    cost: float
    qalys: float
    life_years: float
    net_monetary_benefit: float
    curves_crossed: bool


class DeterministicResult(Result):
    """Base-case results per strategy, the incremental table and any warnings raised."""

    title: str
    currency: str
    wtp: float
    strategies: list[StrategyResult]
    incremental: IncrementalTable
    warnings: list[str]

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            (
                s.strategy,
                f"cost {s.cost:,.0f} {self.currency}, QALYs {s.qalys:.3f}, LYs {s.life_years:.3f}, "
                f"NMB {s.net_monetary_benefit:,.0f}",
            )
            for s in self.strategies
        ]
        return rows + self.incremental.summary_rows() + [("warning", w) for w in self.warnings]


def run_deterministic(model: Model) -> DeterministicResult:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CurveCrossingWarning)
        out = model.evaluate(model.base_values(), 1)
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=2)
    nmb = net_monetary_benefit(out.costs[0], out.qalys[0], model.wtp)
    strategies = [
        StrategyResult(
            strategy=name,
            cost=float(out.costs[0, j]),
            qalys=float(out.qalys[0, j]),
            life_years=float(out.life_years[0, j]),
            net_monetary_benefit=float(nmb[j]),
            curves_crossed=bool(out.crossed[0, j]),
        )
        for j, name in enumerate(out.strategies)
    ]
    return DeterministicResult(
        title=model.title,
        currency=model.currency,
        wtp=model.wtp,
        strategies=strategies,
        incremental=incremental(out.strategies, out.costs[0], out.qalys[0]),
        warnings=[str(w.message) for w in caught],
    )
