"""National planning: ``POST /api/v1/national/{demand,gap,access,supply}`` and the page."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from rltcare.errors import InputError
from rltcare.national.demand import DemandResult, Expansion, Scenario, demand
from rltcare.national.gap import Centre, GapResult, capacity_gap, centres_from_rows, place_centre
from rltcare.national.regional import METHODS, AccessResult, regional_access
from rltcare.national.report import demand_map
from rltcare.national.supply import SupplyNetwork, SupplyResult, simulate_supply
from rltcare.units import Duration
from rltcare.web.deps import CatalogDep
from rltcare.web.templating import figure_html, render, validate_form

api = APIRouter(prefix="/api/v1/national", tags=["national"])
pages = APIRouter(include_in_schema=False)


class DemandRequest(BaseModel):
    """A country's demand scenario."""

    model_config = ConfigDict(extra="forbid")

    country: str = Field(min_length=2, examples=["de"])
    indications: list[str] | None = Field(None, examples=[["lu-psma-post-taxane"]])
    start_year: int = Field(2026, ge=1990, le=2100)
    years: int = Field(10, ge=1, le=30)
    growth_per_year: float = Field(0.01, ge=-0.1, le=0.2)
    uptake_ramp_years: int = Field(0, ge=0, le=20)
    expansions: list[Expansion] = Field(default_factory=list)
    figures: dict[str, float] = Field(
        default_factory=dict, description="National counts a year the data lacks."
    )
    draws: int = Field(1000, ge=10, le=20_000)
    seed: int = 0


class GapRequest(DemandRequest):
    centres: list[Centre] = Field(min_length=1)
    year: int | None = None
    quantile: str = Field("median", pattern="^(low|median|high)$")


class AccessRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: str = Field(min_length=2, examples=["de"])
    centres: list[Centre] = Field(min_length=1)
    method: str = Field("e2sfca", pattern="^(2sfca|e2sfca|3sfca)$")
    catchment: Duration = Field(2.0, description="h, or text such as '90 min'.")
    decay: str = Field("gaussian", pattern="^(step|gaussian|zones)$")
    sigma: Duration = Field(1.0, description="Width of the gaussian decay.")
    new_sites: int = Field(0, ge=0, le=50)


class SupplyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    network: SupplyNetwork
    demand_gbq_per_week: float = Field(ge=0)
    product: str = "lu177-psma-617"
    years: int = Field(10, ge=1, le=30)
    replications: int = Field(100, ge=1, le=2000)
    reserve: float = Field(0.0, ge=0, le=5)
    seed: int = 0


def _demand(request: DemandRequest, catalog) -> DemandResult:
    scenario = Scenario(
        start_year=request.start_year,
        years=request.years,
        growth_per_year=request.growth_per_year,
        uptake_ramp_years=request.uptake_ramp_years,
        expansions=request.expansions,
    )
    return demand(
        request.country,
        request.indications,
        scenario=scenario,
        figures=request.figures,
        draws=request.draws,
        seed=request.seed,
        catalog=catalog,
    )


def _placed(centres: list[Centre], country) -> list[Centre]:
    return [place_centre(c, country, row=k) for k, c in enumerate(centres, start=1)]


@api.post("/demand", response_model=DemandResult, operation_id="national_demand")
def demand_endpoint(request: DemandRequest, catalog: CatalogDep) -> DemandResult:
    """Patients, cycles and GBq per region and year with 95% Monte Carlo intervals."""
    return _demand(request, catalog)


@api.post("/gap", response_model=GapResult, operation_id="national_gap")
def gap_endpoint(request: GapRequest, catalog: CatalogDep) -> GapResult:
    """Rooms, chairs, scanners and FTE to add per region."""
    centres = _placed(request.centres, catalog.country(request.country))
    return capacity_gap(
        _demand(request, catalog),
        centres,
        year=request.year,
        quantile=request.quantile,
        catalog=catalog,
    )


