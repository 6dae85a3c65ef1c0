"""Packaged country data: transcription checks against the national rows of the sources,
and the population_65plus field."""

from __future__ import annotations

import pytest

from rltcare.catalog import load_catalog
from rltcare.errors import CatalogError

# National rows of Eurostat demo_r_pjanaggr3, 1 January 2025 (sex T; ages TOTAL and Y_GE65),
# read separately from the region rows: the regions must add up to them exactly.
EUROSTAT_2025 = {
    "de": (83_577_140, 19_005_074),
    "it": (58_943_464, 14_579_867),
    "pl": (36_497_495, 7_667_043),
    "es": (49_128_297, 10_178_625),
}


@pytest.mark.parametrize("country", sorted(EUROSTAT_2025))
def test_regions_add_up_to_the_national_eurostat_row(country):
    record = load_catalog().country(country)
    total, older = EUROSTAT_2025[country]
    assert record.population == total
    assert sum(r.population_65plus for r in record.regions) == older
    assert record.population_year == 2025
    assert "demo_r_pjanaggr3" in record.population_source


@pytest.mark.parametrize("country", sorted(EUROSTAT_2025))
def test_share_aged_65_plus_is_plausible_in_every_region(country):
    """Between 12% and 32% in every region (EU regions span roughly that range)."""
    for region in load_catalog().country(country).regions:
        assert 0.12 < region.population_65plus / region.population < 0.32, region.code


# The UK rows of the same table end with 1 January 2019 (listed as NUTS-1 UKC-UKN).
EUROSTAT_UK_2019 = (66_647_112, 12_272_378)


def test_uk_regions_add_up_to_the_last_eurostat_uk_row():
    record = load_catalog().country("uk")
    total, older = EUROSTAT_UK_2019
    assert record.population == total
    assert sum(r.population_65plus for r in record.regions) == older
    assert record.population_year == 2019
    assert "demo_r_pjanaggr3" in record.population_source


def test_uk_share_aged_65_plus_is_plausible_in_every_region():
    """London is the youngest region (about 12 %), Wales and the South West the oldest."""
    for region in load_catalog().country("uk").regions:
        assert 0.11 < region.population_65plus / region.population < 0.25, region.code


@pytest.mark.parametrize("country", ["de", "it", "pl", "es", "uk"])
def test_centroids_are_gisco_label_points(country):
    record = load_catalog().country(country)
    assert "NUTS_LB_2021" in record.centroid_source
    # label points are given to 4 decimals; the old hand-placed points had 1-2
    assert any(round(r.lat, 2) != r.lat for r in record.regions)


@pytest.mark.parametrize("country", ["de", "it", "pl", "es", "uk"])
def test_every_packaged_figure_has_a_value_and_a_source(country):
    for key, figure in load_catalog().country(country).epidemiology.items():
        assert figure.status != "unknown", key
        assert len(figure.source) > 40, key


def _country_file(tmp_path, older):
    path = tmp_path / "yy.toml"
    path.write_text(
        f"""id = "yy"
name = "Test country"
region_level = "NUTS-1"
code_prefix = "YY"
jurisdiction = "iaea"
population_year = 2025
population_source = "test"
centroid_source = "test"
bbox = [0.0, 0.0, 10.0, 10.0]
source = "test"
regions = [{{ code = "YY1", name = "A", population = 1000, population_65plus = {older}, lat = 5.0, lon = 5.0 }}]

[meta]
kind = "country"
""",
        encoding="utf-8",
    )
    return path


def test_population_65plus_above_population_names_file(tmp_path):
    path = _country_file(tmp_path, 1001)
    with pytest.raises(CatalogError, match="population_65plus 1001") as info:
        load_catalog([path])
    assert info.value.file == str(path)
    assert "regions" in (info.value.field or "")


def test_population_65plus_within_population_loads(tmp_path):
    record = load_catalog([_country_file(tmp_path, 250)]).country("yy")
    assert record.regions[0].population_65plus == 250
