"""Random reactor outages in the supply model follow the Poisson process they are given.

Analytic reference: with outage starts a Poisson process of rate λ a year and every outage
lasting exactly d whole weeks, a week is down when an outage began in it or the d − 1
weeks before, so P(down) = 1 − exp(−λd/52) (edge effects in the first d weeks of a
10-year horizon ignored). λ = 2 a year, d = 4 weeks, 1,000 replications; tolerance ±5%.
"""

from __future__ import annotations

import numpy as np
import pytest

from rltcare.national.supply import OutageProcess, SupplyNetwork, simulate_supply

LU = {"gbq_per_cycle": 7.4, "half_life_h": 159.5, "shelf_life_h": 120.0}


def test_random_outages_match_poisson_down_fraction():
    process = OutageProcess(rate_per_year=2.0, median_weeks=4.0, sigma_log=0.0)
    network = SupplyNetwork(
        reactors=[
            {
                "id": "r",
                "name": "R",
                "weekly_gbq": 1000.0,
                "weeks_off": 0,
                "outages": process,
                "source": "test",
            }
        ],
        processors=[
            {
                "id": "p",
                "name": "P",
                "weekly_gbq": 10_000.0,
                "reactors": ["r"],
                "lead_time_h": 0,
                "source": "test",
            }
        ],
        source="test",
    )
    result = simulate_supply(network, 500.0, years=10, replications=1000, **LU)
    expected = 1 - np.exp(-2.0 * 4 / 52)
    assert result.weeks_short_mean_per_year / 52 == pytest.approx(expected, rel=0.05)
