"""``rltcare national demand|gap|flows|access|supply|report``: national and regional planning."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import typer

from rltcare.cli import national_inputs as inputs
from rltcare.cli.common import CatalogOption, JsonOption, catalog_from, emit
from rltcare.cli.national_options import DemandOptions, demand_options
from rltcare.errors import InputError
from rltcare.national import access as fca_engine
from rltcare.national.waiting import Hazard, Waiting, hazard_for, waiting_from_planner
from rltcare.units import parse_activity, parse_duration

app = typer.Typer(
    help="National and regional planning: demand, capacity gap, patient flows, access, supply."
)

CountryArg = typer.Argument(..., help="Country id: de, it, pl, es, uk (or one from your files).")
CentresOption = typer.Option(..., "--centres", help="Centres CSV (see docs/national-planning.md).")


def register(app_: typer.Typer) -> None:
    app_.add_typer(app, name="national")


@app.command("demand")
@demand_options()
def demand_command(
    country: str = CountryArg,
    options: DemandOptions = None,
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """Patients, cycles and GBq a year per region, with 95% Monte Carlo intervals."""
    result = options.demand(country, catalog_from(catalog))
    emit(result, as_json, title=f"Demand: {result.country}")


@app.command("gap")
@demand_options()
def gap_command(
    country: str = CountryArg,
    centres: Path = CentresOption,
    year: int = typer.Option(None, "--year", help="Year compared (default: the last)."),
    quantile: str = typer.Option("median", "--quantile", help="Demand: low, median or high."),
    resource_use: Path = typer.Option(
        None, "--resource-use", help="TOML of per-cycle use by indication (e.g. from the planner)."
    ),
    planner: Path = typer.Option(
        None, "--planner", help="Capacity-planner scenario: run it for per-cycle resource use."
    ),
    planner_replications: int = typer.Option(3, "--planner-replications", min=1, max=100),
    options: DemandOptions = None,
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """Rooms, chairs, scanners and FTE to add per region to meet demand."""
    from rltcare.national.gap import (
        capacity_gap,
    )  # engines imported in commands: start-up stays fast

    loaded = catalog_from(catalog)
    where = loaded.country(country)
    found = inputs.centres(centres, where)[0]
    wanted = options.demand(country, loaded)
    use = inputs.resource_use(resource_use) if resource_use else {}
    if planner:
        use = {**_planner_use(planner, planner_replications, wanted, loaded, options.seed), **use}
    result = capacity_gap(wanted, found, year=year, quantile=quantile, use=use, catalog=loaded)
    emit(result, as_json, title=f"Capacity gap: {result.country} {result.year}")


@app.command("flows")
@demand_options()
def flows_command(
    country: str = CountryArg,
    centres: Path = CentresOption,
    abroad: Path = typer.Option(
        None, "--abroad", help="Centres abroad CSV (same columns; region = their country code)."
    ),
    flow_matrix: Path = typer.Option(
        None, "--flows", help="CSV region,centre,share: your flows instead of nearest first."
    ),
    travel_times: Path = typer.Option(
        None, "--travel-times", help="CSV region,centre,hours for every centre (home and abroad)."
    ),
    max_hours: str = typer.Option(
        None, "--max-hours", help="Longest journey a patient makes, e.g. '3 h' (default: any)."
    ),
    year: int = typer.Option(None, "--year", help="Year assigned (default: the last)."),
    quantile: str = typer.Option("median", "--quantile", help="Demand: low, median or high."),
    options: DemandOptions = None,
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """Where each region's cycles are treated: flows between regions and abroad, unmet demand."""
    from rltcare.national.flows import patient_flows

    loaded = catalog_from(catalog)
    where = loaded.country(country)
    home, away = inputs.centres(centres, where, abroad)
    everywhere = [*home, *away]
    files = {"share": flow_matrix, "travel_time": travel_times}
    try:
        result = patient_flows(
            options.demand(country, loaded),
            home,
            abroad=away,
            year=year,
            quantile=quantile,
            shares=inputs.matrix(flow_matrix, where, everywhere, column="share", missing=0.0)
            if flow_matrix
            else None,
            travel_time_h=inputs.matrix(travel_times, where, everywhere) if travel_times else None,
            max_hours=parse_duration(max_hours, field="max_hours") if max_hours else None,
            catalog=loaded,
        )
    except InputError as exc:
        if exc.file is None and files.get(exc.field):
            exc.file = str(files[exc.field])  # the engine checks the matrix; name its file
        raise
    emit(result, as_json, title=f"Patient flows: {result.country} {result.year}")


