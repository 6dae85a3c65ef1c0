"""``rltcare national demand|gap|access``: national and regional planning."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer

from rltcare.capacity import build_model, load_scenario, run_replications
from rltcare.cli import national_inputs as inputs
from rltcare.cli.common import CatalogOption, JsonOption, catalog_from, emit
from rltcare.errors import InputError
from rltcare.national import access as fca_engine
from rltcare.national.demand import Expansion, Scenario, demand
from rltcare.national.gap import capacity_gap, centres_from_rows
from rltcare.national.planner import mean_kpis, resource_use_from_kpis
from rltcare.national.regional import points_access, regional_access
from rltcare.national.report import country_report
from rltcare.national.supply import simulate_supply
from rltcare.units import parse_activity, parse_duration

app = typer.Typer(help="National and regional planning: demand, capacity gap, access.")

CountryArg = typer.Argument(..., help="Country id: de, it, pl, es, uk (or one from your files).")
IndicationOption = typer.Option(None, "--indication", "-i", help="Indication id (repeatable).")
YearsOption = typer.Option(10, "--years", help="Years projected (1-30).")
StartOption = typer.Option(2026, "--start-year", help="First year projected.")
GrowthOption = typer.Option(0.01, "--growth", help="Yearly growth of incidence, e.g. 0.01.")
RampOption = typer.Option(0, "--ramp-years", help="Years for uptake to reach its value.")
ExpandOption = typer.Option(
    None,
    "--expand",
    help="Label expansion INDICATION@YEAR (repeatable), e.g. lu-psma-pre-taxane@2027.",
)
FigureOption = typer.Option(
    None, "--figure", help="National figure KEY=COUNT a year, e.g. thyroid_cancer_incidence=4100."
)
DrawsOption = typer.Option(1000, "--draws", help="Monte Carlo draws.")
SeedOption = typer.Option(0, "--seed", help="Seed of the Monte Carlo.")
CentresOption = typer.Option(..., "--centres", help="Centres CSV (see docs/national-planning.md).")


def register(app_: typer.Typer) -> None:
    app_.add_typer(app, name="national")


def _scenario(years, start_year, growth, ramp_years, expand) -> Scenario:
    expansions = []
    for text in expand or []:
        name, sep, year = text.partition("@")
        if not sep or not year.strip().isdigit():
            raise InputError(f"expected INDICATION@YEAR, got {text!r}", field="expand")
        expansions.append(Expansion(indication=name.strip(), from_year=int(year)))
    return Scenario(
        start_year=start_year,
        years=years,
        growth_per_year=growth,
        uptake_ramp_years=ramp_years,
        expansions=expansions,
    )


def _figures(items: list[str] | None) -> dict[str, float]:
    out = {}
    for text in items or []:
        key, sep, value = text.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise InputError(f"expected KEY=COUNT, got {text!r}", field="figure")
    return out


def _demand(
    country, indication, years, start_year, growth, ramp_years, expand, figure, draws, seed, loaded
):
    return demand(
        country,
        indication or None,
        scenario=_scenario(years, start_year, growth, ramp_years, expand),
        figures=_figures(figure),
        draws=draws,
        seed=seed,
        catalog=loaded,
    )


@app.command("demand")
def demand_command(
    country: str = CountryArg,
    indication: list[str] = IndicationOption,
    years: int = YearsOption,
    start_year: int = StartOption,
    growth: float = GrowthOption,
    ramp_years: int = RampOption,
    expand: list[str] = ExpandOption,
    figure: list[str] = FigureOption,
    draws: int = DrawsOption,
    seed: int = SeedOption,
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """Patients, cycles and GBq a year per region, with 95% Monte Carlo intervals."""
    loaded = catalog_from(catalog)
    result = _demand(
        country,
        indication,
        years,
        start_year,
        growth,
        ramp_years,
        expand,
        figure,
        draws,
        seed,
        loaded,
    )
    emit(result, as_json, title=f"Demand: {result.country}")


@app.command("gap")
def gap_command(
    country: str = CountryArg,
    centres: Path = CentresOption,
    indication: list[str] = IndicationOption,
    year: int = typer.Option(None, "--year", help="Year compared (default: the last)."),
    quantile: str = typer.Option("median", "--quantile", help="Demand: low, median or high."),
    resource_use: Path = typer.Option(
        None, "--resource-use", help="TOML of per-cycle use by indication (e.g. from the planner)."
    ),
    planner: Path = typer.Option(
        None, "--planner", help="Capacity-planner scenario: run it for per-cycle resource use."
    ),
    planner_replications: int = typer.Option(3, "--planner-replications", min=1, max=100),
    years: int = YearsOption,
    start_year: int = StartOption,
    growth: float = GrowthOption,
    ramp_years: int = RampOption,
    expand: list[str] = ExpandOption,
    figure: list[str] = FigureOption,
    draws: int = DrawsOption,
    seed: int = SeedOption,
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """Rooms, chairs, scanners and FTE to add per region to meet demand."""
    loaded = catalog_from(catalog)
    where = loaded.country(country)
    found = centres_from_rows(inputs.read_csv(centres), where, file=str(centres))
    wanted = _demand(
        country,
        indication,
        years,
        start_year,
        growth,
        ramp_years,
        expand,
        figure,
        draws,
        seed,
        loaded,
    )
    use = inputs.resource_use(resource_use) if resource_use else {}
    if planner:
        use = {**_planner_use(planner, planner_replications, wanted, loaded, seed), **use}
    result = capacity_gap(wanted, found, year=year, quantile=quantile, use=use, catalog=loaded)
    emit(result, as_json, title=f"Capacity gap: {result.country} {result.year}")


def _planner_use(path: Path, replications: int, wanted, catalog, seed: int):
    """Per-cycle use for the demand's indications whose product the planner scenario treats."""
    spec = load_scenario(path)
    model = build_model(spec, catalog, file=str(path))
    runs = run_replications(model, seed, replications)
    kpis = mean_kpis([r.kpis for r in runs])
    products = {i.product for i in spec.indications}
    out = {}
    for name in wanted.indications:
        product = catalog.radiopharmaceutical(catalog.indication(name).product)
        if product.id in products:
            out[name] = resource_use_from_kpis(
                kpis, product.id, catalog=catalog, source=f"capacity planner: {path.name}"
            )
    if not out:
        raise InputError(
            "the planner scenario treats none of the demand's products", file=str(path)
        )
    return out


