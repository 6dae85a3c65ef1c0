from __future__ import annotations

import csv

import pytest

from rltcare.catalog import default_catalog
from rltcare.errors import InputError
from rltcare.national.demand import demand
from rltcare.national.gap import capacity_gap, centres_from_rows
from rltcare.national.resources import resource_use

ROW = {
    "id": "a",
    "name": "A",
    "lat": "48.1",
    "lon": "11.6",
    "region": "DE2",
    "rooms": "2",
    "chairs": "1",
    "scanners": "1",
    "fte_nurse": "3",
}


def test_bed_days_follow_the_discharge_rule():
    assert resource_use("lu177-psma-617", "de").bed_days == 2  # 48 h minimum stay
    outpatient = resource_use("lu177-psma-617", "uk")
    assert outpatient.bed_days == 0 and outpatient.chair_hours > 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"region": "DE99"}, "region"),
        ({"lat": "40.4", "lon": "-3.7"}, "lat"),
        ({"rooms": "-1"}, "rooms"),
        ({"fte_wizard": "1"}, "fte_wizard"),
    ],
)
def test_bad_centre_rows_name_file_row_field(change, field):
    country = default_catalog().country("de")
    with pytest.raises(InputError) as info:
        centres_from_rows([ROW, {**ROW, "id": "b", **change}], country, file="c.csv")
    assert (info.value.file, info.value.row, info.value.field) == ("c.csv", 2, field)


def test_gap_closes_when_capacity_is_added():
    country = default_catalog().country("de")
    wanted = demand("de", ["lu-psma-post-taxane"], draws=200, seed=2)
    small = capacity_gap(wanted, centres_from_rows([ROW], country))
    bavaria = next(g for g in small.regions if g.region == "DE2")
    assert bavaria.add["rooms"] > 0
    grown = {**ROW, "rooms": str(2 + int(bavaria.add["rooms"]))}
    bigger = capacity_gap(wanted, centres_from_rows([grown], country))
    assert next(g for g in bigger.regions if g.region == "DE2").add["rooms"] == 0
    cycles = sum(g.cycles for g in small.regions)
    assert small.activity_gbq == pytest.approx(cycles * 7.4)


def test_example_centres_file_is_valid():
    with open("examples/national/de_centres.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    assert len(centres_from_rows(rows, default_catalog().country("de"))) == 13
