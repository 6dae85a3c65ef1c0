"""A 10-year national supply-and-capacity scenario with 100 Monte Carlo replications: the
example Lu-177 network, the demand of five countries, deferred cycles queued with deaths
while waiting and drop-out, and the patient flows to centres. Reference, in the same
process: the same supply run with the patient queue idle (no hazard, no catch-up; the
same 16-week drop-out), so the ratio is the cost of the patient effect. Target (issue 7):
under a minute. Run: ``taskset -c 0 python benchmarks/bench_national_supply.py``."""

from __future__ import annotations

import csv
import time
import tomllib
from pathlib import Path

import numpy as np

from rltcare.catalog import default_catalog
from rltcare.national.demand import Scenario, demand
from rltcare.national.flows import patient_flows
from rltcare.national.gap import centres_from_rows
from rltcare.national.supply import SupplyNetwork, simulate_supply
from rltcare.national.waiting import Hazard, Waiting, hazard_for

EXAMPLES = Path(__file__).parents[1] / "examples" / "national"
COUNTRIES = ("de", "it", "es", "pl", "uk")
LU = ("lu-psma-post-taxane", "lu-dotatate-gep-net")


def timed(label: str, work):
    start, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    print(f"{label}: {wall:.2f} s wall, {used:.2f} s CPU")
    return result, wall


def scenario(catalog, network):
    weekly, mix = np.zeros(10), {}
    results = {}
    for country in COUNTRIES:
        results[country] = demand(
            country, list(LU), scenario=Scenario(years=10), draws=1000, catalog=catalog
        )
        for row in results[country].rows:
            weekly[row.year - 2026] += row.activity_gbq / 52
            mix[row.indication] = mix.get(row.indication, 0.0) + row.cycles
    waiting = Waiting(hazard=hazard_for(mix), drop_out_after_weeks=16)
    supply = simulate_supply(network, weekly, waiting=waiting, replications=100, **LU177)
    rows = list(csv.DictReader(_lines(EXAMPLES / "de_centres.csv")))
    home = centres_from_rows(rows, catalog.country("de"))
    abroad = centres_from_rows(
        list(csv.DictReader(_lines(EXAMPLES / "de_abroad_centres.csv"))), None
    )
    flows = patient_flows(results["de"], home, abroad=abroad, catalog=catalog)
    return supply, flows, weekly


def _lines(path: Path):
    return [
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]


LU177 = {"gbq_per_cycle": 7.4, "half_life_h": 159.5, "shelf_life_h": 120.0, "years": 10}


def main() -> None:
    catalog = default_catalog()
    network = SupplyNetwork.model_validate(
        tomllib.loads((EXAMPLES / "supply_lu177_eu.toml").read_text(encoding="utf-8"))
    )
    (supply, flows, weekly), total = timed(
        "whole scenario: 5 countries' demand (1,000 draws), supply + patients, DE flows",
        lambda: scenario(catalog, network),
    )
    idle = Waiting(
        hazard=Hazard(rate_per_year=0, source="none"), catch_up=0, drop_out_after_weeks=16
    )
    _, reference = timed(
        "reference: supply alone (queue idle), 10 years × 100",
        lambda: simulate_supply(network, weekly, waiting=idle, replications=100, **LU177),
    )
    effect = supply.patients
    _, engine = timed(
        "supply + patient queue, 10 years × 100",
        lambda: simulate_supply(
            network,
            weekly,
            waiting=Waiting(hazard=effect.hazard, drop_out_after_weeks=16),
            replications=100,
            **LU177,
        ),
    )
    print(f"ratio supply + patients / supply alone: {engine / reference:.2f}×")
    timed(
        "supply + patient queue without drop-out (ages kept up to 520 weeks)",
        lambda: simulate_supply(
            network, weekly, waiting=Waiting(hazard=effect.hazard), replications=100, **LU177
        ),
    )
    print(
        f"deaths while waiting a year {effect.deaths_waiting_per_year.text(',.1f')}; "
        f"DE flows: {flows.abroad_cycles:,.0f} cycles abroad, {flows.unmet_cycles:,.0f} unmet"
    )
    print(f"target under 60 s: {'met' if total < 60 else 'NOT met'} ({total:.1f} s)")


if __name__ == "__main__":
    main()
