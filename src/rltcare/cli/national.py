"""``rltcare national demand|gap|access``: national and regional planning."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import numpy as np
import typer
from pydantic import ValidationError

from rltcare.cli.common import CatalogOption, JsonOption, catalog_from, emit
from rltcare.errors import InputError, from_validation_errors
from rltcare.national import access as fca_engine
from rltcare.national.demand import Expansion, Scenario, demand
from rltcare.national.gap import capacity_gap, centres_from_rows
from rltcare.national.location import maximal_coverage
from rltcare.national.supply import SupplyNetwork, simulate_supply
from rltcare.result import Result
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


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(line for line in handle if not line.startswith("#")))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None


@app.command("gap")
def gap_command(
    country: str = CountryArg,
    centres: Path = CentresOption,
    indication: list[str] = IndicationOption,
    year: int = typer.Option(None, "--year", help="Year compared (default: the last)."),
    quantile: str = typer.Option("median", "--quantile", help="Demand: low, median or high."),
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
    found = centres_from_rows(_read_csv(centres), where, file=str(centres))
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
    result = capacity_gap(wanted, found, year=year, quantile=quantile, catalog=loaded)
    emit(result, as_json, title=f"Capacity gap: {result.country} {result.year}")


class AccessResult(Result):
    country: str
    method: str
    decay: str
    catchment_h: float
    regions: list[dict]
    share_beyond_h: dict[str, float]
    points: int = 0
    mean_access_per_100k: float = 0.0
    new_sites: dict | None = None

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [("method", f"{self.method}, {self.decay} decay, {self.catchment_h:g} h catchment")]
        rows += [
            (
                f"{r['region']} {r['name']}",
                f"{r['access_per_100k']:.3g} places per 100,000; "
                f"nearest centre {r['nearest_h']:.2f} h",
            )
            for r in self.regions
        ]
        if self.points:
            rows.append(("demand points", f"{self.points:,}"))
            rows.append(("mean access per 100,000", f"{self.mean_access_per_100k:.3g}"))
        rows += [(f"population beyond {k} h", f"{v:.1%}") for k, v in self.share_beyond_h.items()]
        if self.new_sites:
            rows.append(("new sites", ", ".join(self.new_sites["regions"])))
            rows.append(
                ("population within catchment after", f"{self.new_sites['covered_share']:.1%}")
            )
        return rows


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
    found = centres_from_rows(_read_csv(centres), where, file=str(centres))
    catchment_h = parse_duration(catchment, field="catchment")
    kinds = {"2sfca": "step", "e2sfca": decay, "3sfca": decay}
    if method not in kinds:
        raise InputError(f"unknown method {method!r}", field="method", hint="2sfca, e2sfca, 3sfca")
    rule = fca_engine.Decay(
        kinds[method],
        sigma_h=parse_duration(sigma, field="sigma"),
        edges_h=tuple(catchment_h * np.array([1, 2, 3]) / 3),
        weights=(1, 0.68, 0.22),
    )
    clat, clon = np.array([c.lat for c in found]), np.array([c.lon for c in found])
    supply = np.array([c.rooms + c.chairs for c in found], dtype=float)
    if points:
        if travel_times or new_sites:
            raise InputError(
                "--points works with great-circle times only, without --new-sites",
                field="points",
            )
        result = _points_access(
            points, where, clat, clon, supply, rule, method, catchment_h, road_factor, speed
        )
        emit(result, as_json, title=f"Access: {where.id}")
        return
    lat = np.array([r.lat for r in where.regions])
    lon = np.array([r.lon for r in where.regions])
    pop = np.array([r.population for r in where.regions], dtype=float)
    if travel_times:
        matrix = _matrix(travel_times, where, found)
    else:
        km = fca_engine.great_circle_km(lat, lon, clat, clon)
        matrix = fca_engine.road_hours(km, road_factor, speed)
    pairs = fca_engine.pairs_from_matrix(matrix, catchment_h)
    score = fca_engine.fca(pairs, pop, supply, rule, three_stage=method == "3sfca")
    nearest = matrix.min(axis=1)
    beyond = fca_engine.share_beyond(nearest, pop)
    sites = None
    if new_sites:
        candidates = fca_engine.road_hours(
            fca_engine.great_circle_km(lat, lon, lat, lon), road_factor, speed
        )
        chosen = maximal_coverage(candidates, pop, new_sites, catchment_h, existing=matrix)
        sites = {
            "regions": [where.regions[j].code for j in chosen.chosen],
            "covered_share": chosen.covered_share,
            "optimal": chosen.optimal,
            "solver": chosen.solver,
        }
    result = AccessResult(
        country=where.id,
        method=method,
        decay=rule.kind,
        catchment_h=catchment_h,
        regions=[
            {
                "region": r.code,
                "name": r.name,
                "access_per_100k": float(a * 1e5),
                "nearest_h": float(t),
            }
            for r, a, t in zip(where.regions, score, nearest, strict=True)
        ],
        share_beyond_h={f"{k:g}": v for k, v in beyond.items()},
        new_sites=sites,
    )
    emit(result, as_json, title=f"Access: {where.id}")


def _points_access(path, where, clat, clon, supply, rule, method, catchment_h, road_factor, speed):
    rows = _read_csv(path)
    columns = ("lat", "lon", "population")
    values = np.empty((len(rows), 3))
    for number, row in enumerate(rows, start=1):
        for k, column in enumerate(columns):
            try:
                values[number - 1, k] = float(row[column])
            except (KeyError, TypeError, ValueError):
                raise InputError(
                    f"{column} must be a number", file=str(path), row=number, field=column
                ) from None
    if not len(rows):
        raise InputError("no demand points", file=str(path))
    lat, lon, pop = values.T
    pairs = fca_engine.pairs_from_points(
        lat, lon, clat, clon, catchment_h, road_factor=road_factor, speed_kmh=speed
    )
    score = fca_engine.fca(pairs, pop, supply, rule, three_stage=method == "3sfca")
    nearest = fca_engine.nearest_hours(
        lat, lon, clat, clon, road_factor=road_factor, speed_kmh=speed
    )
    beyond = fca_engine.share_beyond(nearest, pop)
    return AccessResult(
        country=where.id,
        method=method,
        decay=rule.kind,
        catchment_h=catchment_h,
        regions=[],
        share_beyond_h={f"{k:g}": v for k, v in beyond.items()},
        points=len(rows),
        mean_access_per_100k=float((score * pop).sum() / pop.sum() * 1e5) if pop.sum() else 0.0,
    )


def _matrix(path: Path, country, centres) -> np.ndarray:
    rows = _read_csv(path)
    regions = {r.code: i for i, r in enumerate(country.regions)}
    ids = {c.id: j for j, c in enumerate(centres)}
    matrix = np.full((len(regions), len(ids)), np.nan)
    for number, row in enumerate(rows, start=1):
        for field, known in (("region", regions), ("centre", ids)):
            if row.get(field, "").strip() not in known:
                raise InputError(
                    f"unknown {field} {row.get(field)!r}", file=str(path), row=number, field=field
                )
        try:
            hours = float(row["hours"])
        except (KeyError, TypeError, ValueError):
            raise InputError(
                "hours must be a number", file=str(path), row=number, field="hours"
            ) from None
        matrix[regions[row["region"].strip()], ids[row["centre"].strip()]] = hours
    missing = np.argwhere(np.isnan(matrix))
    if missing.size:
        i, j = missing[0]
        raise InputError(
            f"{len(missing)} region-centre pair(s) missing, first {country.regions[i].code} → "
            f"{centres[j].id}",
            file=str(path),
            field="hours",
            hint="give a time for every region and centre",
        )
    return matrix


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
    net = _network(network)
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


def _network(path: Path) -> SupplyNetwork:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=str(path)) from None
    try:
        return SupplyNetwork.model_validate(data)
    except ValidationError as exc:
        raise from_validation_errors(exc.errors(), file=str(path)) from None
