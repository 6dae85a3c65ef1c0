"""Deterministic one-way sensitivity analysis (tornado): each parameter at its low and high value.

Low and high are the parameter's 95% interval unless the model gives them. All 2P + 1
value sets (base first) are evaluated in one vectorised call.
"""

from __future__ import annotations

import numpy as np

from rltcare.economics.icer import net_monetary_benefit
from rltcare.economics.model import Model
from rltcare.result import Result


class TornadoBar(Result):
    parameter: str
    low_value: float
    high_value: float
    outcome_at_low: float
    outcome_at_high: float

    @property
    def swing(self) -> float:
        return abs(self.outcome_at_high - self.outcome_at_low)


class Tornado(Result):
    """Bars sorted by swing, largest first; outcome is the incremental NMB (or ICER)."""

    outcome: str
    comparison: str
    base: float
    bars: list[TornadoBar]

    def summary_rows(self) -> list[tuple[str, str]]:
        return [("base " + self.outcome, f"{self.base:,.0f}")] + [
            (b.parameter, f"{b.outcome_at_low:,.0f} … {b.outcome_at_high:,.0f}") for b in self.bars
        ]


def one_way(
    model: Model,
    strategy: str | None = None,
    comparator: str | None = None,
    outcome: str = "inmb",
    bounds: dict[str, tuple[float, float]] | None = None,
) -> Tornado:
    """Tornado of ``strategy`` versus ``comparator`` (default: last versus first strategy).

    ``outcome`` is ``"inmb"`` (incremental net monetary benefit at the model's WTP) or
    ``"icer"``.
    """
    names = model.names
    j = names.index(strategy) if strategy else len(names) - 1
    r = names.index(comparator) if comparator else 0
    params = model.varied()
    bounds = dict(bounds or {})
    base = model.base_values()
    n = 2 * len(params) + 1
    values = {k: np.repeat(v, n, axis=0) for k, v in base.items()}
    lows, highs = [], []
    for i, p in enumerate(params):
        lo, hi = bounds.get(p) or model.parameters[p].interval(0.95)
        values[p][1 + 2 * i] = lo
        values[p][2 + 2 * i] = hi
        lows.append(lo)
        highs.append(hi)
    out = model.evaluate(values, n, warn=False)
    dc = out.costs[:, j] - out.costs[:, r]
    dq = out.qalys[:, j] - out.qalys[:, r]
    if outcome == "icer":
        with np.errstate(divide="ignore", invalid="ignore"):
            y = dc / dq
    else:
        y = net_monetary_benefit(dc, dq, model.wtp)
    bars = [
        TornadoBar(
            parameter=p,
            low_value=float(lows[i]),
            high_value=float(highs[i]),
            outcome_at_low=float(y[1 + 2 * i]),
            outcome_at_high=float(y[2 + 2 * i]),
        )
        for i, p in enumerate(params)
    ]
    bars.sort(key=lambda b: -b.swing if np.isfinite(b.swing) else -np.inf)
    return Tornado(
        outcome=outcome, comparison=f"{names[j]} vs {names[r]}", base=float(y[0]), bars=bars
    )
