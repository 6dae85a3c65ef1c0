from __future__ import annotations

from pathlib import Path

import pytest

from rltcare.catalog import load_catalog
from rltcare.catalog.country import Fraction
from rltcare.errors import CatalogError, InputError
from rltcare.national.demand import Expansion, Scenario, default_indications, demand
from rltcare.national.flows import patient_flows
from rltcare.national.gap import capacity_gap, centres_from_rows, csv_rows

EXAMPLES = Path(__file__).parents[2] / "examples" / "national"


def test_packaged_countries_sum_regions():
    catalog = load_catalog()
    assert set(catalog.countries) >= {"de", "it", "pl", "es", "uk"}
    assert 83e6 < catalog.country("de").population < 86e6
    assert 66e6 < catalog.country("uk").population < 69e6


def test_regions_add_up_to_national_and_seed_reproduces():
    a = demand("it", ["lu-psma-post-taxane"], draws=300, seed=4)
    b = demand("it", ["lu-psma-post-taxane"], draws=300, seed=4)
    assert a.rows == b.rows
    first = [r.patients for r in a.rows if r.year == a.start_year]
    assert sum(first) == pytest.approx(a.patients_first_year, rel=1e-9)


def test_growth_and_expansion_raise_demand():
    base = demand("es", ["lu-psma-post-taxane"], draws=200)
    grown = demand(
        "es", ["lu-psma-post-taxane"], draws=200, scenario=Scenario(growth_per_year=0.03)
    )
    assert grown.patients_last_year > base.patients_last_year
    wider = demand(
        "es",
        ["lu-psma-post-taxane"],
        draws=200,
        scenario=Scenario(expansions=[Expansion(indication="lu-psma-pre-taxane", from_year=2030)]),
    )
    assert wider.patients_first_year == pytest.approx(base.patients_first_year)
    assert wider.patients_last_year > 1.5 * base.patients_last_year


def test_unknown_figure_asks_for_it():
    # every packaged country now has its three figures; the fictional example lacks one
    catalog = load_catalog([EXAMPLES / "zz_example.toml"])
    with pytest.raises(InputError, match="gep_net_incidence") as info:
        demand("zz", ["lu-dotatate-gep-net"], draws=100, catalog=catalog)
    assert "--figure" in info.value.hint
    given = demand(
        "zz",
        ["lu-dotatate-gep-net"],
        draws=100,
        figures={"gep_net_incidence": 300},
        catalog=catalog,
    )
    assert given.patients_first_year > 0


def test_override_of_unknown_step_is_rejected():
    with pytest.raises(InputError, match="no step"):
        demand(
            "de",
            ["lu-psma-post-taxane"],
            overrides={"lu-psma-post-taxane": {"fitness": Fraction(mean=0.5, source="mine")}},
        )


def _write_country(tmp_path, region_code="DE1", reimbursed="1.2"):
    path = tmp_path / "xx.toml"
    path.write_text(
        f'''id = "de"
name = "Germany (mine)"
region_level = "NUTS-1"
code_prefix = "DE"
jurisdiction = "de"
population_year = 2023
population_source = "my office"
centroid_source = "my office"
bbox = [5.8, 47.2, 15.1, 55.1]
source = "my office"
regions = [{{ code = "{region_code}", name = "A", population = 1000, lat = 50.0, lon = 9.0 }}]

[reimbursed.lu-psma-post-taxane]
mean = {reimbursed}
source = "mine"

[meta]
kind = "country"
''',
        encoding="utf-8",
    )
    return path


def test_fraction_above_one_names_file_and_field(tmp_path):
    path = _write_country(tmp_path)
    with pytest.raises(CatalogError) as info:
        load_catalog([path])
    assert info.value.file == str(path)
    assert info.value.field == "reimbursed.lu-psma-post-taxane.mean"


def test_bad_region_code_names_file(tmp_path):
    path = _write_country(tmp_path, region_code="FR1", reimbursed="1.0")
    with pytest.raises(CatalogError, match="code_prefix") as info:
        load_catalog([path])
    assert info.value.file == str(path)


def test_user_country_file_replaces_packaged(tmp_path):
    catalog = load_catalog([_write_country(tmp_path, reimbursed="1.0")])
    assert catalog.country("de").population == 1000


@pytest.mark.parametrize(
    ("country", "low", "high"),
    [
        ("de", 82e6, 86e6),
        ("it", 58e6, 60e6),
        ("pl", 36e6, 38.5e6),
        ("es", 47e6, 50e6),
        ("uk", 66e6, 69e6),
    ],
)
def test_packaged_regions_are_plausible(country, low, high):
    """National totals within published ranges; every centroid inside the country's box;
    every epidemiological figure has a year or says it is unknown."""
    record = load_catalog().country(country)
    assert low < record.population < high
    lon_min, lat_min, lon_max, lat_max = record.bbox
    for region in record.regions:
        assert lon_min <= region.lon <= lon_max and lat_min <= region.lat <= lat_max
    for figure in record.epidemiology.values():
        assert figure.status == "unknown" or figure.year is not None


