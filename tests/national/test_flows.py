"""Patient flows: nearest centre with capacity, spill-over, abroad, a user's flow matrix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rltcare.catalog import load_catalog
from rltcare.errors import InputError
from rltcare.national.access import great_circle_km, road_hours
from rltcare.national.demand import Scenario, demand
from rltcare.national.flows import centre_capacity_cycles, patient_flows
from rltcare.national.gap import Centre, centres_from_rows
from rltcare.national.resources import Capacity, ResourceUse

ZZ = Path(__file__).parents[2] / "examples" / "national" / "zz_example.toml"
USE = ResourceUse(bed_days=0, chair_hours=4, scanner_slots=0, activity_gbq=7.4)
#: one chair gives 400 cycles a year at 4 chair hours a cycle
CAPACITY = Capacity(chair_hours_per_chair=1600)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog([ZZ])


@pytest.fixture(scope="module")
def wanted(catalog):
    return demand(
        "zz", ["lu-psma-post-taxane"], scenario=Scenario(years=1), draws=200, catalog=catalog
    )


def centre(id_, region, lat, lon, chairs):
    return Centre(
        id=id_, name=id_, lat=lat, lon=lon, region=region, rooms=0, chairs=chairs, scanners=0
    )


def flows(wanted, catalog, centres, **kw):
    return patient_flows(
        wanted, centres, use={"lu-psma-post-taxane": USE}, capacity=CAPACITY, catalog=catalog, **kw
    )


def cycles(wanted):
    return {code: sum(r.cycles for r in wanted.rows if r.region == code) for code in ("ZZ1", "ZZ2")}


def test_capacity_in_cycles_for_the_mix():
    got = centre_capacity_cycles([centre("a", "ZZ1", 53, 6, 2)], {"x": 1.0}, {"x": USE}, CAPACITY)
    assert got.tolist() == [800.0]


def test_each_region_goes_to_its_nearest_centre_when_there_is_room(wanted, catalog):
    need = cycles(wanted)
    result = flows(
        wanted, catalog, [centre("n", "ZZ1", 53.0, 6.0, 10), centre("s", "ZZ2", 51.0, 5.5, 10)]
    )
    assert result.between == {"ZZ1": {"ZZ1": pytest.approx(need["ZZ1"])},
                              "ZZ2": {"ZZ2": pytest.approx(need["ZZ2"])}}  # fmt: skip
    assert result.unmet_cycles == pytest.approx(0) and result.travel_h["max"] == 0


def test_a_full_centre_spills_over_to_the_next_and_abroad(wanted, catalog):
    """ZZ2's own centre has 1 chair (400 cycles); the rest goes abroad to Aachen (nearer to
    ZZ2 than the northern centre, 1 chair: 400 cycles), then to the north."""
    need = cycles(wanted)
    assert need["ZZ2"] > 400 + 100
    home = [centre("n", "ZZ1", 53.0, 6.0, 20), centre("s", "ZZ2", 51.0, 5.5, 1)]
    abroad = centres_from_rows(
        [{"id": "ac", "name": "Aachen", "lat": "50.78", "lon": "6.08", "region": "de",
          "rooms": "0", "chairs": "1", "scanners": "0"}],
        None,
    )  # fmt: skip
    result = flows(wanted, catalog, home, abroad=abroad)
    south = result.between["ZZ2"]
    assert south["ZZ2"] == pytest.approx(400)
    assert south["abroad:DE"] == pytest.approx(400)  # the same 1 chair abroad: 400 cycles
    assert south["ZZ1"] == pytest.approx(need["ZZ2"] - 800)
    assert result.abroad_cycles == pytest.approx(400)
    region = {r.region: r for r in result.regions}["ZZ2"]
    assert (region.own_region, region.abroad) == (pytest.approx(400), pytest.approx(400))
    assert result.treated_beyond_h["1"] > 0 and result.road_km["max"] > 100


def test_max_hours_leaves_demand_unmet(wanted, catalog):
    need = cycles(wanted)
    result = flows(wanted, catalog, [centre("s", "ZZ2", 51.0, 5.5, 50)], max_hours=1.0)
    assert result.unmet_cycles == pytest.approx(need["ZZ1"])
    assert {r.region: r.unmet for r in result.regions}["ZZ2"] == pytest.approx(0)


def test_user_flow_matrix_and_over_capacity(wanted, catalog):
    need = cycles(wanted)
    centres = [centre("n", "ZZ1", 53.0, 6.0, 1), centre("s", "ZZ2", 51.0, 5.5, 1)]
    shares = np.array([[0.5, 0.5], [0.0, 0.9]])
    result = flows(wanted, catalog, centres, shares=shares)
    assert result.method == "user flow matrix"
    assert result.between["ZZ1"]["ZZ2"] == pytest.approx(0.5 * need["ZZ1"])
    assert result.unmet_cycles == pytest.approx(0.1 * need["ZZ2"])
    load = {c.centre: c.utilisation for c in result.centres}
    assert load["s"] == pytest.approx((0.5 * need["ZZ1"] + 0.9 * need["ZZ2"]) / 400)
    with pytest.raises(InputError, match=r"add up to 1\.2") as info:
        flows(wanted, catalog, centres, shares=np.array([[0.6, 0.6], [0, 0]]))
    assert info.value.field == "share"


def test_user_travel_times_replace_great_circle(wanted, catalog):
    centres = [centre("n", "ZZ1", 53.0, 6.0, 10), centre("s", "ZZ2", 51.0, 5.5, 10)]
    crossed = np.array([[5.0, 0.5], [0.5, 5.0]])  # each region is "nearer" the other's centre
    result = flows(wanted, catalog, centres, travel_time_h=crossed)
    assert set(result.between["ZZ1"]) == {"ZZ2"} and result.travel_time == "user matrix"
    with pytest.raises(InputError, match="travel_time matrix is"):
        flows(wanted, catalog, centres, travel_time_h=crossed[:, :1])


def test_nearest_assignment_conserves_cycles_and_respects_capacity(wanted, catalog):
    """Random centres: treated + unmet = demand, no centre above its capacity, and a region
    left with unmet demand has no centre with room to spare within reach."""
    rng = np.random.default_rng(7)
    regions = {r.code: r for r in catalog.country("zz").regions}
    for _ in range(5):
        centres = [
            centre(f"c{k}", str(rng.choice(["ZZ1", "ZZ2"])), rng.uniform(50, 54),
                   rng.uniform(4, 8), int(rng.integers(0, 2)))
            for k in range(6)
        ]  # fmt: skip
        result = flows(wanted, catalog, centres, max_hours=2.5)
        assert result.treated_cycles + result.unmet_cycles == pytest.approx(result.cycles)
        assert all(c.cycles <= c.capacity_cycles + 1e-6 for c in result.centres)
        spare = [c for c, load in zip(centres, result.centres, strict=True)
                 if load.cycles < load.capacity_cycles - 1e-6]  # fmt: skip
        for region in (r for r in result.regions if r.unmet > 1e-6):
            here = regions[region.region]
            for c in spare:
                km = great_circle_km([here.lat], [here.lon], [c.lat], [c.lon])[0, 0]
                assert road_hours(km) > 2.5, (region.region, c.id)


def test_a_centre_id_at_home_and_abroad_is_refused(wanted, catalog):
    home = [centre("n", "ZZ1", 53.0, 6.0, 10)]
    with pytest.raises(InputError, match="'n' is at home and abroad") as info:
        flows(wanted, catalog, home, abroad=[centre("n", "de", 50.8, 6.1, 1)])
    assert info.value.field == "abroad"
