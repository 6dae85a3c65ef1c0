"""A group of centres: own resources and referral streams, routing by home or shortest wait."""

from __future__ import annotations

import pytest

from rltcare.capacity import engine
from rltcare.capacity.kpis import kpis
from rltcare.capacity.model import build_model
from rltcare.errors import InputError

from .scenarios import build, group


def _kpis(data) -> dict[str, float]:
    return kpis(engine.run(build_model(build(data)), 5, 0))


def test_home_routing_keeps_patients_at_their_centre() -> None:
    k = _kpis(group("home"))
    assert k["treated_elsewhere_per_year[north]"] == 0
    assert k["treated_elsewhere_per_year[south]"] == 0
    # North (1 chair: four 4 h sessions a week) is overloaded by 3 referrals a week of 2 cycles;
    # south (3 chairs: twelve sessions) has room to spare for its 1 referral a week.
    assert k["wait_first_cycle_mean_d[north]"] > 3 * k["wait_first_cycle_mean_d[south]"]
    for total in ("referrals_per_year", "patients_treated_per_year", "cycles_per_year"):
        parts = k[f"{total}[north]"] + k[f"{total}[south]"]
        assert parts == pytest.approx(k[total])


def test_shortest_wait_sends_patients_to_the_centre_with_room() -> None:
    home = _kpis(group("home"))
    shared = _kpis(group("shortest-wait", travel_limit="2 h"))
    assert shared["treated_elsewhere_per_year[north]"] > 10
    assert shared["cycles_per_year[south]"] > home["cycles_per_year[south]"]
    assert shared["wait_first_cycle_mean_d"] < home["wait_first_cycle_mean_d"]
    assert shared["referrals_per_year[north]"] == home["referrals_per_year[north]"]  # CRN


def test_travel_limit_keeps_patients_home() -> None:
    k = _kpis(group("shortest-wait", travel_limit="30 min"))
    assert k["treated_elsewhere_per_year[north]"] == 0


def test_shared_scanner_serves_both_centres() -> None:
    run = engine.run(build_model(build(group())), 5, 0)
    log_names = {s.name for s, _ in run.slots}
    assert {"pet", "mdt@north", "mdt@south"} <= log_names
    assert kpis(run)["utilisation[pet]"] > 0


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda d: d["indication"][0].update(centre="east"), "indication[0].centre", "unknown"),
        (lambda d: d["indication"][0].pop("centre"), "indication[0].centre", "home centre"),
        (
            lambda d: d["indication"][0].update(resource="chairs-south"),
            "indication[0].resource",
            "belongs to centre 'south'",
        ),
        (lambda d: d["centre"][0].update(travel={"west": "1 h"}), "centre[0].travel", "west"),
        (lambda d: d.pop("centre"), "indication[0].centre", "no [[centre]]"),
    ],
)
def test_bad_group_names_the_key(change, field, words) -> None:
    data = group()
    change(data)
    with pytest.raises(InputError) as err:
        build(data)
    assert err.value.field == field
    assert words in str(err.value) and err.value.file == "test.toml"


def test_shortest_wait_needs_two_centres() -> None:
    data = group("shortest-wait")
    data["centre"] = [{"name": "north"}]
    data["indication"] = data["indication"][:1]
    data["resource"] = [r for r in data["resource"] if r.get("centre") != "south"]
    data["staff"] = data["staff"][:1]
    with pytest.raises(InputError) as err:
        build(data)
    assert err.value.field == "routing.rule"


@pytest.mark.parametrize("rule", ["home", "shortest-wait"])
def test_staff_of_each_centre_count_its_own_cycles(rule) -> None:
    """Each centre's nurses spend 30 min on each cycle given there, and on no other."""
    k = _kpis(group(rule, "2 h"))
    for centre in ("north", "south"):
        hours = k[f"staff_hours_per_year[{centre}/nurse]"]
        assert hours == pytest.approx(0.5 * k[f"cycles_per_year[{centre}]"])
