"""Discharge and restrictions: ``POST /api/v1/release``, ``POST /api/v1/restrictions`` and pages."""

from __future__ import annotations

import math

import plotly.graph_objects as go
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from rltcare.catalog.jurisdiction import DoseRateCriterion
from rltcare.physics import release as engine
from rltcare.units import ActivityText, DurationOrZeroText
from rltcare.web.deps import CatalogDep
from rltcare.web.templating import figure_html, render, validate_form

api = APIRouter(prefix="/api/v1", tags=["release"])
pages = APIRouter(include_in_schema=False)


class ReleaseRequest(BaseModel):
    """A patient under a jurisdiction's rule."""

    model_config = ConfigDict(extra="forbid")

    jurisdiction: str = Field(min_length=1, examples=["de"])
    product: str = Field(min_length=1, examples=["lu177-psma-617"])
    activity: ActivityText = Field(
        description="Administered activity with its unit, e.g. '7.4 GBq' or '200 mCi'."
    )
    cycles_per_year: int = Field(1, ge=1, le=52, description="Treatment cycles a year.")
    elapsed: DurationOrZeroText = Field(
        0.0, description="Time since administration with its unit, e.g. '24 h' (default 0 h)."
    )


def _evaluate(request: ReleaseRequest, catalog, function=engine.evaluate):
    return function(
        catalog.jurisdiction(request.jurisdiction),
        catalog.radiopharmaceutical(request.product),
        request.activity,
        elapsed_h=request.elapsed,
        cycles_per_year=request.cycles_per_year,
        catalog=catalog,
    )


@api.post("/release", response_model=engine.ReleaseResult, operation_id="release")
def release(request: ReleaseRequest, catalog: CatalogDep) -> engine.ReleaseResult:
    """May the patient leave now; if not, when; which criterion binds; dose to others."""
    return _evaluate(request, catalog)


@api.post("/restrictions", response_model=engine.RestrictionsResult, operation_id="restrictions")
def restrictions(request: ReleaseRequest, catalog: CatalogDep) -> engine.RestrictionsResult:
    """How long each restriction must last to meet the jurisdiction's dose constraints."""
    return _evaluate(request, catalog, engine.evaluate_restrictions)


DEFAULTS = {
    "jurisdiction": "de",
    "product": "lu177-psma-617",
    "activity": "7.4 GBq",
    "cycles_per_year": "1",
    "elapsed": "0 h",
}


@pages.get("/release")
def release_page(request: Request, catalog: CatalogDep):
    return _page(request, catalog, "release.html", DEFAULTS)


@pages.post("/release")
async def release_form(request: Request, catalog: CatalogDep):
    return _page(request, catalog, "release.html", dict(await request.form()), submitted=True)


@pages.get("/restrictions")
def restrictions_page(request: Request, catalog: CatalogDep):
    return _page(request, catalog, "restrictions.html", DEFAULTS)


@pages.post("/restrictions")
async def restrictions_form(request: Request, catalog: CatalogDep):
    form = dict(await request.form())
    return _page(request, catalog, "restrictions.html", form, submitted=True)


def _page(request: Request, catalog, template: str, form: dict, submitted: bool = False):
    context = {
        "values": {**DEFAULTS, **form},
        "products": [(p.id, p.name) for p in catalog.radiopharmaceuticals.values()],
        "jurisdictions": [(j.id, j.name) for j in catalog.jurisdictions.values()],
        "errors": {},
        "result": None,
    }
    if submitted:
        parsed, errors = validate_form(ReleaseRequest, form)
        context["errors"] = errors
        if parsed is not None:
            result = _evaluate(parsed, catalog)
            context["result"] = result
            if template == "release.html":
                context["plot"] = figure_html(_figure(parsed, catalog, result))
            else:
                rule = catalog.jurisdiction(parsed.jurisdiction)
                context["constraints"] = [
                    constraint_text(rule.constraint(r.group), parsed.cycles_per_year)
                    for r in result.restrictions
                ]
    status = 422 if context["errors"] else 200
    return render(request, template, context, status_code=status)


def log_range(values: list[float], margin: float = 1.5) -> list[float]:
    """A log axis range (in decades, as Plotly takes it) covering ``values`` with a margin."""
    positive = [v for v in values if v > 0]
    return [math.log10(min(positive) / margin), math.log10(max(positive) * margin)]


def constraint_text(constraint, cycles_per_year: int) -> str:
    """A constraint as the period it covers: a yearly one is shared by the year's cycles."""
    if constraint.per == "year":
        share = constraint.dose_msv / cycles_per_year
        cycles = f"{cycles_per_year} cycle{'s' if cycles_per_year > 1 else ''}"
        return f"{constraint.dose_msv:g} mSv a year ÷ {cycles} = {share:.3g} mSv per cycle"
    return f"{constraint.dose_msv:g} mSv per episode"


def _figure(request: ReleaseRequest, catalog, result: engine.ReleaseResult) -> go.Figure:
    """Dose rate at the rule's distance against time, the threshold and the earliest discharge."""
    rule = catalog.jurisdiction(request.jurisdiction)
    product = catalog.radiopharmaceutical(request.product)
    criterion = next(
        (
            c
            for c in rule.criteria
            if isinstance(c, DoseRateCriterion) and c.applies_to(product.nuclide)
        ),
        None,
    )
    distance = criterion.distance_m if criterion else rule.most_exposed.distance_m
    times, rates = engine.dose_rate_curve(result, product, distance, catalog=catalog)
    figure = go.Figure()
    figure.add_scatter(x=times, y=rates, mode="lines", name=f"dose rate at {distance:g} m")
    shown = [float(rates.min()), float(rates.max())]
    if criterion:
        share = result.cycles_per_year if criterion.limit_per == "year" else 1
        shown.append(criterion.limit_usv_h / share)
        threshold = criterion.limit_usv_h / share
        figure.add_hline(y=threshold, line_dash="dash")
        # Placed by hand: on a log axis Plotly reads an annotation's y in decades, and
        # add_hline's own annotation lands at 10**threshold.
        figure.add_annotation(
            text=f"threshold {threshold:g} µSv/h ({criterion.id})",
            x=1,
            xref="x domain",
            xanchor="right",
            y=math.log10(threshold),
            yanchor="bottom",
            showarrow=False,
        )
    figure.add_vline(
        x=result.earliest_discharge_h,
        line_dash="dot",
        annotation_text=f"earliest discharge {result.earliest_discharge_h:.1f} h "
        f"({result.binding_criterion})",
    )
    figure.update_layout(
        title=f"{result.product_name}, {result.administered_mbq:g} MBq — {result.jurisdiction_name}",
        xaxis_title="time after administration (h)",
        yaxis_title=f"H*(10) rate at {distance:g} m (µSv/h)",
        yaxis_type="log",
        # Fitted to the curve and the threshold: the lines' annotations would otherwise
        # stretch the log axis decades above the data.
        yaxis_range=log_range(shown),
        height=420,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
    )
    return figure
