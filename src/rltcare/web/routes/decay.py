"""Decay and ordering: ``POST /api/v1/decay``, ``POST /api/v1/order`` and the pages."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from fastapi import APIRouter, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from rltcare.catalog import Catalog
from rltcare.errors import InputError
from rltcare.physics.decay import DecayResult, OrderResult, decay, order
from rltcare.units import ActivityText, DurationOrZeroText, DurationText
from rltcare.web.deps import CatalogDep
from rltcare.web.templating import field_errors, figure_html, render, validate_form

api = APIRouter(prefix="/api/v1", tags=["decay"])
pages = APIRouter(include_in_schema=False)


class DecayRequest(BaseModel):
    """A nuclide, its activity at time zero, and the times to report (hours or text)."""

    model_config = ConfigDict(extra="forbid")

    nuclide: str = Field(examples=["Ac-225"])
    activity: ActivityText = Field(
        description="Activity with its unit, e.g. '8 MBq'.", examples=["8 MBq"]
    )
    after: list[DurationOrZeroText] = Field(
        min_length=1,
        max_length=1000,
        description="Times with their unit, e.g. '48 h' or '10 d'.",
        examples=[["10 d"]],
    )


class OrderRequest(BaseModel):
    """Prescribed activity, planned administration and the product's calibration time."""

    model_config = ConfigDict(extra="forbid")

    product: str | None = Field(None, examples=["lu177-psma-617"])
    nuclide: str | None = None
    activity: ActivityText = Field(examples=["7.4 GBq"])
    administration: AwareDatetime = Field(examples=["2026-12-01T10:00+01:00"])
    calibration: AwareDatetime = Field(examples=["2026-11-30T12:00+01:00"])
    production: AwareDatetime | None = None
    shelf_life: DurationText | None = Field(
        None, description="With its unit, e.g. '72 h'; default: the product's."
    )


class DecayForm(BaseModel):
    """The decay page: a nuclide, its activity and how long to follow it."""

    nuclide: str
    activity: ActivityText
    until: DurationText


@api.post("/decay", response_model=DecayResult, operation_id="decay")
def decay_endpoint(request: DecayRequest, catalog: CatalogDep) -> DecayResult:
    """Activity of the nuclide and each radioactive daughter at the requested times."""
    return decay({request.nuclide: request.activity}, request.after, catalog)


@api.post("/order", response_model=OrderResult, operation_id="order")
def order_endpoint(request: OrderRequest, catalog: CatalogDep) -> OrderResult:
    """Activity to order at calibration so the prescribed activity is there at administration."""
    return _order(request, catalog)


def _order(request: OrderRequest, catalog: Catalog) -> OrderResult:
    return order(
        request.activity,
        request.administration,
        request.calibration,
        nuclide=request.nuclide,
        product=request.product,
        shelf_life_h=request.shelf_life,
        production=request.production,
        catalog=catalog,
    )


def plot_times_h(until_h: float, points: int = 121) -> np.ndarray:
    """Evenly spaced times plus log-spaced ones from a few seconds: short-lived daughters
    grow in within minutes to hours, which an even grid over weeks draws as a wall at 0."""
    start = min(1e-3, until_h / 1e4)  # 3.6 s, or less for a very short follow-up
    even = np.linspace(0.0, until_h, points)
    early = np.geomspace(start, until_h, points)
    return np.unique(np.concatenate([even, early]))


def decay_figure(result: DecayResult) -> go.Figure:
    """Activity of each chain member against time, log scale."""
    figure = go.Figure()
    days = np.array(result.times_h) / 24
    for name, values in result.activities_mbq.items():
        if max(values) > 0:
            figure.add_trace(go.Scatter(x=days, y=values, name=name, mode="lines"))
    figure.add_trace(go.Scatter(x=days, y=result.total_mbq, name="total", line={"dash": "dot"}))
    # Four decades below the largest value: the first seconds of ingrowth reach down to
    # nano-becquerels and would squash the rest of the plot.
    top = float(np.log10(max(result.total_mbq)))
    figure.update_layout(
        xaxis_title="time (d)",
        yaxis_title="activity (MBq)",
        yaxis_type="log",
        yaxis_range=[top - 4, top + 0.2],
    )
    return figure


@pages.api_route("/decay", methods=["GET", "POST"])
async def decay_page(request: Request, catalog: CatalogDep):
    form = dict(await request.form()) if request.method == "POST" else {}
    context = {"form": form, "errors": {}, "result": None, "plot": None}
    if form:
        data, errors = validate_form(DecayForm, form)
        context["errors"] = errors
        if data:
            try:
                result = decay({data.nuclide: data.activity}, plot_times_h(data.until), catalog)
            except InputError as exc:
                context["errors"] = field_errors(exc, form)
            else:
                context["result"] = decay({data.nuclide: data.activity}, [data.until], catalog)
                context["plot"] = figure_html(decay_figure(result))
    return render(request, "decay.html", context)


@pages.api_route("/order", methods=["GET", "POST"])
async def order_page(request: Request, catalog: CatalogDep):
    form = dict(await request.form()) if request.method == "POST" else {}
    context = {
        "form": form,
        "errors": {},
        "result": None,
        "products": [("", "—")] + [(p.id, p.name) for p in catalog.radiopharmaceuticals.values()],
    }
    if form:
        data, errors = validate_form(OrderRequest, form)
        context["errors"] = errors
        if data:
            try:
                context["result"] = _order(data, catalog)
            except InputError as exc:
                context["errors"] = field_errors(exc, form)
    return render(request, "order.html", context)
