from __future__ import annotations

import pytest

from rltcare.catalog import default_catalog
from rltcare.errors import InputError
from rltcare.national.demand import demand
from rltcare.national.gap import (
    activity_text,
    capacity_gap,
    centres_from_rows,
    counted,
    csv_rows,
)
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
    assert small.activity_gbq == {"Lu-177": pytest.approx(cycles * 7.4)}


def test_example_centres_file_is_valid():
    with open("examples/national/de_centres.csv", encoding="utf-8") as handle:
        rows = csv_rows(handle)
    assert len(centres_from_rows(rows, default_catalog().country("de"))) == 13


def test_csv_rows_skip_comment_lines():
    text = "# a comment\n  # indented comment\nid,name\na,A\n"
    assert csv_rows(text.splitlines()) == [{"id": "a", "name": "A"}]


def test_gap_keeps_activity_per_nuclide_and_counts_in_the_singular():
    country = default_catalog().country("de")
    wanted = demand("de", ["lu-psma-post-taxane", "i131-thyroid-ablation"], draws=100)
    gap = capacity_gap(wanted, centres_from_rows([ROW], country))
    assert set(gap.activity_gbq) == {"Lu-177", "I-131"}
    for nuclide, total in gap.activity_gbq.items():
        assert total == pytest.approx(sum(g.activity_gbq.get(nuclide, 0) for g in gap.regions))
    assert counted(1, "scanners") == "1 scanner" and counted(2, "scanners") == "2 scanners"
    assert counted(1, "nurse_fte") == "1 nurse_fte"
    assert activity_text({"Lu-177": 1234.4, "I-131": 56}) == "1,234 GBq Lu-177; 56 GBq I-131"
