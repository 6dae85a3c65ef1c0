"""Waste decay-in-storage: ``POST /api/v1/waste``, ``POST /api/v1/waste/storage`` and the page."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from fastapi import APIRouter, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from rltcare.catalog import Catalog
from rltcare.errors import InputError
from rltcare.physics.waste import (
    Clearance,
    ContainerStream,
    DecayInStorageRule,
    OccupancyResult,
    ReleaseResult,
    clear_container,
    product_mix,
    resolve_clearance,
    storage_occupancy,
)
from rltcare.units import ActivityText, MassText, SpecificActivityText
from rltcare.web.deps import CatalogDep
from rltcare.web.templating import field_errors, figure_html, render, validate_form

api = APIRouter(prefix="/api/v1", tags=["waste"])
pages = APIRouter(include_in_schema=False)


class WasteRequest(BaseModel):
    """A container: its mix (nuclides → activity, or a product and its activity) and mass."""

    model_config = ConfigDict(extra="forbid")

    nuclides: dict[str, ActivityText] | None = Field(None, examples=[{"Lu-177m": "1.5 MBq"}])
    product: str | None = Field(None, description="Product id: main nuclide with impurities.")
    activity: ActivityText | None = Field(None, description="Activity of the product's nuclide.")
    mass: MassText = Field(examples=["5 kg"])
    clearance: SpecificActivityText | None = Field(None, examples=["10 Bq/g"])
    total_limit: ActivityText | None = Field(
        None, description="Limit on total activity with its unit, e.g. '10 MBq'."
    )
    jurisdiction: str | None = Field(
        None, description="Use its clearance rule when no clearance or total_limit is given."
    )
    levels: dict[str, SpecificActivityText] = Field(
        default_factory=dict,
        description="Per-nuclide levels for the summation rule (add to the jurisdiction's).",
        examples=[{"Lu-177m": "1 Bq/g"}],
    )
    reference: AwareDatetime | None = None
    containers_per_week: float | None = Field(None, gt=0)
    space_m2: float = Field(0.0, ge=0, description="Shelf area per container (m²).")


class WasteForm(BaseModel):
    """The waste page: one nuclide or a product, its activity, the mass and the level."""

    nuclide: str | None = None
    product: str | None = None
    activity: ActivityText
    mass: MassText
    clearance: SpecificActivityText | None = None
    jurisdiction: str | None = None
    containers_per_week: float | None = Field(None, gt=0)
    space_m2: float = Field(0.0, ge=0)


def _mix(request: WasteRequest | WasteForm, catalog: Catalog) -> dict[str, float]:
    if request.product:
        if request.activity is None:
            raise InputError("give the activity of the product's nuclide", field="activity")
        return product_mix(catalog.radiopharmaceutical(request.product), request.activity, catalog)
    if isinstance(request, WasteForm):
        if not request.nuclide:
            raise InputError("give a nuclide or a product", field="nuclide")
        return {request.nuclide: request.activity}
    if not request.nuclides:
        raise InputError("give nuclides with their activities, or a product", field="nuclides")
    return dict(request.nuclides)


def _clearance(request: WasteRequest | WasteForm) -> Clearance:
    total = getattr(request, "total_limit", None)
    return Clearance(
        concentration_bq_g=request.clearance,
        total_bq=total * 1e6 if total else None,
        nuclide_levels_bq_g=getattr(request, "levels", {}),
    )


def _jurisdiction(request: WasteRequest | WasteForm, catalog: Catalog):
    return catalog.jurisdiction(request.jurisdiction) if request.jurisdiction else None


@api.post(
    "/waste",
    response_model=ReleaseResult | DecayInStorageRule,
    operation_id="waste_release",
)
def waste_endpoint(
    request: WasteRequest, catalog: CatalogDep
) -> ReleaseResult | DecayInStorageRule:
    """When the container may be released, with its activity concentration over time; for a
    jurisdiction whose rule is a survey to background (US), that rule instead of a date."""
    return clear_container(
        _mix(request, catalog),
        request.mass,
        _clearance(request),
        jurisdiction=_jurisdiction(request, catalog),
        reference=request.reference,
        catalog=catalog,
    )


@api.post(
    "/waste/storage",
    response_model=OccupancyResult | DecayInStorageRule,
    operation_id="waste_storage",
)
def storage_endpoint(
    request: WasteRequest, catalog: CatalogDep
) -> OccupancyResult | DecayInStorageRule:
    """Containers in store week by week for a steady weekly load of such containers."""
    if not request.containers_per_week:
        raise InputError("give containers_per_week", field="containers_per_week")
    mix = _mix(request, catalog)
    resolved = resolve_clearance(
        list(mix), _clearance(request), _jurisdiction(request, catalog), catalog
    )
    if isinstance(resolved, DecayInStorageRule):
        return resolved
    stream = ContainerStream(
        mix_mbq=mix,
        mass_kg=request.mass,
        per_week=request.containers_per_week,
        space_m2=request.space_m2,
    )
    return storage_occupancy([stream], resolved, catalog=catalog)


def release_figure(result: ReleaseResult) -> go.Figure:
    """Activity concentration against time up to twice the storage time, with the clearance
    level and the release date; the y range stops three decades below the clearance level."""
    days = np.array(result.times_h) / 24
    shown = days <= max(2 * result.storage_time_d, days[1])
    figure = go.Figure()
    total = np.array(result.concentration_bq_g)
    figure.add_trace(go.Scatter(x=days[shown], y=total[shown], name="total"))
    for name, values in result.nuclides_bq_g.items():
        if max(values) > 1e-6 * result.initial_concentration_bq_g:
            figure.add_trace(
                go.Scatter(
                    x=days[shown],
                    y=np.array(values)[shown],
                    name=name,
                    mode="lines",
                    line={"width": 1},
                )
            )
    floor = total[shown].min()
    if result.clearance_bq_g:
        figure.add_hline(y=result.clearance_bq_g, line_dash="dash", annotation_text="clearance")
        floor = min(floor, result.clearance_bq_g)
    if result.storage_time_d > 0:
        figure.add_vline(
            x=result.storage_time_d,
            line_dash="dot",
            annotation_text=f"release after {result.storage_time_d:.0f} d",
        )
    top = total[shown].max()
    figure.update_layout(
        xaxis_title="time in store (d)",
        yaxis_title="activity concentration (Bq/g)",
        yaxis_type="log",
        yaxis_range=[np.log10(max(floor, 1e-3 * top)) - 1, np.log10(top) + 0.3],
    )
    return figure


def occupancy_figure(result: OccupancyResult) -> go.Figure:
    figure = go.Figure(go.Scatter(x=result.weeks, y=result.containers, line_shape="hv"))
    figure.update_layout(xaxis_title="week", yaxis_title="containers in store")
    return figure


@pages.api_route("/waste", methods=["GET", "POST"])
async def waste_page(request: Request, catalog: CatalogDep):
    form = dict(await request.form()) if request.method == "POST" else {}
    jurisdictions = [("", "none: use the level above")] + [
        (j.id, j.name) for j in catalog.jurisdictions.values() if j.clearance
    ]
    context = {
        "form": form,
        "errors": {},
        "result": None,
        "plot": None,
        "storage": None,
        "rule": None,
        "jurisdictions": jurisdictions,
    }
    if form:
        data, errors = validate_form(WasteForm, form)
        context["errors"] = errors
        if data:
            try:
                mix = _mix(data, catalog)
                if not data.clearance and not data.jurisdiction:
                    raise InputError("give a clearance level or a jurisdiction", field="clearance")
                result = clear_container(
                    mix,
                    data.mass,
                    _clearance(data),
                    jurisdiction=_jurisdiction(data, catalog),
                    catalog=catalog,
                )
                if isinstance(result, DecayInStorageRule):
                    context["rule"] = result
                    return render(request, "waste.html", context)
                context["result"] = result
                context["plot"] = figure_html(release_figure(result))
                if data.containers_per_week:
                    stream = ContainerStream(
                        mix_mbq=mix,
                        mass_kg=data.mass,
                        per_week=data.containers_per_week,
                        space_m2=data.space_m2,
                    )
                    levels = Clearance(
                        concentration_bq_g=result.clearance_bq_g,
                        nuclide_levels_bq_g=result.nuclide_levels_bq_g,
                    )
                    storage = storage_occupancy([stream], levels, catalog=catalog)
                    context["storage"] = storage
                    context["storage_plot"] = figure_html(occupancy_figure(storage))
            except InputError as exc:
                context["errors"] = field_errors(exc, form)
    return render(request, "waste.html", context)
