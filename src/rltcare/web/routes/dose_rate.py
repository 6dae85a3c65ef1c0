"""Dose rate: ``POST /api/v1/dose-rate``, ``GET /api/v1/gamma-constant/{nuclide}`` and ``/dose-rate``."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from rltcare.physics import dose_rate as engine
from rltcare.physics import gamma_constant
from rltcare.units import ActivityText, DistanceText, DurationOrZeroText, EnergyOrZeroText
from rltcare.web.deps import CatalogDep
from rltcare.web.templating import figure_html, render, validate_form

api = APIRouter(prefix="/api/v1", tags=["dose_rate"])
pages = APIRouter(include_in_schema=False)


class DoseRateRequest(BaseModel):
    """A patient: product, administered activity, distance and times after administration."""

    model_config = ConfigDict(extra="forbid")

    product: str = Field(min_length=1, examples=["lu177-psma-617"])
    activity: ActivityText = Field(
        description="Administered activity with its unit, e.g. '7.4 GBq' or '200 mCi'."
    )
    distance: DistanceText = Field(
        1.0, description="Distance from the patient with its unit, e.g. '2 m' (default 1 m)."
    )
    times: list[DurationOrZeroText] | None = Field(
        None,
        max_length=500,
        description="Times after administration with their unit, e.g. '48 h' or '2 d'. Default: 0 h to 7 d.",
    )


@api.post("/dose-rate", response_model=engine.DoseRateResult, operation_id="dose_rate")
def dose_rate(request: DoseRateRequest, catalog: CatalogDep) -> engine.DoseRateResult:
    """H*(10) rate from the product's typical patient at a distance, at times after administration."""
    return _evaluate(request, catalog)


@api.get(
    "/gamma-constant/{nuclide}",
    response_model=gamma_constant.GammaConstant,
    operation_id="gamma_constant",
)
def gamma_constant_endpoint(
    nuclide: str,
    catalog: CatalogDep,
    cutoff: EnergyOrZeroText = gamma_constant.DEFAULT_CUTOFF_KEV,
    with_progeny: bool = False,
) -> gamma_constant.GammaConstant:
    """Air-kerma and H*(10) rate constants of a nuclide (``cutoff`` with its unit, e.g. "20 keV")."""
    return gamma_constant.evaluate(
        nuclide, cutoff_kev=cutoff, with_progeny=with_progeny, catalog=catalog
    )


@pages.get("/dose-rate")
def dose_rate_page(request: Request, catalog: CatalogDep):
    return _page(request, catalog, {"product": "lu177-psma-617", "activity": "7.4 GBq"})


@pages.post("/dose-rate")
async def dose_rate_form(request: Request, catalog: CatalogDep):
    form = dict(await request.form())
    return _page(request, catalog, form, submitted=True)


def _evaluate(request: DoseRateRequest, catalog) -> engine.DoseRateResult:
    return engine.evaluate(
        catalog.radiopharmaceutical(request.product),
        request.activity,
        request.distance,
        request.times,
        catalog=catalog,
    )


def _page(request: Request, catalog, form: dict, submitted: bool = False):
    values = {"distance": "2 m", "times": "", **form}
    products = [(p.id, p.name) for p in catalog.radiopharmaceuticals.values()]
    context = {"values": values, "products": products, "errors": {}, "result": None}
    if submitted:
        data = {k: v for k, v in form.items() if k != "times"}
        times = [t.strip() for t in str(form.get("times", "")).split(",") if t.strip()]
        if times:
            data["times"] = times
        parsed, errors = validate_form(DoseRateRequest, data)
        context["errors"] = errors
        if parsed is not None:
            result = _evaluate(parsed, catalog)
            context["result"] = result
            context["plot"] = figure_html(_figure(parsed, catalog, result))
    status = 422 if context["errors"] else 200
    return render(request, "dose_rate.html", context, status_code=status)


def _figure(request: DoseRateRequest, catalog, result: engine.DoseRateResult) -> go.Figure:
    """Dose rate against time (log scale) over the shown times, or a week by default."""
    end_h = max(max(result.times_h), 24.0)
    times = np.linspace(0.0, end_h, 200)
    curve = engine.evaluate(
        catalog.radiopharmaceutical(request.product),
        request.activity,
        request.distance,
        times,
        catalog=catalog,
    )
    figure = go.Figure()
    figure.add_scatter(x=times, y=curve.dose_rate_usv_h, mode="lines", name="typical patient")
    figure.add_scatter(
        x=result.times_h, y=result.dose_rate_usv_h, mode="markers", name="requested times"
    )
    figure.update_layout(
        title=f"{result.product_name}, {result.administered_mbq:g} MBq, at {result.distance_m:g} m",
        xaxis_title="time after administration (h)",
        yaxis_title="H*(10) rate (µSv/h)",
        yaxis_type="log",
        height=420,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
    )
    return figure