ZZ = Path(__file__).parents[2] / "examples" / "national" / "zz_example.toml"


def _regional_share(result, code: str) -> float:
    last = result.start_year + result.years - 1
    rows = [r for r in result.rows if r.year == last]
    return sum(r.patients for r in rows if r.region == code) / sum(r.patients for r in rows)


def test_prostate_demand_follows_population_65plus_where_every_region_has_it():
    catalog = load_catalog([ZZ])
    result = demand("zz", ["lu-psma-post-taxane"], draws=100, catalog=catalog)
    assert result.distributed_by == {"lu-psma-post-taxane": "population_65plus"}
    assert _regional_share(result, "ZZ1") == pytest.approx(500_000 / 1_600_000)
    assert not [w for w in result.warnings if "65+" in w]


def test_age_independent_demand_follows_total_population():
    catalog = load_catalog([ZZ])
    given = {k: Fraction(mean=1.0, source="test") for k in ("reimbursed", "uptake")}
    result = demand(
        "zz",
        ["i131-thyroid-ablation"],
        figures={"thyroid_cancer_incidence": 800},
        overrides={"i131-thyroid-ablation": given},
        draws=100,
        catalog=catalog,
    )
    assert result.distributed_by == {"i131-thyroid-ablation": "population"}
    assert _regional_share(result, "ZZ1") == pytest.approx(2 / 8)


def test_one_region_without_65plus_falls_back_to_population(tmp_path):
    text = ZZ.read_text(encoding="utf-8").replace(" population_65plus = 1100000,", "")
    path = tmp_path / "zz.toml"
    path.write_text(text, encoding="utf-8")
    result = demand("zz", ["lu-psma-post-taxane"], draws=100, catalog=load_catalog([path]))
    assert result.distributed_by == {"lu-psma-post-taxane": "population"}
    assert _regional_share(result, "ZZ1") == pytest.approx(2 / 8)
    assert any("missing for ZZ2" in w for w in result.warnings)
    assert ("lu-psma-post-taxane: regions by", "population") in result.summary_rows()


def test_65plus_above_population_names_file_and_field(tmp_path):
    text = ZZ.read_text(encoding="utf-8").replace(
        "population_65plus = 500000", "population_65plus = 2500000"
    )
    path = tmp_path / "zz.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match="population_65plus") as info:
        load_catalog([path])
    assert info.value.file == str(path)


def test_every_total_is_the_sum_of_its_parts():
    """The headline totals, the capacity gap and the flows all add up the same rows."""
    catalog = load_catalog()
    wanted = demand("de", draws=300, seed=1)
    assert wanted.indications == default_indications(catalog)
    assert "i131-thyroid-ablation" in wanted.indications
    last = wanted.start_year + wanted.years - 1
    rows = [r for r in wanted.rows if r.year == last]
    assert wanted.cycles_last_year == pytest.approx(sum(r.cycles for r in rows), rel=1e-12)
    assert wanted.patients_last_year == pytest.approx(sum(r.patients for r in rows), rel=1e-12)
    # the median of the national total over draws is another number, labelled as such
    low, median, high = wanted.cycles_last_year_total
    assert low < median < high and median != pytest.approx(wanted.cycles_last_year, rel=1e-6)
    labels = [label for label, _ in wanted.summary_rows()]
    assert f"cycles {last}, sum of regions" in labels
    assert f"cycles {last}, national total" in labels
    # GBq per nuclide, never added across nuclides
    assert set(wanted.activity_gbq_last_year) == {"Lu-177", "I-131"}
    for nuclide, gbq in wanted.activity_gbq_last_year.items():
        assert gbq == pytest.approx(sum(r.activity_gbq for r in rows if r.nuclide == nuclide))
    centres = centres_from_rows(
        csv_rows((EXAMPLES / "de_centres.csv").read_text().splitlines()), catalog.country("de")
    )
    gap = capacity_gap(wanted, centres, catalog=catalog)
    flows = patient_flows(wanted, centres, catalog=catalog)
    assert sum(g.cycles for g in gap.regions) == pytest.approx(wanted.cycles_last_year)
    assert flows.cycles == pytest.approx(wanted.cycles_last_year)
    assert sum(r.cycles for r in flows.regions) == pytest.approx(flows.cycles)
    assert flows.treated_cycles + flows.unmet_cycles == pytest.approx(flows.cycles)
