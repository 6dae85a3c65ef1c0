"""Isotope supply: reactors → processing sites → countries, week by week, with outages.

Each reactor irradiates on an operating calendar (``weeks_on`` then ``weeks_off``,
repeating from ``offset_weeks``), less planned outages (given) and random outages:
a Poisson process of ``rate_per_year`` unplanned extended outages with lognormal
durations, fitted by maximum likelihood to a documented history
(:func:`fit_outages`). A processing site turns what its reactors deliver into product
up to its weekly capacity; irradiated bulk it cannot use may wait one week (decaying)
if its ``bulk_shelf_life_h`` allows; transport to the hospital decays the product
(``lead_time_h``, which must be within the product's shelf life); finished product is
not stored from week to week. Demand per week (GBq at
administration) minus what arrives is the shortfall; dividing by the activity per cycle
gives deferred cycles. Deferred cycles queue and are caught up from later weeks' product,
and waiting patients may die or go elsewhere (:mod:`rltcare.national.waiting`): the
processors are asked each week for the booked cycles plus the deferred ones the centres
can take.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from rltcare.errors import InputError
from rltcare.national.uncertainty import rng_for
from rltcare.national.waiting import PatientEffect, Queue, Waiting
from rltcare.result import Result

_STRICT = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
WEEKS_PER_YEAR = 52


class OutageEvent(BaseModel):
    """A documented unplanned extended outage of a reactor."""

    model_config = _STRICT

    reactor: str
    start: date
    end: date | None = None
    weeks_at_least: float | None = Field(default=None, gt=0)
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _duration(self) -> OutageEvent:
        if self.end is None and self.weeks_at_least is None:
            raise ValueError("give end or weeks_at_least")
        if self.end is not None and self.end <= self.start:
            raise ValueError("end must be after start")
        return self

    @property
    def weeks(self) -> float:
        if self.end is not None:
            return (self.end - self.start).days / 7
        return float(self.weeks_at_least)


class OutageProcess(BaseModel):
    model_config = _STRICT

    rate_per_year: float = Field(ge=0)
    median_weeks: float = Field(gt=0)
    sigma_log: float = Field(ge=0, le=3)
    fitted_from: str = ""


class Reactor(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    weekly_gbq: float = Field(ge=0, description="Lu-177 (or other) activity a week at EOI.")
    weeks_on: int = Field(default=4, ge=1, le=52)
    weeks_off: int = Field(default=1, ge=0, le=52)
    offset_weeks: int = Field(default=0, ge=0)
    outages: OutageProcess | None = None
    source: str = Field(min_length=3)


class Processor(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    weekly_gbq: float = Field(ge=0)
    reactors: list[str] = Field(min_length=1)
    lead_time_h: float = Field(default=48, ge=0, description="Processing and transport.")
    bulk_shelf_life_h: float = Field(
        default=0, ge=0, description="≥ 168 h: unused irradiated bulk carries to the next week."
    )
    source: str = Field(min_length=3)


class PlannedOutage(BaseModel):
    model_config = _STRICT

    reactor: str
    start_week: int = Field(ge=0)
    weeks: int = Field(ge=1)


class SupplyNetwork(BaseModel):
    """Reactors, processors, planned outages and the documented outage history."""

    model_config = _STRICT

    reactors: list[Reactor] = Field(min_length=1)
    processors: list[Processor] = Field(min_length=1)
    planned: list[PlannedOutage] = Field(default_factory=list)
    history: list[OutageEvent] = Field(default_factory=list)
    history_from: date | None = None
    history_to: date | None = None
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _references(self) -> SupplyNetwork:
        ids = {r.id for r in self.reactors}
        for k, p in enumerate(self.processors):
            for name in p.reactors:
                if name not in ids:
                    raise ValueError(f"processors[{k}].reactors: unknown reactor '{name}'")
        for k, item in enumerate([*self.planned, *self.history]):
            if item.reactor not in ids:
                raise ValueError(f"planned/history entry {k}: unknown reactor '{item.reactor}'")
        return self


def fit_outages(events: list[OutageEvent], years_observed: float) -> OutageProcess:
    """Poisson rate (events / years) and lognormal durations (MLE on log weeks).

    Events known only as "at least N weeks" are counted at N weeks, which biases the
    durations down; the text of ``fitted_from`` says how many.
    """
    if years_observed <= 0:
        raise InputError("the observation period must be positive", field="history_from")
    if not events:
        return OutageProcess(rate_per_year=0.0, median_weeks=1.0, sigma_log=0.0, fitted_from="none")
    logs = np.log([e.weeks for e in events])
    censored = sum(e.end is None for e in events)
    return OutageProcess(
        rate_per_year=len(events) / years_observed,
        median_weeks=float(np.exp(logs.mean())),
        sigma_log=float(logs.std()) if len(events) > 1 else 0.5,
        fitted_from=f"{len(events)} events over {years_observed:.1f} years ({censored} lower bounds)",
    )


class SupplyResult(Result):
    weeks: int
    replications: int
    seed: int
    demand_gbq_per_week: float
    shortfall_gbq_mean_per_year: float
    shortfall_gbq_p95_per_year: float
    weeks_short_mean_per_year: float
    deferred_cycles_mean_per_year: float
    probability_any_shortfall_per_year: float
    worst_week_share_mean: float
    outage_processes: dict[str, OutageProcess]
    shortfall_by_week_mean: list[float]
    patients: PatientEffect

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("horizon", f"{self.weeks} weeks × {self.replications} replications"),
            ("demand (mean over the horizon)", f"{self.demand_gbq_per_week:,.0f} GBq a week"),
            ("shortfall a year (mean)", f"{self.shortfall_gbq_mean_per_year:,.0f} GBq"),
            ("shortfall a year (95th percentile)", f"{self.shortfall_gbq_p95_per_year:,.0f} GBq"),
            ("weeks short a year (mean)", f"{self.weeks_short_mean_per_year:.2f}"),
            ("P(any shortfall in a year)", f"{self.probability_any_shortfall_per_year:.1%}"),
            ("worst week: share of demand unmet (mean)", f"{self.worst_week_share_mean:.1%}"),
        ]
        rows += [
            (f"outages {k}", f"{p.rate_per_year:.2f}/year, median {p.median_weeks:.1f} weeks")
            for k, p in self.outage_processes.items()
        ]
        effect = self.patients
        rows += [
            ("deferred cycles a year (mean, 95% interval)", effect.deferred_cycles_per_year.text()),
            ("caught up later a year", effect.caught_up_cycles_per_year.text()),
            ("mean delay of a deferred cycle", f"{effect.delay_weeks.text('.1f')} weeks"),
            ("deaths while waiting a year", effect.deaths_waiting_per_year.text(",.1f")),
        ]
        if effect.drop_out_after_weeks is not None:
            rows.append(("gone elsewhere a year", effect.dropped_out_per_year.text(",.1f")))
        rows.append(("hazard while waiting", f"{effect.hazard.rate_per_year:.3g} a year"))
        return rows


def simulate_supply(
    network: SupplyNetwork,
    demand_gbq_per_week: float | np.ndarray,
    *,
    gbq_per_cycle: float,
    half_life_h: float,
    shelf_life_h: float,
    years: int = 10,
    replications: int = 100,
    reserve: float = 0.0,
    waiting: Waiting | None = None,
    seed: int = 0,
) -> SupplyResult:
    """Weekly GBq shortfall over ``years`` (Monte Carlo over random outages).

    ``demand_gbq_per_week`` is one number or one per year. ``reserve`` scales every
    reactor's and processor's capacity by (1 + reserve), the outage reserve capacity
    of the OECD-NEA's High-level Group on the Security of Supply of Medical Radioisotopes. Reactors without their own outage process use the one fitted to the
    network's history for that reactor. ``waiting`` says how deferred cycles are caught
    up and the hazard of death while waiting (default: none counted).
    """
    if not 1 <= replications <= 10_000 or not 1 <= years <= 30:
        raise InputError("replications 1-10000 and years 1-30", field="replications")
    if not 0 <= reserve <= 5:
        raise InputError(f"reserve must be 0 to 5 (a fraction), got {reserve}", field="reserve")
    weeks = years * WEEKS_PER_YEAR
    yearly_demand = np.broadcast_to(np.asarray(demand_gbq_per_week, dtype=float), (years,))
    if (yearly_demand < 0).any() or not gbq_per_cycle > 0:
        raise InputError("demand must be ≥ 0 and activity per cycle > 0", field="demand")
    demand = np.repeat(yearly_demand, WEEKS_PER_YEAR)
    processes = _processes(network)
    available = np.empty((replications, len(network.reactors), weeks), dtype=bool)
    week = np.arange(weeks)
    for k, reactor in enumerate(network.reactors):
        period = reactor.weeks_on + reactor.weeks_off
        calendar = ((week + reactor.offset_weeks) % period) < reactor.weeks_on
        down = np.zeros((replications, weeks), dtype=bool)
        for plan in (p for p in network.planned if p.reactor == reactor.id):
            down[:, plan.start_week : plan.start_week + plan.weeks] = True
        process = processes.get(reactor.id)
        if process is not None and process.rate_per_year > 0:
            down |= _random_outages(process, replications, weeks, rng_for(seed, reactor.id))
        available[:, k] = calendar[None, :] & ~down
    capacity = np.array([r.weekly_gbq for r in network.reactors]) * (1 + reserve)
    produced = available * capacity[None, :, None]
    index = {r.id: k for k, r in enumerate(network.reactors)}
    lead = np.array([p.lead_time_h for p in network.processors])
    if (lead > shelf_life_h).any():
        raise InputError(
            "a processor's lead time exceeds the product's shelf life", field="lead_time_h"
        )
    feeds = []
    for processor in network.processors:
        # a reactor feeding several processors is shared equally between them
        share = [1.0 / sum(r in p.reactors for p in network.processors) for r in processor.reactors]
        feeds.append(
            sum(produced[:, index[r]] * s for r, s in zip(processor.reactors, share, strict=True))
        )
    queue = Queue(
        waiting or Waiting(), replications, weeks, demand / gbq_per_cycle, rng_for(seed, "wait")
    )
    arrived = _deliver(feeds, network.processors, queue, gbq_per_cycle, reserve, half_life_h)
    shortfall = np.maximum(demand[None, :] - arrived, 0.0)
    yearly = shortfall.reshape(replications, years, WEEKS_PER_YEAR).sum(axis=2)
    short_weeks = (shortfall > 1e-9).reshape(replications, years, WEEKS_PER_YEAR).sum(axis=2)
    share = np.divide(shortfall, demand[None, :], out=np.zeros_like(shortfall), where=demand > 0)
    worst = share.max(axis=1)
    return SupplyResult(
        weeks=weeks,
        replications=replications,
        seed=seed,
        demand_gbq_per_week=float(yearly_demand.mean()),
        shortfall_gbq_mean_per_year=float(yearly.mean()),
        shortfall_gbq_p95_per_year=float(np.percentile(yearly, 95)),
        weeks_short_mean_per_year=float(short_weeks.mean()),
        deferred_cycles_mean_per_year=float(yearly.mean() / gbq_per_cycle),
        probability_any_shortfall_per_year=float((yearly > 1e-9).mean()),
        worst_week_share_mean=float(worst.mean()),
        outage_processes=processes,
        shortfall_by_week_mean=[float(v) for v in shortfall.mean(axis=0)],
        patients=queue.effect(years),
    )


def _processes(network: SupplyNetwork) -> dict[str, OutageProcess]:
    out = {r.id: r.outages for r in network.reactors if r.outages is not None}
    if network.history:
        if network.history_from is None or network.history_to is None:
            raise InputError("a history needs history_from and history_to", field="history_from")
        years = (network.history_to - network.history_from).days / 365.25
        for reactor in network.reactors:
            if reactor.id not in out:
                events = [e for e in network.history if e.reactor == reactor.id]
                if events:
                    out[reactor.id] = fit_outages(events, years)
    return out


def _deliver(feeds, processors, queue: Queue, gbq_per_cycle, reserve, half_life_h):
    """Activity arriving at hospitals each week (reps, weeks), for the booked cycles.

    Processors, in the order given, make what is still needed (booked and deferred cycles
    the centres can take; up to capacity and the bulk on hand); fresh bulk left over waits
    one week, decaying, where its ``bulk_shelf_life_h`` allows.
    """
    reps, weeks = feeds[0].shape
    transit = [np.exp(-np.log(2) * p.lead_time_h / half_life_h) for p in processors]
    week_decay = np.exp(-np.log(2) * 168 / half_life_h)
    stock = [np.zeros(reps) for _ in processors]
    arrived = np.zeros((reps, weeks))
    for w in range(weeks):
        wanted = queue.wanted_cycles(w) * gbq_per_cycle
        needed = wanted.copy()
        for k, processor in enumerate(processors):
            on_hand = feeds[k][:, w] + stock[k]
            made = np.minimum(
                np.minimum(on_hand, processor.weekly_gbq * (1 + reserve)), needed / transit[k]
            )
            arrived[:, w] += made * transit[k]
            needed = needed - made * transit[k]
            keep = processor.bulk_shelf_life_h >= 168
            stock[k] = np.minimum(on_hand - made, feeds[k][:, w]) * week_decay * keep
        queue.settle(w, np.minimum(arrived[:, w], wanted) / gbq_per_cycle)
        arrived[:, w] = np.minimum(arrived[:, w], queue.demand_cycles[w] * gbq_per_cycle)
    return arrived


def _random_outages(process: OutageProcess, reps: int, weeks: int, rng) -> np.ndarray:
    """Boolean (reps, weeks): weeks inside a random outage."""
    counts = rng.poisson(process.rate_per_year * weeks / WEEKS_PER_YEAR, reps)
    total = int(counts.sum())
    rep = np.repeat(np.arange(reps), counts)
    start = rng.integers(0, weeks, total)
    length = np.ceil(rng.lognormal(np.log(process.median_weeks), process.sigma_log, total))
    end = np.minimum(start + length.astype(int), weeks)
    marks = np.zeros((reps, weeks + 1), dtype=int)
    np.add.at(marks, (rep, start), 1)
    np.add.at(marks, (rep, end), -1)
    return np.cumsum(marks, axis=1)[:, :weeks] > 0
