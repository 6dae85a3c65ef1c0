"""The capacity engine against queueing theory and the static bed-day calculation.

Each test configures the planner as a textbook queue (Poisson referrals, one
cycle, no pathway steps, a resource open around the clock, admission at any
grid time) and checks the simulated KPIs against the closed form within the
95 % confidence interval over replications (widened by the grid rounding of
the booking calendar, step/2 on the wait and step/2 on each stay).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from capacity.scenarios import ALWAYS_OPEN, build, queue
from rltcare.capacity import experiment
from rltcare.capacity.model import HOURS_PER_YEAR, build_model
from rltcare.capacity.static import static_bed_days

REPS = 12


def erlang_c_wait_h(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c (Erlang C): Wq = C(c, a) / (c·mu − lam), a = lam/mu.

    Reference: Gross D, Shortle JF, Thompson JM, Harris CM. Fundamentals of
    Queueing Theory, 4th ed. Wiley 2008, section 2.3 (eqs. 2.32-2.36).
    """
    a = lam / mu
    tail = a**c / math.factorial(c) * c / (c - a)
    p_wait = tail / (sum(a**k / math.factorial(k) for k in range(c)) + tail)
    return p_wait / (c * mu - lam)


def _check_within(summary: experiment.Summary, expected: float, slack: float) -> None:
    assert summary.low - slack <= expected <= summary.high + slack, (summary, expected)


@pytest.mark.parametrize(("servers", "rho"), [(1, 0.7), (3, 0.8)])
def test_mmc_matches_erlang_c(servers: int, rho: float) -> None:
    """M/M/c: mean wait (Erlang C) and utilisation (rho) inside the 95 % CI; tolerance step/2."""
    stay_h, step = 10.0, 0.05
    lam = rho * servers / stay_h
    data = queue(
        servers=servers, per_week=lam * 168, stay={"model": "exponential", "hours": stay_h}
    )
    reps = experiment.run_replications(build_model(build(data)), 11, REPS)
    k = experiment.summarise_kpis(reps)
    expected_d = erlang_c_wait_h(lam, 1 / stay_h, servers) / 24
    _check_within(k["wait_first_cycle_mean_d"], expected_d, step / 24)
    _check_within(k["utilisation[beds]"], rho, rho * step / 2 / stay_h)


def test_md1_matches_pollaczek_khinchine() -> None:
    """M/D/1: Wq = lam·S² / (2(1 − rho)) (Pollaczek-Khinchine; Gross et al. 2008, eq. 5.18)."""
    stay_h, rho = 10.0, 0.7
    lam = rho / stay_h
    data = queue(servers=1, per_week=lam * 168, stay={"model": "fixed", "hours": stay_h})
    reps = experiment.run_replications(build_model(build(data)), 5, REPS)
    k = experiment.summarise_kpis(reps)
    expected_d = lam * stay_h**2 / (2 * (1 - rho)) / 24
    _check_within(k["wait_first_cycle_mean_d"], expected_d, 0.05 / 24)


@pytest.mark.parametrize(
    "data",
    [
        queue(servers=2, per_week=20, stay={"model": "exponential", "hours": 12}),
        queue(servers=1, per_week=5, stay={"model": "fixed", "hours": 24}, step=1.0),
    ],
)
def test_littles_law_on_every_run(data) -> None:
    """Little's law L = λW (Little 1961, Oper Res 9:383): the waiting list sampled on the grid
    against referral rate × mean time on the list, per replication, within 2 %."""
    for rep in experiment.run_replications(build_model(build(data)), 3, 4):
        assert rep.kpis["little_L"] == pytest.approx(rep.kpis["little_lambda_W"], rel=0.02)


def test_static_bed_days_reproduced_without_variability() -> None:
    """Zippel et al., Nuklearmedizin 2021;60:216 (doi:10.1055/a-1351-0030): bed-days needed =
    patients × cycles × days per stay. With regular referrals, every patient receiving all
    cycles and a fixed 2-day stay, the simulated bed-days a year equal the static figure (±1 %,
    the partial first and last interval of the window)."""
    per_week, cycles, stay_d = 3.0, 4, 2.0
    data = queue(
        servers=10,
        per_week=per_week,
        stay={"model": "fixed", "hours": stay_d * 24},
        weeks=260,
        step=1.0,
    )
    data["simulation"]["warm_up"] = "26 weeks"
    data["indication"][0] |= {"arrivals": "regular", "cycles": cycles, "interval": "6 weeks"}
    data["resource"][0] |= ALWAYS_OPEN
    reps = experiment.run_replications(build_model(build(data)), 1, 2)
    static = static_bed_days(
        patients_per_year=per_week * HOURS_PER_YEAR / 168,
        cycles_per_patient=cycles,
        days_per_stay=stay_d,
        beds=10,
        bed_days_per_bed_year=365.25,
    )
    assert reps[0].kpis == reps[1].kpis  # nothing random is left
    assert reps[0].kpis["bed_days_per_year"] == pytest.approx(static.demand_bed_days, rel=0.01)
    assert reps[0].kpis["utilisation[beds]"] == pytest.approx(
        static.demand_bed_days / static.capacity_bed_days, rel=0.01
    )


def test_static_calculation_matches_the_published_reserve() -> None:
    """Zippel et al. 2021 abstract: a reserve of ~19,000 bed-days corresponds to 63 beds, i.e.
    ~302 bed-days per bed-year; the arithmetic gives 63 beds back (±1 bed)."""
    result = static_bed_days(
        patients_per_year=0,
        cycles_per_patient=0,
        days_per_stay=0,
        beds=63,
        bed_days_per_bed_year=19_000 / 63,
    )
    assert result.reserve_bed_days == pytest.approx(19_000)
    assert np.isclose(result.reserve_beds, 63)