@app.command("access")
def access_command(
    country: str = CountryArg,
    centres: Path = CentresOption,
    method: str = typer.Option("e2sfca", "--method", help="2sfca, e2sfca or 3sfca."),
    catchment: str = typer.Option(
        "2 h", "--catchment", help="Catchment travel time, e.g. '90 min'."
    ),
    decay: str = typer.Option("gaussian", "--decay", help="step, gaussian or zones."),
    sigma: str = typer.Option("1 h", "--sigma", help="Width of the gaussian decay."),
    travel_times: Path = typer.Option(
        None, "--travel-times", help="CSV region,centre,hours: replaces great-circle times."
    ),
    points: Path = typer.Option(
        None, "--points", help="CSV lat,lon,population: demand points instead of region centroids."
    ),
    new_sites: int = typer.Option(0, "--new-sites", help="Place this many new centres (MCLP)."),
    road_factor: float = typer.Option(fca_engine.ROAD_FACTOR, "--road-factor"),
    speed: float = typer.Option(fca_engine.ROAD_SPEED_KMH, "--speed", help="Road speed, km/h."),
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """Accessibility of each region's population to treatment places (rooms + chairs)."""
    loaded = catalog_from(catalog)
    where = loaded.country(country)
    found = centres_from_rows(inputs.read_csv(centres), where, file=str(centres))
    options = {
        "method": method,
        "catchment_h": parse_duration(catchment, field="catchment"),
        "decay": decay,
        "sigma_h": parse_duration(sigma, field="sigma"),
        "road_factor": road_factor,
        "speed_kmh": speed,
    }
    if points:
        if travel_times or new_sites:
            raise InputError(
                "--points works with great-circle times only, without --new-sites",
                field="points",
            )
        lat, lon, pop = inputs.points(points)
        result = points_access(where, found, lat, lon, pop, **options)
    else:
        matrix = inputs.matrix(travel_times, where, found) if travel_times else None
        result = regional_access(where, found, travel_time_h=matrix, new_sites=new_sites, **options)
    emit(result, as_json, title=f"Access: {where.id}")


@app.command("supply")
def supply_command(
    network: Path = typer.Option(..., "--network", help="Supply network TOML (see docs)."),
    country: list[str] = typer.Option(
        None, "--country", "-c", help="Countries whose demand is served."
    ),
    product: str = typer.Option(
        "lu177-psma-617", "--product", help="Product: nuclide and shelf life."
    ),
    demand_per_week: str = typer.Option(
        None, "--demand", help="Demand a week instead of countries', e.g. '5000 GBq'."
    ),
    years: int = YearsOption,
    start_year: int = StartOption,
    replications: int = typer.Option(100, "--replications", help="Monte Carlo replications."),
    reserve: float = typer.Option(0.0, "--reserve", help="Extra processing capacity, e.g. 0.2."),
    expand: list[str] = ExpandOption,
    seed: int = SeedOption,
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """GBq shortfall a week from reactor calendars and planned and random outages."""
    loaded = catalog_from(catalog)
    drug = loaded.radiopharmaceutical(product)
    nuclide = loaded.nuclide(drug.nuclide)
    net = inputs.network(network)
    if demand_per_week:
        weekly = parse_activity(demand_per_week) / 1000
    else:
        if not country:
            raise InputError("give --country (repeatable) or --demand", field="country")
        weekly = np.zeros(years)
        same_nuclide = [
            key
            for key, ind in loaded.indications.items()
            if ind.label == "approved"
            and loaded.radiopharmaceutical(ind.product).nuclide == drug.nuclide
        ]
        for name in country:
            wanted = demand(
                name,
                same_nuclide,
                scenario=_scenario(years, start_year, 0.01, 0, expand),
                draws=200,
                seed=seed,
                catalog=loaded,
            )
            for row in wanted.rows:
                weekly[row.year - start_year] += row.activity_gbq / 52
    result = simulate_supply(
        net,
        weekly,
        gbq_per_cycle=drug.typical_activity_mbq / 1000,
        half_life_h=nuclide.half_life_h,
        shelf_life_h=drug.shelf_life_h,
        years=years,
        replications=replications,
        reserve=reserve,
        seed=seed,
    )
    emit(result, as_json, title="Isotope supply")


@app.command("report")
def report_command(
    country: str = CountryArg,
    centres: Path = CentresOption,
    out: Path = typer.Option(..., "--out", "-o", help="HTML file to write."),
    network: Path = typer.Option(None, "--network", help="Supply network TOML (optional)."),
    years: int = YearsOption,
    start_year: int = StartOption,
    growth: float = GrowthOption,
    expand: list[str] = ExpandOption,
    figure: list[str] = FigureOption,
    catchment: str = typer.Option("2 h", "--catchment", help="Access catchment, e.g. '2 h'."),
    draws: int = DrawsOption,
    seed: int = SeedOption,
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """A self-contained HTML report: demand, map, capacity gap, access (and supply)."""
    loaded = catalog_from(catalog)
    where = loaded.country(country)
    found = centres_from_rows(inputs.read_csv(centres), where, file=str(centres))
    wanted = _demand(
        country, None, years, start_year, growth, 0, expand, figure, draws, seed, loaded
    )
    gap = capacity_gap(wanted, found, catalog=loaded)
    access = regional_access(where, found, catchment_h=parse_duration(catchment, field="catchment"))
    supply = None
    if network:
        drug = loaded.radiopharmaceutical("lu177-psma-617")
        weekly = [
            sum(r.activity_gbq for r in wanted.rows if r.year == y and _is_lu177(loaded, r)) / 52
            for y in range(start_year, start_year + years)
        ]
        supply = simulate_supply(
            inputs.network(network),
            np.array(weekly),
            gbq_per_cycle=drug.typical_activity_mbq / 1000,
            half_life_h=loaded.nuclide(drug.nuclide).half_life_h,
            shelf_life_h=drug.shelf_life_h,
            years=years,
            seed=seed,
        )
    try:
        out.write_text(country_report(where, wanted, gap, access, supply, found), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=str(out), field="out") from None
    emit({"report": str(out), "country": where.id, "bytes": out.stat().st_size}, as_json)


def _is_lu177(catalog, row) -> bool:
    product = catalog.radiopharmaceutical(catalog.indication(row.indication).product)
    return product.nuclide == "Lu-177"
