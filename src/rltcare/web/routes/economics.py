"""Economics: ``POST /api/v1/economics/run`` and the ``/economics`` page (edit a model, see plots)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from rltcare.economics import model_from_toml
from rltcare.economics.analysis import AnalysisResult, analyse
from rltcare.economics.example_models import example_names, example_text
from rltcare.economics.report import figures
from rltcare.errors import InputError
from rltcare.web.templating import figure_html, render, validate_form

api = APIRouter(prefix="/api/v1/economics", tags=["economics"])
pages = APIRouter(include_in_schema=False)

MAX_PSA = 20_000


class RunRequest(BaseModel):
    """A model file's text (TOML; docs/economics.md) and the PSA to run."""

    model_toml: str = Field(..., min_length=1, description="The model file, as TOML text.")
    psa: int = Field(0, ge=0, le=MAX_PSA, description="PSA iterations (0: base case only).")
    seed: int = Field(1, ge=0, description="Seed of the PSA.")


@api.post("/run", operation_id="economics_run", response_model=AnalysisResult)
def run(body: RunRequest) -> AnalysisResult:
    """Base case, incremental table, tornado, budget impact and (with ``psa``) the PSA."""
    model = model_from_toml(body.model_toml, file="model_toml")
    return analyse(model, body.psa, body.seed).result()


#: The reference model the page opens with (``?example=`` picks another).
FIRST_EXAMPLE = "vision_lu_psma"


@pages.get("/economics")
def economics_page(request: Request, example: str = FIRST_EXAMPLE):
    """The form, its model box holding a packaged reference model (``?example=name``)."""
    errors = {}
    try:
        text = example_text(example)
    except InputError as exc:
        text, errors = "", {"example": exc.one_line()}
    form = {"psa": 1000, "seed": 1, "model_toml": text, "example": example}
    return render(
        request,
        "economics.html",
        {"form": form, "errors": errors, "examples": example_names()},
        status_code=422 if errors else 200,
    )


@pages.post("/economics")
async def economics_submit(request: Request):
    form = dict(await request.form())
    body, errors = validate_form(RunRequest, {k: v for k, v in form.items() if k != "example"})
    context = {"form": form, "errors": errors, "examples": example_names()}
    if body is not None:
        try:
            done = analyse(model_from_toml(body.model_toml, file="model"), body.psa, body.seed)
        except InputError as exc:
            errors["model_toml"] = exc.one_line()
        else:
            context["result"] = done.result()
            context["plots"] = [(title, figure_html(fig)) for title, fig in figures(done)]
    return render(request, "economics.html", context, status_code=422 if errors else 200)
