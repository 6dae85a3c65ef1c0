"""National planning: ``POST /api/v1/national/{demand,gap,flows,access,supply}`` and the page."""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from rltcare.errors import InputError
from rltcare.national.demand import (
    DemandResult,
    Expansion,
    Scenario,
    default_indications,
    demand,
)
from rltcare.national.flows import FlowResult, patient_flows
from rltcare.national.gap import (
    Centre,
    GapResult,
    activity_text,
    capacity_gap,
    centres_from_rows,
    csv_rows,
    place_centre,
)
from rltcare.national.regional import METHODS, AccessResult, regional_access
from rltcare.national.report import FLOW_HEADER, demand_map, flow_map, flow_rows
from rltcare.national.supply import SupplyNetwork, SupplyResult, simulate_supply
from rltcare.national.waiting import Waiting, hazard_for
from rltcare.units import Duration
from rltcare.web.deps import CatalogDep
from rltcare.web.templating import figure_html, render, validate_form

api = APIRouter(prefix="/api/v1/national", tags=["national"])
pages = APIRouter(include_in_schema=False)


class DemandRequest(BaseModel):
    """A country's demand scenario."""

    model_config = ConfigDict(extra="forbid")

    country: str = Field(min_length=2, examples=["de"])
    indications: list[str] | None = Field(
        None,
        examples=[["lu-psma-post-taxane"]],
        description="Default: every approved indication (as the CLI).",
    )
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


class FlowShare(BaseModel):
    """The share of a region's cycles treated at a centre."""

    model_config = ConfigDict(extra="forbid")

    region: str
    centre: str
    share: float = Field(ge=0, le=1)


class FlowsRequest(GapRequest):
    abroad: list[Centre] = Field(
        default_factory=list, description="Centres abroad; region is their country code."
    )
    max_hours: Duration | None = Field(None, description="Longest journey, h or text.")
    flows: list[FlowShare] | None = Field(
        None, description="Your flows instead of nearest-with-capacity (pairs not given: 0)."
    )


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
    waiting: Waiting | None = Field(
        None,
        description="Catch-up, drop-out and hazard of death while waiting (default: the "
        "hazard of the product's approved indications, 20% catch-up, no drop-out).",
    )
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


@api.post("/flows", response_model=FlowResult, operation_id="national_flows")
def flows_endpoint(request: FlowsRequest, catalog: CatalogDep) -> FlowResult:
    """Where each region's cycles are treated: flows between regions and abroad, unmet."""
    country = catalog.country(request.country)
    home = _placed(request.centres, country)
    everywhere = [*home, *request.abroad]
    shares = None
    if request.flows is not None:
        codes = {r.code: i for i, r in enumerate(country.regions)}
        ids = {c.id: j for j, c in enumerate(everywhere)}
        shares = np.zeros((len(codes), len(ids)))
        for k, item in enumerate(request.flows):
            for field, value, known in (
                ("region", item.region, codes),
                ("centre", item.centre, ids),
            ):
                if value not in known:
                    raise InputError(f"unknown {field} {value!r}", field=f"flows[{k}].{field}")
            shares[codes[item.region], ids[item.centre]] = item.share
    return patient_flows(
        _demand(request, catalog),
        home,
        abroad=request.abroad,
        year=request.year,
        quantile=request.quantile,
        shares=shares,
        max_hours=request.max_hours,
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
    """Weekly GBq shortfall under reactor outages; deferred cycles, delay, deaths waiting."""
    product = catalog.radiopharmaceutical(request.product)
    approved = {
        k: 1.0
        for k, ind in catalog.indications.items()
        if ind.label == "approved" and ind.product == product.id
    }
    return simulate_supply(
        request.network,
        request.demand_gbq_per_week,
        gbq_per_cycle=product.typical_activity_mbq / 1000,
        half_life_h=catalog.nuclide(product.nuclide).half_life_h,
        shelf_life_h=product.shelf_life_h,
        years=request.years,
        replications=request.replications,
        reserve=request.reserve,
        waiting=request.waiting or Waiting(hazard=hazard_for(approved)),
        seed=request.seed,
    )


class PageForm(BaseModel):
    """The page's form: a country, a horizon, an optional expansion year, optional centres."""

    model_config = ConfigDict(extra="forbid")

    country: str = Field(min_length=2)
    indications: list[str] = Field(default_factory=list)
    years: int = Field(10, ge=1, le=30)
    growth_per_year: float = Field(0.01, ge=-0.1, le=0.2)
    pre_taxane_from: int | None = Field(None, ge=1990, le=2100)
    centres: str = ""
    abroad: str = ""
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
    "abroad": "",
}


@pages.get("/national")
def national_page(request: Request, catalog: CatalogDep):
    return _page(request, catalog, DEFAULTS)


@pages.post("/national")
async def national_form(request: Request, catalog: CatalogDep):
    submitted = await request.form()
    form = {k: v for k, v in submitted.items() if k != "indications"}
    form["indications"] = submitted.getlist("indications")
    return _page(request, catalog, form, submitted=True)


def _page(request: Request, catalog, form: dict, submitted: bool = False):
    values = {**DEFAULTS, **form}
    values.setdefault("indications", default_indications(catalog))
    context = {
        "values": values,
        "indications": [
            (key, ind.name)
            for key, ind in sorted(catalog.indications.items())
            if ind.label == "approved"
        ],
        "activity_text": activity_text,
        "countries": [(c.id, c.name) for c in catalog.countries.values()],
        "methods": [(m, m.upper()) for m in METHODS],
        "errors": {},
        "demand": None,
        "gap": None,
        "access": None,
        "flows": None,
        "flow_header": FLOW_HEADER,
    }
    if submitted:
        parsed, errors = validate_form(PageForm, form)
        context["errors"] = errors
        if parsed is not None:
            try:
                context.update(_results(parsed, catalog))
            except InputError as exc:
                key = exc.file if exc.file in ("centres", "abroad") else (exc.field or "country")
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
        indications=form.indications or None,
        years=form.years,
        growth_per_year=form.growth_per_year,
        expansions=expansions,
        draws=500,
    )
    demand_result = _demand(request, catalog)
    out = {"demand": demand_result, "gap": None, "access": None, "flows": None}
    centres = []
    if form.abroad.strip() and not form.centres.strip():
        raise InputError("give the centres at home too", file="abroad")
    if form.centres.strip():
        rows = csv_rows(form.centres.strip().splitlines())
        centres = centres_from_rows(rows, country, file="centres")
        abroad = []
        if form.abroad.strip():
            rows = csv_rows(form.abroad.strip().splitlines())
            abroad = centres_from_rows(rows, None, file="abroad")
        out["gap"] = capacity_gap(demand_result, centres, catalog=catalog)
        out["access"] = regional_access(
            country, centres, method=form.method, catchment_h=form.catchment
        )
        out["flows"] = patient_flows(demand_result, centres, abroad=abroad, catalog=catalog)
        out["flow_rows"] = flow_rows(out["flows"])
        out["flow_plot"] = figure_html(flow_map(country, out["flows"], [*centres, *abroad]))
    out["plot"] = figure_html(demand_map(country, demand_result, out["gap"], centres))
    return out
