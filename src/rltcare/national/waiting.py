"""What an isotope shortfall does to patients: deferred cycles queue, wait, and some die.

Each week the cycles booked that week are given first, as far as the product that arrives
allows; the cycles it cannot cover are deferred and join a queue. Deferred cycles are
given, longest wait first, from product left over in later weeks, up to ``catch_up``
extra cycles a week (a share of the week's booked cycles: what the centres can add).
A waiting patient (one pending cycle each) dies at a constant hazard, or goes elsewhere
(drops out) after ``drop_out_after_weeks``, the same two behaviours as the capacity
planner's ``[behaviour]`` section (``death_rate_per_year``, ``drop_out_after``):
:func:`waiting_from_planner` reads them from a planner scenario.

The default hazards (:data:`HAZARDS`) are those of the control arm of the trial behind
each label, under an exponential survival model (rate = ln 2 ÷ median overall survival):
the hazard of a patient who gets the standard of care but not (yet) the radioligand.
They are per indication; a mix of indications takes the cycle-weighted mean. Counts are
expected values given each replication's outages (a fluid queue), so the Monte Carlo
interval reflects outage risk and the hazard's uncertainty, not the chance of a few
deaths more or less.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from rltcare.errors import InputError
from rltcare.national.uncertainty import Z95
from rltcare.result import Result

_STRICT = ConfigDict(frozen=True, extra="forbid")
WEEKS_PER_YEAR = 52
MONTHS_PER_YEAR = 12


def _rate(median_os_months: float) -> float:
    """Exponential hazard a year from a median survival in months."""
    return math.log(2) * MONTHS_PER_YEAR / median_os_months


class Hazard(BaseModel):
    """A hazard of death a year while waiting, with an optional 95% interval."""

    model_config = _STRICT

    rate_per_year: float = Field(ge=0, le=50)
    low: float | None = Field(default=None, ge=0)
    high: float | None = Field(default=None, ge=0)
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _ordered(self) -> Hazard:
        if (self.low is None) != (self.high is None):
            raise ValueError("give both low and high, or neither")
        if self.low is not None and not self.low <= self.rate_per_year <= self.high:
            raise ValueError("need low ≤ rate_per_year ≤ high")
        return self


#: Hazard of death without the radioligand, by indication: ln 2 ÷ the control arm's median
#: overall survival (exponential assumption). Interval from the median's 95% CI where known.
HAZARDS: dict[str, Hazard] = {
    "lu-psma-post-taxane": Hazard(
        rate_per_year=_rate(11.3),
        source="VISION standard-of-care-alone arm, median OS 11.3 months (Sartor et al., "
        "N Engl J Med 2021;385:1091-1103); exponential assumption",
    ),
    "lu-psma-pre-taxane": Hazard(
        rate_per_year=_rate(23.13),
        low=_rate(25.53),
        high=_rate(19.61),
        source="PSMAfore ARPI-change arm, median OS 23.13 months (95% CI 19.61-25.53; Fizazi "
        "et al., Ann Oncol 2025, doi:10.1016/j.annonc.2025.07.003); 60% crossed over to "
        "Lu-PSMA, so this understates the hazard without it; exponential assumption",
    ),
    "lu-dotatate-gep-net": Hazard(
        rate_per_year=_rate(36.3),
        low=_rate(51.7),
        high=_rate(25.9),
        source="NETTER-1 control arm (octreotide LAR 60 mg), median OS 36.3 months (95% CI "
        "25.9-51.7; Strosberg et al., Lancet Oncol 2021;22:1752-1763); exponential assumption",
    ),
    "i131-thyroid-ablation": Hazard(
        rate_per_year=0.0,
        source="rltcare assumption: deaths within weeks of thyroidectomy for differentiated "
        "thyroid cancer are negligible",
    ),
}


class Waiting(BaseModel):
    """How deferred cycles are caught up and what waiting patients do."""

    model_config = _STRICT

    hazard: Hazard = Hazard(rate_per_year=0.0, source="no hazard given: deaths not counted")
    drop_out_after_weeks: float | None = Field(
        default=None, gt=0, description="A patient still waiting this long goes elsewhere."
    )
    catch_up: float = Field(
        default=0.2,
        ge=0,
        le=5,
        description="Extra cycles a week the centres can give, as a share of the week's "
        "booked cycles (rltcare assumption: 0.2).",
    )


def hazard_for(weights: Mapping[str, float]) -> Hazard:
    """The cycle-weighted hazard of a mix of indications (weights: cycles by indication)."""
    known = {k: w for k, w in weights.items() if w > 0}
    missing = sorted(k for k in known if k not in HAZARDS)
    if missing:
        raise InputError(
            f"no hazard of death while waiting for {missing[0]}",
            field="death_rate",
            hint="give one, e.g. --death-rate 0.5 (a year)",
        )
    total = sum(known.values())
    if not total:
        return Waiting().hazard
    if len(known) == 1:
        return HAZARDS[next(iter(known))]
    shares = {k: w / total for k, w in sorted(known.items())}
    spread = any(HAZARDS[k].low is not None for k in shares)

    def mix(bound: str) -> float:
        return sum(
            (getattr(HAZARDS[k], bound) or HAZARDS[k].rate_per_year) * s for k, s in shares.items()
        )

    return Hazard(
        rate_per_year=sum(HAZARDS[k].rate_per_year * s for k, s in shares.items()),
        low=mix("low") if spread else None,
        high=mix("high") if spread else None,
        source="cycle-weighted: "
        + "; ".join(f"{k} {s:.0%}: {HAZARDS[k].source}" for k, s in shares.items()),
    )


def waiting_from_planner(scenario, *, name: str = "capacity-planner scenario") -> Waiting:
    """Hazard and drop-out from a planner scenario's ``[behaviour]`` (a
    :class:`rltcare.capacity.Scenario`, read through its public fields only)."""
    behaviour = scenario.behaviour
    drop_h = behaviour.drop_out_after_h
    return Waiting(
        hazard=Hazard(
            rate_per_year=behaviour.death_rate_per_year,
            source=f"{name}: [behaviour] death_rate_per_year",
        ),
        drop_out_after_weeks=None if drop_h is None else drop_h / 168.0,
    )


class Estimate(Result):
    """A Monte Carlo mean with its 95% interval (2.5th and 97.5th percentiles)."""

    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, values: np.ndarray) -> Estimate:
        values = np.asarray(values, dtype=float)
        values = values[np.isfinite(values)]
        if not values.size:
            return cls(mean=0.0, low=0.0, high=0.0)
        low, high = np.percentile(values, [2.5, 97.5])
        return cls(mean=float(values.mean()), low=float(low), high=float(high))

    def text(self, fmt: str = ",.0f") -> str:
        return f"{self.mean:{fmt}} ({self.low:{fmt}}–{self.high:{fmt}})"


class PatientEffect(Result):
    """Per year of the horizon (mean over replications, 95% interval)."""

    deferred_cycles_per_year: Estimate
    caught_up_cycles_per_year: Estimate
    deaths_waiting_per_year: Estimate
    dropped_out_per_year: Estimate
    delay_weeks: Estimate = Field(description="Mean wait of a deferred cycle given later.")
    waiting_at_end: Estimate
    hazard: Hazard
    drop_out_after_weeks: float | None
    catch_up: float
    assumptions: list[str]


class Queue:
    """The deferred cycles of every replication, by weeks waited (a fluid FIFO queue)."""

    def __init__(
        self,
        waiting: Waiting,
        replications: int,
        weeks: int,
        demand_cycles: np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        self.waiting = waiting
        self.demand_cycles = demand_cycles
        limit = waiting.drop_out_after_weeks
        self.ages = weeks + 1 if limit is None else max(1, math.ceil(limit))
        self.dropping = limit is not None
        self.backlog = np.zeros((replications, self.ages))
        rate = _draw_rate(waiting.hazard, replications, rng)
        self.survive = np.exp(-rate / WEEKS_PER_YEAR)
        self.tally = np.zeros((5, replications, weeks))  # deferred, caught up, deaths, out, waited

    def wanted_cycles(self, week: int) -> np.ndarray:
        """Booked cycles plus the deferred ones the centres could take this week."""
        extra = np.minimum(
            self.backlog.sum(axis=1), self.waiting.catch_up * self.demand_cycles[week]
        )
        return self.demand_cycles[week] + extra

    def settle(self, week: int, given_cycles: np.ndarray) -> None:
        """Book the week: defer what was not given, catch up oldest first, then a week passes."""
        booked = self.demand_cycles[week]
        new_given = np.minimum(given_cycles, booked)
        deferred = booked - new_given
        spare = given_cycles - new_given
        oldest_first = self.backlog[:, ::-1]
        before = np.cumsum(oldest_first, axis=1) - oldest_first
        taken = np.clip(spare[:, None] - before, 0.0, oldest_first)[:, ::-1]
        self.backlog -= taken
        self.backlog[:, 0] += deferred
        deaths = self.backlog.sum(axis=1) * (1 - self.survive)
        self.backlog *= self.survive[:, None]
        out = self.backlog[:, -1].copy() if self.dropping else np.zeros_like(deaths)
        if self.dropping:
            self.backlog[:, -1] = 0.0
        self.backlog = np.roll(self.backlog, 1, axis=1)
        ages = np.arange(self.ages)
        self.tally[:, :, week] = (
            deferred,
            taken.sum(axis=1),
            deaths,
            out,
            (taken * ages[None, :]).sum(axis=1),
        )

    def effect(self, years: int) -> PatientEffect:
        per_year = self.tally.sum(axis=2) / years
        caught = self.tally[1].sum(axis=1)
        delay = np.divide(
            self.tally[4].sum(axis=1), caught, out=np.full_like(caught, np.nan), where=caught > 0
        )
        w = self.waiting
        assumptions = [
            "booked cycles are given first; deferred cycles fill product left over, longest "
            f"wait first, up to {w.catch_up:.0%} of a week's booked cycles more",
            "one pending cycle per waiting patient; a fluid queue (expected counts given the "
            "outages of each replication)",
            f"hazard while waiting {w.hazard.rate_per_year:.3g} a year: {w.hazard.source}",
            "deaths while waiting are not all caused by the wait: some would have died on "
            "treatment too",
        ]
        if w.drop_out_after_weeks is not None:
            assumptions.append(
                f"patients still waiting after {w.drop_out_after_weeks:g} weeks go elsewhere"
            )
        return PatientEffect(
            deferred_cycles_per_year=Estimate.of(per_year[0]),
            caught_up_cycles_per_year=Estimate.of(per_year[1]),
            deaths_waiting_per_year=Estimate.of(per_year[2]),
            dropped_out_per_year=Estimate.of(per_year[3]),
            delay_weeks=Estimate.of(delay),
            waiting_at_end=Estimate.of(self.backlog.sum(axis=1)),
            hazard=w.hazard,
            drop_out_after_weeks=w.drop_out_after_weeks,
            catch_up=w.catch_up,
            assumptions=assumptions,
        )


def _draw_rate(hazard: Hazard, n: int, rng: np.random.Generator) -> np.ndarray:
    """Lognormal draws matching the hazard's 95% interval (fixed without one)."""
    if hazard.low is None or hazard.low <= 0 or hazard.high == hazard.low:
        return np.full(n, hazard.rate_per_year)
    sigma = (np.log(hazard.high) - np.log(hazard.low)) / Z95
    return rng.lognormal(np.log(hazard.rate_per_year), sigma, n)
