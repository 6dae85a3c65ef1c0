"""Experiment results as frozen, JSON-ready objects: every KPI with its 95 % confidence interval."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from rltcare.capacity import experiment
from rltcare.capacity.labels import label
from rltcare.capacity.model import ServiceModel
from rltcare.result import Result


class KpiEstimate(Result):
    """Mean over replications, standard deviation and Student-t 95 % CI (None when undefined)."""

    mean: float | None
    sd: float | None
    low: float | None
    high: float | None
    n: int

    @classmethod
    def of(cls, s: experiment.Summary) -> KpiEstimate:
        def clean(x: float) -> float | None:
            return None if x is None or not np.isfinite(x) else float(x)

        return cls(mean=clean(s.mean), sd=clean(s.sd), low=clean(s.low), high=clean(s.high), n=s.n)

    def text(self) -> str:
        if self.mean is None:
            return "—"
        if self.low is None:
            return _number(self.mean)
        return f"{_number(self.mean)} ({_number(self.low)} to {_number(self.high)})"


def _number(x: float) -> str:
    """Three significant figures without exponents for the sizes a service has."""
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


class SimulationResult(Result):
    """What ``rltcare simulate`` reports: the run's settings and every KPI with its CI."""

    title: str
    seed: int
    replications: int
    horizon_h: float
    warm_up_h: float
    step_h: float
    events: int
    runtime_s: float
    kpis: dict[str, KpiEstimate]
    weekly_mean: dict[str, list[float | None]]

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("scenario", self.title),
            ("replications", str(self.replications)),
            ("seed", str(self.seed)),
        ]
        rows += [(label(name), k.text()) for name, k in self.kpis.items()]
        return rows


class ComparisonResult(Result):
    """Scenarios side by side, and each one's paired difference from the first."""

    scenarios: list[SimulationResult]
    differences: dict[str, dict[str, KpiEstimate]]

    def summary_rows(self) -> list[tuple[str, str]]:
        base = self.scenarios[0].title
        rows = [("baseline", base)]
        for title, diffs in self.differences.items():
            for name, k in diffs.items():
                rows.append((f"{title} − {base}: {label(name)}", k.text()))
        return rows


def simulation_result(
    model: ServiceModel,
    seed: int,
    reps: Sequence[experiment.Replication],
    started: float,
    title: str | None = None,
) -> SimulationResult:
    series_names = list(reps[0].series)
    weekly = {}
    for name in series_names:
        stacked = np.vstack([r.series[name] for r in reps])
        means = np.nanmean(np.where(np.isfinite(stacked), stacked, np.nan), axis=0)
        weekly[name] = [None if not np.isfinite(x) else round(float(x), 6) for x in means]
    return SimulationResult(
        title=title or model.scenario.meta.title,
        seed=seed,
        replications=len(reps),
        horizon_h=model.horizon_h,
        warm_up_h=model.warm_up_h,
        step_h=model.step_h,
        events=sum(r.events for r in reps),
        runtime_s=round(time.perf_counter() - started, 3),
        kpis={k: KpiEstimate.of(s) for k, s in experiment.summarise_kpis(reps).items()},
        weekly_mean=weekly,
    )


def comparison_result(
    results: Sequence[SimulationResult], reps: Sequence[Sequence[experiment.Replication]]
) -> ComparisonResult:
    differences = {}
    for result, other in zip(results[1:], reps[1:], strict=True):
        diffs = experiment.paired_differences(reps[0], other)
        differences[result.title] = {k: KpiEstimate.of(s) for k, s in diffs.items()}
    return ComparisonResult(scenarios=list(results), differences=differences)