def _planner_use(path: Path, replications: int, wanted, catalog, seed: int):
    """Per-cycle use for the demand's indications whose product the planner scenario treats."""
    from rltcare.capacity import build_model, load_scenario, run_replications
    from rltcare.national.planner import mean_kpis, resource_use_from_kpis

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
    from rltcare.national.regional import points_access, regional_access

    loaded = catalog_from(catalog)
    where = loaded.country(country)
    found = inputs.centres(centres, where)[0]
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
@demand_options(exclude=("indication", "growth", "ramp_years", "figure", "draws"))
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
    replications: int = typer.Option(100, "--replications", help="Monte Carlo replications."),
    reserve: float = typer.Option(0.0, "--reserve", help="Extra processing capacity, e.g. 0.2."),
    death_rate: float = typer.Option(
        None, "--death-rate", help="Hazard of death while waiting, a year (default: by indication)."
    ),
    drop_out: str = typer.Option(
        None, "--drop-out", help="Patients still waiting this long go elsewhere, e.g. '16 weeks'."
    ),
    catch_up: float = typer.Option(
        Waiting().catch_up, "--catch-up", help="Deferred cycles a week as a share of booked ones."
    ),
    planner: Path = typer.Option(
        None, "--planner", help="Capacity-planner scenario: its [behaviour] hazard and drop-out."
    ),
    options: DemandOptions = None,
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """GBq shortfall a week from reactor outages; deferred cycles, delay, deaths while waiting."""
    from rltcare.national.supply import simulate_supply

    loaded = catalog_from(catalog)
    drug = loaded.radiopharmaceutical(product)
    nuclide = loaded.nuclide(drug.nuclide)
    net = inputs.network(network)
    years, start_year = options.years, options.start_year
    if demand_per_week:
        weekly = parse_activity(demand_per_week) / 1000
        mix = {k: 1.0 for k, ind in loaded.indications.items() if _approved(ind, drug.id)}
    else:
        if not country:
            raise InputError("give --country (repeatable) or --demand", field="country")
        weekly, mix = np.zeros(years), {}
        same_nuclide = [
            key
            for key, ind in loaded.indications.items()
            if ind.label == "approved"
            and loaded.radiopharmaceutical(ind.product).nuclide == drug.nuclide
        ]
        for name in country:
            wanted = replace(options, draws=200).demand(name, loaded, same_nuclide)
            for row in wanted.rows:
                weekly[row.year - start_year] += row.activity_gbq / 52
                mix[row.indication] = mix.get(row.indication, 0.0) + row.cycles
    waiting = _waiting(mix, death_rate, drop_out, catch_up, planner)
    result = simulate_supply(
        net,
        weekly,
        gbq_per_cycle=drug.typical_activity_mbq / 1000,
        half_life_h=nuclide.half_life_h,
        shelf_life_h=drug.shelf_life_h,
        years=years,
        replications=replications,
        reserve=reserve,
        waiting=waiting,
        seed=options.seed,
    )
    emit(result, as_json, title="Isotope supply")


def _approved(indication, product_id: str) -> bool:
    return indication.label == "approved" and indication.product == product_id


def _waiting(mix, death_rate, drop_out, catch_up, planner) -> Waiting:
    """The planner's [behaviour] if given, else the indications' hazard; options override."""
    from rltcare.capacity import load_scenario

    base = (
        waiting_from_planner(load_scenario(planner), name=planner.name)
        if planner
        else Waiting(hazard=hazard_for(mix))
    )
    update: dict = {"catch_up": catch_up}
    if death_rate is not None:
        update["hazard"] = Hazard(rate_per_year=death_rate, source="--death-rate (user input)")
    if drop_out:
        update["drop_out_after_weeks"] = parse_duration(drop_out, field="drop_out") / 168.0
    return Waiting.model_validate({**base.model_dump(), **update})


@app.command("report")
@demand_options(exclude=("indication", "ramp_years"))
def report_command(
    country: str = CountryArg,
    centres: Path = CentresOption,
    out: Path = typer.Option(..., "--out", "-o", help="HTML file to write."),
    network: Path = typer.Option(None, "--network", help="Supply network TOML (optional)."),
    abroad: Path = typer.Option(None, "--abroad", help="Centres abroad CSV (optional)."),
    catchment: str = typer.Option("2 h", "--catchment", help="Access catchment, e.g. '2 h'."),
    options: DemandOptions = None,
    catalog: list[Path] = CatalogOption,
    as_json: bool = JsonOption,
) -> None:
    """A self-contained HTML report: demand, map, capacity gap, flows, access (and supply)."""
    from rltcare.national.flows import patient_flows
    from rltcare.national.gap import capacity_gap
    from rltcare.national.regional import regional_access
    from rltcare.national.report import country_report
    from rltcare.national.supply import simulate_supply

    loaded = catalog_from(catalog)
    where = loaded.country(country)
    found, away = inputs.centres(centres, where, abroad)
    wanted = options.demand(country, loaded)
    gap = capacity_gap(wanted, found, catalog=loaded)
    flows = patient_flows(wanted, found, abroad=away, catalog=loaded)
    access = regional_access(where, found, catchment_h=parse_duration(catchment, field="catchment"))
    supply = None
    if network:
        drug = loaded.radiopharmaceutical("lu177-psma-617")
        years = range(options.start_year, options.start_year + options.years)
        lu177 = [r for r in wanted.rows if _is_lu177(loaded, r)]
        weekly = [sum(r.activity_gbq for r in lu177 if r.year == y) / 52 for y in years]
        mix: dict[str, float] = {}
        for row in lu177:
            mix[row.indication] = mix.get(row.indication, 0.0) + row.cycles
        supply = simulate_supply(
            inputs.network(network),
            np.array(weekly),
            gbq_per_cycle=drug.typical_activity_mbq / 1000,
            half_life_h=loaded.nuclide(drug.nuclide).half_life_h,
            shelf_life_h=drug.shelf_life_h,
            years=options.years,
            waiting=Waiting(hazard=hazard_for(mix)),
            seed=options.seed,
        )
    html = country_report(where, wanted, gap, access, supply, found, flows=flows, abroad=away)
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=str(out), field="out") from None
    emit({"report": str(out), "country": where.id, "bytes": out.stat().st_size}, as_json)


def _is_lu177(catalog, row) -> bool:
    product = catalog.radiopharmaceutical(catalog.indication(row.indication).product)
    return product.nuclide == "Lu-177"
