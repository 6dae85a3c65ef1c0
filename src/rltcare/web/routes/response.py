"""Response of one patient: ``POST /api/v1/assess/{criterion}`` and the ``/assess`` page.

Each request body is the criterion's series (the fields the engine takes) with the engine's
options beside them; the answer is the engine's :class:`~rltcare.response.base.Response`.
The page takes the same CSV columns as ``rltcare assess``, pasted.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from rltcare.cohort.assess import CRITERION_TABLE, assess_table
from rltcare.cohort.figures import timeline_figure
from rltcare.cohort.source import DEMO
from rltcare.cohort.tables import TABLES, CsvFile, read_table
from rltcare.errors import InputError
from rltcare.response import eortc, pcwg3, percist, recip, recist
from rltcare.response.base import Response
from rltcare.web.templating import figure_html, render, validate_form

api = APIRouter(prefix="/api/v1/assess", tags=["response"])
pages = APIRouter(include_in_schema=False)

EXAMPLES = DEMO / "response"
EXAMPLE_FILES = {
    "pcwg3": "psa.csv",
    "recist": "lesions.csv",
    "percist": "pet.csv",
    "eortc": "eortc.csv",
    "recip": "psma.csv",
}
NAMES = {
    "pcwg3": "PCWG3 (PSA)",
    "recist": "RECIST 1.1",
    "percist": "PERCIST 1.0",
    "eortc": "EORTC PET 1999",
    "recip": "RECIP 1.0",
}


class Pcwg3Request(pcwg3.PsaSeries):
    confirm_weeks: float = Field(3.0, gt=0, description="Confirmation ≥ this many weeks later.")
    flare_weeks: float = Field(12.0, ge=0, description="Rises before this are ignored (flare).")
    landmark_weeks: float = Field(12.0, gt=0, description="Week of the 'change at 12 weeks'.")
    window_weeks: float = Field(3.0, ge=0, description="± window around the landmark.")
    confirmed_response: bool = Field(True, description="PR needs a confirmed PSA50.")


class RecistRequest(recist.LesionSeries):
    pcwg3: bool = Field(False, description="PCWG3 modification (≤5 per organ; bone by 2+2).")
    confirm: bool = Field(False, description="CR/PR need confirmation ≥4 weeks later.")
    min_sd_weeks: float = Field(6.0, ge=0, description="SD needs this long from baseline.")


class PercistRequest(percist.PetSeries):
    enforce_quality: bool = Field(True, description="A failed quality gate makes the scan NE.")


class EortcRequest(eortc.EortcSeries):
    one_cycle_pmr_pct: float = Field(15.0, ge=15, le=25, description="PMR after one cycle (%).")


class RecipRequest(recip.PsmaSeries):
    variant: Literal["quantitative", "visual"] = "quantitative"


def _run(module, series_model: type[BaseModel], body: BaseModel) -> Response:
    """Split the body into the engine's series and its options, and assess."""
    fields = set(series_model.model_fields)
    series = series_model.model_validate({k: v for k, v in body if k in fields})
    return module.evaluate(series, **{k: v for k, v in body if k not in fields})


@api.post("/pcwg3", operation_id="assess_pcwg3", response_model=Response)
def assess_pcwg3(body: Pcwg3Request) -> Response:
    """PCWG3 PSA response and progression for one patient (Scher 2016)."""
    return _run(pcwg3, pcwg3.PsaSeries, body)


@api.post("/recist", operation_id="assess_recist", response_model=Response)
def assess_recist(body: RecistRequest) -> Response:
    """RECIST 1.1 best overall response (optionally PCWG3-modified) for one patient."""
    return _run(recist, recist.LesionSeries, body)


@api.post("/percist", operation_id="assess_percist", response_model=Response)
def assess_percist(body: PercistRequest) -> Response:
    """PERCIST 1.0 metabolic response for one patient, with its quality gates."""
    return _run(percist, percist.PetSeries, body)


@api.post("/eortc", operation_id="assess_eortc", response_model=Response)
def assess_eortc(body: EortcRequest) -> Response:
    """EORTC PET 1999 response for one patient (thresholds by cycles given)."""
    return _run(eortc, eortc.EortcSeries, body)


@api.post("/recip", operation_id="assess_recip", response_model=Response)
def assess_recip(body: RecipRequest) -> Response:
    """RECIP 1.0 response on PSMA PET for one patient (quantitative or visual)."""
    return _run(recip, recip.PsmaSeries, body)


class AssessForm(BaseModel):
    """The page: a criterion, its CSV rows (as for ``rltcare assess``) and its options."""

    criterion: Literal["pcwg3", "recist", "percist", "eortc", "recip"] = "pcwg3"
    data: str = Field(..., min_length=1)
    pcwg3_mod: bool = False
    confirm: bool = False
    no_quality_gates: bool = False
    one_cycle_pmr_pct: float = Field(15.0, ge=15, le=25)
    variant: Literal["quantitative", "visual"] = "quantitative"

    def options(self) -> dict[str, Any]:
        return {
            "pcwg3": {},
            "recist": {"pcwg3": self.pcwg3_mod, "confirm": self.confirm},
            "percist": {"enforce_quality": not self.no_quality_gates},
            "eortc": {"one_cycle_pmr_pct": self.one_cycle_pmr_pct},
            "recip": {"variant": self.variant},
        }[self.criterion]


def example(criterion: str) -> str:
    """The documented example CSV of a criterion (installed with the package)."""
    return (EXAMPLES / EXAMPLE_FILES[criterion]).read_text(encoding="utf-8")


@pages.api_route("/assess", methods=["GET", "POST"])
async def assess_page(request: Request):
    if request.method == "GET":
        criterion = request.query_params.get("criterion", "pcwg3")
        criterion = criterion if criterion in NAMES else "pcwg3"
        form: dict[str, Any] = {"criterion": criterion, "data": example(criterion)}
    else:
        form = dict(await request.form())
    context: dict[str, Any] = {"form": form, "errors": {}, "results": [], "names": NAMES}
    context["columns"] = {c: TABLES[t] for c, t in CRITERION_TABLE.items()}
    if request.method == "POST":
        body, errors = validate_form(AssessForm, form)
        context["errors"] = errors
        if body is not None:
            table = CRITERION_TABLE[body.criterion]
            try:
                frame = read_table(CsvFile("pasted data", body.data), table)
                results = assess_table(table, frame, "pasted data", **body.options())
            except InputError as exc:
                context["errors"] = {"data": exc.one_line()}
            else:
                context["results"] = [
                    (r, figure_html(fig) if (fig := timeline_figure(r)) else None) for r in results
                ]
    status = 422 if context["errors"] else 200
    return render(request, "assess.html", context, status_code=status)
