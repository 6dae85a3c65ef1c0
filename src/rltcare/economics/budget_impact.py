"""Budget impact: eligible patients × uptake over the years × costs per patient, per country.

Follows the ISPOR good-practice principles for budget impact analysis (Sullivan SD et al.
Value Health 2014;17:5-14): a payer's budget per calendar year, undiscounted, comparing
the current mix of treatments with a new mix. Each year's newly eligible patients form a
cohort; a cohort started in year c costs, in calendar year y, the undiscounted cost that
the partitioned survival model assigns to its year y − c. The eligible numbers are an
input (later: the national demand model's estimate).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from rltcare.economics.model import Model
from rltcare.errors import InputError
from rltcare.result import Result


class BudgetYear(Result):
    year: int
    eligible: float
    current: float
    new: float
    difference: float


class BudgetImpact(Result):
    """Total cost per calendar year under the current and the new mix, and the difference."""

    currency: str
    years: list[BudgetYear]
    total_difference: float
    source: str = ""

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            (
                f"year {y.year}",
                f"current {y.current:,.0f}, new {y.new:,.0f}, difference {y.difference:+,.0f} {self.currency}",
            )
            for y in self.years
        ]
        return [*rows, ("total difference", f"{self.total_difference:+,.0f} {self.currency}")]


def yearly_costs(model: Model, years: int) -> np.ndarray:
    """Undiscounted base-case cost per patient in each year since starting, (S, years)."""
    out = model.evaluate(model.base_values(), 1, warn=False, keep_cycle_costs=True)
    starts = model.settings.grid.times[:-1]
    year = np.floor(starts + 1e-9).astype(int)
    costs = np.zeros((len(model.names), years))
    keep = year < years
    np.add.at(costs, (slice(None), year[keep]), out.cycle_costs[0][:, keep])
    return costs


def shares(
    mix: Mapping[str, list[float]], names: tuple[str, ...], years: int, field: str
) -> np.ndarray:
    unknown = set(mix) - set(names)
    if unknown:
        raise InputError(
            f"unknown strategy '{sorted(unknown)[0]}'",
            field=field,
            hint=f"strategies: {', '.join(names)}",
        )
    out = np.zeros((years, len(names)))
    for j, name in enumerate(names):
        values = mix.get(name, [0.0] * years)
        if len(values) != years:
            raise InputError(
                f"'{name}' needs one share per year ({years})", field=f"{field}.{name}"
            )
        out[:, j] = values
    if np.any(out < 0) or not np.allclose(out.sum(axis=1), 1.0, atol=1e-6):
        raise InputError("shares must be ≥ 0 and sum to 1 in every year", field=field)
    return out


def budget_impact(
    model: Model,
    eligible: list[float],
    current: Mapping[str, list[float]],
    new: Mapping[str, list[float]],
    source: str = "",
) -> BudgetImpact:
    """Budget impact over ``len(eligible)`` years for the current versus the new mix."""
    years = len(eligible)
    n_new = np.asarray(eligible, dtype=float)
    if years < 1 or np.any(n_new < 0):
        raise InputError(
            "eligible patients must be a list of non-negative numbers, one per year",
            field="eligible",
        )
    per_patient = yearly_costs(model, years)  # (S, years since start)
    totals = {}
    for label, mix in (("current", current), ("new", new)):
        mix_shares = shares(mix, model.names, years, f"budget_impact.{label}")
        cohort_cost = mix_shares @ per_patient  # (cohort year, years since start)
        total = np.zeros(years)
        for c in range(years):
            total[c:] += n_new[c] * cohort_cost[c, : years - c]
        totals[label] = total
    rows = [
        BudgetYear(
            year=y + 1,
            eligible=float(n_new[y]),
            current=float(totals["current"][y]),
            new=float(totals["new"][y]),
            difference=float(totals["new"][y] - totals["current"][y]),
        )
        for y in range(years)
    ]
    return BudgetImpact(
        currency=model.currency,
        years=rows,
        total_difference=float(sum(r.difference for r in rows)),
        source=source,
    )