@api.post("/access", response_model=AccessResult, operation_id="national_access")
def access_endpoint(request: AccessRequest, catalog: CatalogDep) -> AccessResult:
    """FCA accessibility per region, share beyond 1-3 h, optional new sites."""
    country = catalog.country(request.country)
    return regional_access(
        country,
        _placed(request.centres, country),
        method=request.method,
        catchment_h=request.catchment,
        decay=request.decay,
        sigma_h=request.sigma,
        new_sites=request.new_sites,
    )


@api.post("/supply", response_model=SupplyResult, operation_id="national_supply")
def supply_endpoint(request: SupplyRequest, catalog: CatalogDep) -> SupplyResult:
    """Weekly GBq shortfall under reactor calendars and planned and random outages."""
    product = catalog.radiopharmaceutical(request.product)
    return simulate_supply(
        request.network,
        request.demand_gbq_per_week,
        gbq_per_cycle=product.typical_activity_mbq / 1000,
        half_life_h=catalog.nuclide(product.nuclide).half_life_h,
        shelf_life_h=product.shelf_life_h,
        years=request.years,
        replications=request.replications,
        reserve=request.reserve,
        seed=request.seed,
    )


class PageForm(BaseModel):
    """The page's form: a country, a horizon, an optional expansion year, optional centres."""

    model_config = ConfigDict(extra="forbid")

    country: str = Field(min_length=2)
    years: int = Field(10, ge=1, le=30)
    growth_per_year: float = Field(0.01, ge=-0.1, le=0.2)
    pre_taxane_from: int | None = Field(None, ge=1990, le=2100)
    centres: str = ""
    method: str = Field("e2sfca", pattern="^(2sfca|e2sfca|3sfca)$")
    catchment: Duration = 2.0


DEFAULTS = {
    "country": "de",
    "years": "10",
    "growth_per_year": "0.01",
    "method": "e2sfca",
    "catchment": "2 h",
    "pre_taxane_from": "",
    "centres": "",
}


@pages.get("/national")
def national_page(request: Request, catalog: CatalogDep):
    return _page(request, catalog, DEFAULTS)


@pages.post("/national")
async def national_form(request: Request, catalog: CatalogDep):
    return _page(request, catalog, dict(await request.form()), submitted=True)


def _page(request: Request, catalog, form: dict, submitted: bool = False):
    context = {
        "values": {**DEFAULTS, **form},
        "countries": [(c.id, c.name) for c in catalog.countries.values()],
        "methods": [(m, m.upper()) for m in METHODS],
        "errors": {},
        "demand": None,
        "gap": None,
        "access": None,
    }
    if submitted:
        parsed, errors = validate_form(PageForm, form)
        context["errors"] = errors
        if parsed is not None:
            try:
                context.update(_results(parsed, catalog))
            except InputError as exc:
                key = "centres" if exc.file == "centres" else (exc.field or "country")
                context["errors"] = {key: exc.one_line()}
    status = 422 if context["errors"] else 200
    return render(request, "national.html", context, status_code=status)


def _results(form: PageForm, catalog) -> dict:
    country = catalog.country(form.country)
    expansions = []
    if form.pre_taxane_from:
        expansions = [Expansion(indication="lu-psma-pre-taxane", from_year=form.pre_taxane_from)]
    request = DemandRequest(
        country=country.id,
        indications=["lu-psma-post-taxane", "lu-dotatate-gep-net"],
        years=form.years,
        growth_per_year=form.growth_per_year,
        expansions=expansions,
        draws=500,
    )
    demand_result = _demand(request, catalog)
    out = {"demand": demand_result, "gap": None, "access": None}
    centres = []
    if form.centres.strip():
        rows = csv.DictReader(io.StringIO(form.centres.strip()))
        centres = centres_from_rows(rows, country, file="centres")
        out["gap"] = capacity_gap(demand_result, centres, catalog=catalog)
        out["access"] = regional_access(
            country, centres, method=form.method, catchment_h=form.catchment
        )
    out["plot"] = figure_html(demand_map(country, demand_result, out["gap"], centres))
    return out
