"""Referred patients and everything drawn for them up front, one random stream per source.

Drawing each patient's attributes (screen failure, cycles received, stays,
deferrals, death while waiting) at referral, from a stream of its own, keeps
common random numbers aligned across scenarios: patient 17 of a replication is
the same person whether the ward has four rooms or six.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rltcare.capacity.model import HOURS_PER_YEAR, ServiceModel
from rltcare.capacity.stay import sample_with_slope

#: Every source of randomness, in a fixed order (its index is part of the seed).
STREAMS = ("arrivals", "screening", "stay", "stopping", "deferral", "behaviour", "outages")


def stream(seed: int, replication: int, name: str, part: int = 0) -> np.random.Generator:
    """The generator for one (replication, source, indication or supply): independent of workers."""
    key = (replication, STREAMS.index(name), part)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


@dataclass(frozen=True)
class Cohort:
    """Patients in referral order; per-cycle arrays are (patients, max cycles)."""

    referral_h: np.ndarray
    indication: np.ndarray
    screen_fail: np.ndarray
    cycles: np.ndarray  # cycles the patient would receive if never blocked
    stay_h: np.ndarray  # at the planned activity
    stay_slope_h: np.ndarray  # hours a halving of the activity takes off the stay
    deferrals: np.ndarray
    leave_h: np.ndarray  # when a waiting patient dies or goes elsewhere (inf: never)
    dies: np.ndarray  # the leave is a death (else a drop-out)

    @property
    def n(self) -> int:
        return self.referral_h.size


def referral_times(model: ServiceModel, index: int, rng: np.random.Generator) -> np.ndarray:
    """Referral times of one indication: Poisson (or regular) with growth and a monthly profile.

    The rate is constant within each week, at its mid-week value.
    """
    ind = model.indications[index]
    n_weeks = int(np.ceil(model.horizon_h / 168.0))
    mid_h = (np.arange(n_weeks) + 0.5) * 168.0
    rate = ind.rate_per_h * (1.0 + ind.growth_per_year) ** (mid_h / HOURS_PER_YEAR)
    if ind.monthly_profile is not None:
        dates = np.datetime64(model.start) + (mid_h // 24).astype("timedelta64[D]")
        month = dates.astype("datetime64[M]").astype(np.int64) % 12
        rate = rate * ind.monthly_profile[month]
    expected = rate * 168.0
    if ind.regular:
        edges = np.concatenate(([0.0], np.cumsum(expected)))
        k = np.arange(1, int(np.floor(edges[-1] + 1e-9)) + 1)
        times = np.interp(k - 0.5, edges, np.arange(n_weeks + 1) * 168.0)
    else:
        counts = rng.poisson(expected)
        week = np.repeat(np.arange(n_weeks), counts)
        times = np.sort((week + rng.random(week.size)) * 168.0)
    return times[times < model.horizon_h]


def draw_cohort(model: ServiceModel, seed: int, replication: int) -> Cohort:
    """Referrals of every indication, merged in time order, with their attributes."""
    max_cycles = max(ind.cycles for ind in model.indications)
    parts = []
    for ind in model.indications:
        i = ind.index
        times = referral_times(model, i, stream(seed, replication, "arrivals", i))
        n = times.size
        screen = stream(seed, replication, "screening", i).random(n) < ind.screen_failure
        stops = stream(seed, replication, "stopping", i).random((n, ind.cycles - 1))
        stopped = stops < ind.stop_probability
        first_stop = stopped.argmax(axis=1) + 1 if ind.cycles > 1 else np.ones(n, dtype=np.int64)
        cycles = np.where(stopped.any(axis=1), first_stop, ind.cycles)
        stay = np.full((n, max_cycles), np.nan)
        slope = np.zeros((n, max_cycles))
        if n:
            rng = stream(seed, replication, "stay", i)
            drawn, per_halving = sample_with_slope(ind.stay, n * ind.cycles, rng)
            stay[:, : ind.cycles] = np.asarray(drawn, dtype=float).reshape(n, ind.cycles)
            slope[:, : ind.cycles] = np.asarray(per_halving, dtype=float).reshape(n, ind.cycles)
        deferrals = np.zeros((n, max_cycles), dtype=np.int64)
        if ind.deferral_probability > 0:
            rng = stream(seed, replication, "deferral", i)
            deferrals[:, : ind.cycles] = (
                rng.geometric(1 - ind.deferral_probability, (n, ind.cycles)) - 1
            )
        rng = stream(seed, replication, "behaviour", i)
        death = (
            rng.exponential(1.0 / model.death_rate_per_h, n)
            if model.death_rate_per_h > 0
            else np.full(n, np.inf)
        )
        leave = np.minimum(death, model.drop_out_h)
        parts.append(
            (
                times,
                np.full(n, i),
                screen,
                cycles,
                stay,
                slope,
                deferrals,
                times + leave,
                death <= model.drop_out_h,
            )
        )
    fields = [np.concatenate(items) for items in zip(*parts, strict=True)]
    order = np.argsort(fields[0], kind="stable")
    return Cohort(*(f[order] for f in fields))
