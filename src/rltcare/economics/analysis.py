"""One call for a whole analysis: base case, tornado, PSA and budget impact, as the CLI,
the API and the report use it."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from rltcare.economics.budget_impact import BudgetImpact, budget_impact
from rltcare.economics.deterministic import DeterministicResult, run_deterministic
from rltcare.economics.model import CurveCrossingWarning, Model
from rltcare.economics.owsa import Tornado, one_way
from rltcare.economics.psa import PSARun, PSASummary, run_psa, summarise
from rltcare.result import Result


class AnalysisResult(Result):
    """Everything a model run reports (JSON of ``rltcare economics run``, API answer)."""

    model: dict[str, Any]
    deterministic: DeterministicResult
    tornado: Tornado | None = None
    psa: PSASummary | None = None
    budget_impact: BudgetImpact | None = None

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = self.deterministic.summary_rows()
        for part in (self.budget_impact, self.psa):
            if part is not None:
                rows += part.summary_rows()
        return rows


@dataclass(frozen=True)
class Run:
    """An analysis with its per-iteration PSA arrays (for plots)."""

    model: Model
    base: DeterministicResult
    tornado: Tornado | None = None
    psa: PSARun | None = None
    psa_summary: PSASummary | None = None
    budget: BudgetImpact | None = None

    def result(self) -> AnalysisResult:
        m = self.model
        return AnalysisResult(
            model={"title": m.title, "currency": m.currency, "wtp": m.wtp, **dict(m.meta)},
            deterministic=self.base,
            tornado=self.tornado,
            psa=self.psa_summary,
            budget_impact=self.budget,
        )


def analyse(model: Model, psa: int = 0, seed: int = 1, scheduler: str | None = None) -> Run:
    """Run everything the model asks for; curve crossings are reported in the results."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CurveCrossingWarning)
        base = run_deterministic(model)
        tornado = one_way(model) if len(model.names) > 1 and model.varied() else None
        psa_run = run_psa(model, psa, seed, scheduler=scheduler) if psa else None
    return Run(
        model=model,
        base=base,
        tornado=tornado,
        psa=psa_run,
        psa_summary=summarise(psa_run, model.wtp) if psa_run else None,
        budget=budget_impact(model, **model.budget_inputs) if model.budget_inputs else None,
    )
