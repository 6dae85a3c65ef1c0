"""Incremental cost-effectiveness analysis across several strategies, and net monetary benefit.

The frontier is found in the usual two steps (Drummond et al., Methods for the Economic
Evaluation of Health Care Programmes, 4th ed., ch. 4):

1. **Strict dominance**: a strategy is dominated when another costs no more and yields
   at least as much, one of them strictly (exact ties keep the first listed).
2. **Extended dominance**: among the rest, sorted by cost, a strategy whose ICER versus
   the previous one exceeds the next strategy's ICER is removed (a mix of its neighbours
   would do better); repeat until the ICERs increase along the frontier.

ICERs on the frontier compare each strategy with the previous one on the frontier.
"""

from __future__ import annotations

import itertools

import numpy as np

from rltcare.errors import InputError
from rltcare.result import Result

REFERENCE, FRONTIER = "reference", "non-dominated"
DOMINATED, EXTENDED = "dominated", "extendedly dominated"


class IncrementalRow(Result):
    strategy: str
    cost: float
    effect: float
    status: str
    compared_with: str | None = None
    incremental_cost: float | None = None
    incremental_effect: float | None = None
    icer: float | None = None
    dominated_by: str | None = None


class IncrementalTable(Result):
    """Strategies ordered by cost, with dominance status and ICERs along the frontier."""

    rows: list[IncrementalRow]

    @property
    def frontier(self) -> list[str]:
        return [r.strategy for r in self.rows if r.status in (REFERENCE, FRONTIER)]

    def summary_rows(self) -> list[tuple[str, str]]:
        out = []
        for r in self.rows:
            detail = r.status
            if r.icer is not None:
                detail += f", ICER {r.icer:,.0f} vs {r.compared_with}"
            if r.dominated_by:
                detail += f" by {r.dominated_by}"
            out.append((r.strategy, f"cost {r.cost:,.0f}, effect {r.effect:.3f}: {detail}"))
        return out


def incremental(names, costs, effects) -> IncrementalTable:
    """Classify strategies (strict and extended dominance) and compute frontier ICERs."""
    names = list(names)
    c = np.asarray(costs, dtype=float)
    e = np.asarray(effects, dtype=float)
    if not (len(names) == c.size == e.size) or len(names) < 1:
        raise InputError("need one cost and one effect per strategy", field="strategies")
    if len(set(names)) != len(names):
        raise InputError("strategy names must be unique", field="strategies")
    order = sorted(range(len(names)), key=lambda i: (c[i], -e[i], i))
    status: dict[int, str] = {}
    by: dict[int, str] = {}
    for i in order:
        for j in order:
            if j == i:
                continue
            no_worse = c[j] <= c[i] and e[j] >= e[i]
            better = c[j] < c[i] or e[j] > e[i] or (j < i and c[j] == c[i] and e[j] == e[i])
            if no_worse and better:
                status[i], by[i] = DOMINATED, names[j]
                break
    frontier = [i for i in order if i not in status]
    while len(frontier) > 2:
        icers = [(c[b] - c[a]) / (e[b] - e[a]) for a, b in itertools.pairwise(frontier)]
        bad = next((k for k in range(len(icers) - 1) if icers[k] > icers[k + 1]), None)
        if bad is None:
            break
        gone = frontier.pop(bad + 1)
        status[gone] = EXTENDED
        by[gone] = f"{names[frontier[bad]]} and {names[frontier[bad + 1]]}"
    rows = []
    prev = None
    for i in order:
        if i in status:
            rows.append(
                IncrementalRow(
                    strategy=names[i], cost=c[i], effect=e[i], status=status[i], dominated_by=by[i]
                )
            )
            continue
        if prev is None:
            rows.append(IncrementalRow(strategy=names[i], cost=c[i], effect=e[i], status=REFERENCE))
        else:
            dc, de = c[i] - c[prev], e[i] - e[prev]
            rows.append(
                IncrementalRow(
                    strategy=names[i],
                    cost=c[i],
                    effect=e[i],
                    status=FRONTIER,
                    compared_with=names[prev],
                    incremental_cost=dc,
                    incremental_effect=de,
                    icer=dc / de,
                )
            )
        prev = i
    return IncrementalTable(rows=rows)


def net_monetary_benefit(costs, effects, wtp) -> np.ndarray:
    """NMB = λ · effect − cost; broadcasts (e.g. costs (n, S) with λ of shape (L, 1, 1))."""
    return np.asarray(wtp, dtype=float) * np.asarray(effects) - np.asarray(costs)
