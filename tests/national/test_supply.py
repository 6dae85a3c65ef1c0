from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from rltcare.errors import InputError
from rltcare.national.supply import (
    OutageEvent,
    SupplyNetwork,
    fit_outages,
    simulate_supply,
)
from rltcare.national.waiting import HAZARDS, Waiting

EXAMPLE = Path(__file__).parents[2] / "examples" / "national" / "supply_lu177_eu.toml"
LU = {"gbq_per_cycle": 7.4, "half_life_h": 159.5, "shelf_life_h": 120.0}


def network(weekly=1000.0, outages=None, weeks_off=0, processor=10_000.0):
    return SupplyNetwork(
        reactors=[
            {
                "id": "r",
                "name": "R",
                "weekly_gbq": weekly,
                "weeks_off": weeks_off,
                "outages": outages,
                "source": "test",
            }
        ],
        processors=[
            {
                "id": "p",
                "name": "P",
                "weekly_gbq": processor,
                "reactors": ["r"],
                "lead_time_h": 0,
                "source": "test",
            }
        ],
        source="test",
    )


def test_fit_outages_rate_and_median():
    events = [
        OutageEvent(reactor="r", start=date(2010, 1, 1), end=date(2010, 1, 29), source="x y z"),
        OutageEvent(reactor="r", start=date(2012, 1, 1), weeks_at_least=16, source="x y z"),
    ]
    process = fit_outages(events, 10.0)
    assert process.rate_per_year == pytest.approx(0.2)
    assert process.median_weeks == pytest.approx(8.0)  # geometric mean of 4 and 16
    assert "1 lower bounds" in process.fitted_from


def test_no_outage_no_shortfall_and_no_supply_all_short():
    full = simulate_supply(network(), 900.0, years=2, replications=5, **LU)
    assert full.shortfall_gbq_mean_per_year == 0
    none = simulate_supply(network(weekly=0.0), 900.0, years=2, replications=5, **LU)
    assert none.shortfall_gbq_mean_per_year == pytest.approx(900 * 52)
    assert none.deferred_cycles_mean_per_year == pytest.approx(900 * 52 / 7.4)


def test_reserve_reduces_shortfall_on_example():
    net = SupplyNetwork.model_validate(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")))
    base = simulate_supply(net, 3800.0, years=10, replications=100, **LU)
    more = simulate_supply(net, 3800.0, years=10, replications=100, reserve=0.5, **LU)
    assert 0 < more.shortfall_gbq_mean_per_year < base.shortfall_gbq_mean_per_year
    years = (net.history_to - net.history_from).days / 365.25
    assert base.outage_processes["hfr"].rate_per_year == pytest.approx(5 / years)


def test_unknown_reactor_reference():
    with pytest.raises(ValidationError, match="unknown reactor 'x'"):
        SupplyNetwork(
            reactors=[{"id": "r", "name": "R", "weekly_gbq": 1, "source": "test"}],
            processors=[
                {"id": "p", "name": "P", "weekly_gbq": 1, "reactors": ["x"], "source": "test"}
            ],
            source="test",
        )


def test_lead_time_beyond_shelf_life():
    net = network()
    slow = net.model_copy(
        update={"processors": [net.processors[0].model_copy(update={"lead_time_h": 200})]}
    )
    with pytest.raises(InputError, match="shelf life"):
        simulate_supply(slow, 100.0, years=1, replications=2, **LU)


def test_supply_shortfall_reaches_patients():
    hazard = Waiting(hazard=HAZARDS["lu-psma-post-taxane"], drop_out_after_weeks=16)
    none = simulate_supply(
        network(weekly=0.0), 740.0, years=1, replications=3, waiting=hazard, **LU
    )
    effect = none.patients
    assert effect.deferred_cycles_per_year.mean == pytest.approx(100 * 52)
    assert effect.caught_up_cycles_per_year.mean == 0
    assert effect.deaths_waiting_per_year.mean > 0 and effect.dropped_out_per_year.mean > 0
    full = simulate_supply(network(), 740.0, years=1, replications=3, waiting=hazard, **LU)
    assert full.patients.deferred_cycles_per_year.mean == 0
    assert full.patients.deaths_waiting_per_year.mean == 0


def test_outages_give_intervals_and_catch_up_uses_spare_product():
    """A reactor off one week in five with a 25% surplus: deferred cycles are caught up."""
    hazard = Waiting(hazard=HAZARDS["lu-dotatate-gep-net"], catch_up=0.5)
    result = simulate_supply(
        network(weekly=1000.0, weeks_off=1), 740.0, years=2, replications=20, waiting=hazard, **LU
    )
    effect = result.patients
    assert effect.deferred_cycles_per_year.mean == pytest.approx(
        result.deferred_cycles_mean_per_year
    )
    assert effect.caught_up_cycles_per_year.mean > 0.9 * effect.deferred_cycles_per_year.mean
    assert 0 < effect.delay_weeks.mean < 5
    interval = effect.deaths_waiting_per_year
    assert interval.low <= interval.mean <= interval.high
