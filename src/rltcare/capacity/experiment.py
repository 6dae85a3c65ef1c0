"""Replications, confidence intervals, scenario comparison and sweeps.

Replication ``r`` of any scenario draws every random number from streams keyed
by (seed, r, source), so results do not depend on how many workers run them or
in which order, and scenarios compared with the same seed share common random
numbers (paired differences then have narrow intervals).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import stats

from rltcare.capacity import engine, kpis
from rltcare.capacity.model import ServiceModel, build_model
from rltcare.capacity.scenario import Scenario
from rltcare.errors import InputError

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Replication:
    """What one replication sends back: its KPIs and weekly series (never the whole event log)."""

    replication: int
    kpis: dict[str, float]
    series: dict[str, np.ndarray]
    events: int


def single_run(model: ServiceModel, seed: int, replication: int) -> Replication:
    result = engine.run(model, seed, replication)
    return Replication(replication, kpis.kpis(result), kpis.weekly_series(result), result.events)


def _batch(model: ServiceModel, seed: int, replications: Sequence[int]) -> list[Replication]:
    return [single_run(model, seed, r) for r in replications]


def run_replications(
    model: ServiceModel,
    seed: int,
    replications: int | Sequence[int],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[Replication]:
    """Run replications locally (``workers`` processes) or on a Dask cluster (``scheduler``).

    Results come back sorted by replication number and are identical whatever the
    number of workers.
    """
    todo = list(range(replications)) if isinstance(replications, int) else list(replications)
    if not todo:
        return []
    chunks = _chunks(todo, max(workers, 1) * 4 if (workers > 1 or scheduler) else len(todo))
    done: list[Replication] = []

    def collect(batch: list[Replication]) -> None:
        done.extend(batch)
        if progress:
            progress(len(done), len(todo))

    if scheduler:
        _dask(model, seed, chunks, scheduler, collect)
    elif workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(_batch, model, seed, chunk) for chunk in chunks]:
                collect(future.result())
    else:
        for r in todo:
            collect([single_run(model, seed, r)])
    return sorted(done, key=lambda rep: rep.replication)


def _chunks(items: list[int], n: int) -> list[list[int]]:
    size = max(1, math.ceil(len(items) / n))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _dask(model, seed, chunks, address, collect) -> None:
    try:
        from dask.distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise InputError("Dask is not installed", field="scheduler") from exc
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise InputError(
            f"cannot reach the Dask scheduler: {exc}", field="scheduler", value=address
        ) from None
    with client:
        futures = client.map(
            _batch, [model] * len(chunks), [seed] * len(chunks), chunks, pure=False
        )
        for future in as_completed(futures):
            collect(future.result())


@dataclass(frozen=True)
class Summary:
    """Mean, standard deviation and Student-t 95 % confidence interval over replications."""

    mean: float
    sd: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def summarise(
    values: Sequence[float], confidence: float = 0.95, *, floor: float | None = None
) -> Summary:
    """``floor`` clips the interval's low end (a count's interval never goes below 0)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return Summary(np.nan, np.nan, np.nan, np.nan, 0)
    mean = float(x.mean())
    if x.size == 1:
        return Summary(mean, np.nan, np.nan, np.nan, 1)
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, x.size - 1) * sd / math.sqrt(x.size))
    low = mean - half if floor is None else max(mean - half, floor)
    return Summary(mean, sd, low, mean + half, int(x.size))


def summarise_kpis(reps: Sequence[Replication]) -> dict[str, Summary]:
    names = list(dict.fromkeys(name for rep in reps for name in rep.kpis))
    out = {}
    for name in names:
        values = np.array([rep.kpis.get(name, np.nan) for rep in reps], dtype=float)
        # Every KPI that never goes negative (counts, waits, utilisation) keeps its CI at ≥ 0:
        # a rare count's symmetric t-interval would otherwise reach below zero.
        floor = 0.0 if np.all(values[np.isfinite(values)] >= 0) else None
        out[name] = summarise(values, floor=floor)
    return out


def paired_differences(
    base: Sequence[Replication], other: Sequence[Replication]
) -> dict[str, Summary]:
    """``other − base`` per KPI, paired by replication (common random numbers)."""
    pairs = dict(zip([r.replication for r in base], base, strict=True))
    out = {}
    for name in base[0].kpis:
        diffs = [o.kpis.get(name, np.nan) - pairs[o.replication].kpis[name] for o in other]
        out[name] = summarise(diffs)
    return out


def replications_needed(
    model: ServiceModel,
    seed: int,
    kpi: str,
    *,
    precision: float = 0.05,
    initial: int = 3,
    k_limit: int = 5,
    maximum: int = 200,
    workers: int = 1,
    progress: Progress | None = None,
) -> tuple[int, list[Replication]]:
    """Smallest number of replications whose 95 % CI half-width is within ``precision`` × mean.

    The replication algorithm of Hoad, Robinson & Davies (2010), "Automated
    selection of the number of replications for a discrete-event simulation",
    J Oper Res Soc 61:1632-1644: the confidence-interval method with a
    look-ahead; the answer is the first n whose relative half-width stays within
    ``precision`` for the next ``k_limit`` replications (scaled to
    ``floor(n · k_limit / 100)`` beyond 100 replications).
    """
    reps = run_replications(model, seed, initial, workers=workers)
    if kpi not in reps[0].kpis:
        raise InputError(
            f"unknown KPI '{kpi}'", field="kpi", hint=f"known: {', '.join(reps[0].kpis)}"
        )
    candidate = None
    while len(reps) < maximum:
        n = len(reps)
        s = summarise([r.kpis[kpi] for r in reps])
        ok = s.n >= 2 and s.mean != 0 and s.half_width / abs(s.mean) <= precision
        if ok and candidate is None:
            candidate = n
        elif not ok:
            candidate = None
        look_ahead = k_limit if (candidate or n) <= 100 else (candidate or n) * k_limit // 100
        if candidate is not None and n - candidate >= look_ahead:
            return candidate, reps
        if progress:
            progress(n, maximum)
        reps += run_replications(model, seed, [n], workers=1)
    raise InputError(
        f"{kpi}: the CI half-width did not reach {precision:.0%} of the mean within {maximum} replications",
        field="kpi",
        hint="accept a wider precision or raise the maximum",
    )


def sweep(
    scenario: Scenario,
    resource: str,
    deltas: Sequence[int],
    seed: int,
    replications: int,
    *,
    catalog=None,
    workers: int = 1,
) -> dict[int, list[Replication]]:
    """ "+N rooms / +N chairs": the same replications with ``units + delta`` for each delta."""
    out = {}
    for delta in deltas:
        out[delta] = run_replications(
            build_model(with_units(scenario, resource, delta), catalog),
            seed,
            replications,
            workers=workers,
        )
    return out


def with_units(scenario: Scenario, resource: str, delta: int) -> Scenario:
    """A copy of ``scenario`` with ``delta`` more units of ``resource``."""
    names = [r.name for r in scenario.resources]
    if resource not in names:
        raise InputError(
            f"unknown resource '{resource}'", field="resource", hint=f"known: {', '.join(names)}"
        )
    changed = tuple(
        r.model_copy(update={"units": max(r.units + delta, 0)}) if r.name == resource else r
        for r in scenario.resources
    )
    return scenario.model_copy(update={"resources": changed})
