"""Cohort outcomes: ``POST /api/v1/outcomes/{discordance,survival,toxicity,benchmark}`` and
the ``/outcomes`` page (upload the cohort's CSVs, use the demo cohort or, signed in to the
registry, the registry's cohort of your centres; and see the plots).

The JSON bodies carry the same fields as the CSV tables; both go through
:mod:`rltcare.cohort.analysis`, as the CLI and the HTML report do.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any, Literal

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import UploadFile

from rltcare.cohort import analysis, report
from rltcare.cohort.analysis import (
    CohortAnalysis,
    CohortOptions,
    DiscordanceResult,
    SurvivalResult,
    ToxicityResult,
)
from rltcare.cohort.panels import panels
from rltcare.cohort.registry_source import RegistryCohort
from rltcare.cohort.source import DEMO_FILES, Cohort, demo_source, read_one
from rltcare.cohort.tables import MAX_BYTES, TABLES, CsvFile
from rltcare.errors import InputError
from rltcare.outcomes import benchmarking
from rltcare.outcomes.benchmarking import Funnel
from rltcare.outcomes.ctcae import OPTIONAL
from rltcare.registry.errors import AuthenticationError
from rltcare.response import CRITERIA
from rltcare.response.eortc import EortcSeries
from rltcare.response.pcwg3 import PsaSeries
from rltcare.response.percist import PetSeries
from rltcare.response.recip import PsmaSeries
from rltcare.response.recist import LesionSeries
from rltcare.web.registry_deps import COOKIE, get_caller, get_session
from rltcare.web.templating import figure_html, render, validate_form

api = APIRouter(prefix="/api/v1/outcomes", tags=["outcomes"])
pages = APIRouter(include_in_schema=False)

#: The tables the page accepts, in form order (bone scans: use the CLI).
UPLOADS = ("psa", "lesions", "fdg", "eortc", "psma", "survival", "labs", "follow_up", "centres")


class DiscordanceRequest(BaseModel):
    """Patients' series under two or more criteria (default options of each engine)."""

    model_config = ConfigDict(extra="forbid")

    pcwg3: list[PsaSeries] = []
    recist: list[LesionSeries] = []
    percist: list[PetSeries] = []
    eortc: list[EortcSeries] = []
    recip: list[PsmaSeries] = []
    landmark_weeks: float = Field(12.0, gt=0, le=520)
    window_weeks: float = Field(4.0, ge=0, le=52)


@api.post("/discordance", operation_id="outcomes_discordance", response_model=DiscordanceResult)
def discordance(body: DiscordanceRequest) -> DiscordanceResult:
    """Each criterion's harmonised category at the landmark, and pairwise agreement (kappa)."""
    responses = [CRITERIA[k].evaluate(s) for k in CRITERIA for s in getattr(body, k)]
    return analysis.discordance(
        responses, landmark_weeks=body.landmark_weeks, window_weeks=body.window_weeks
    )


class Subject(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_days: float = Field(..., ge=0, description="Days from the first cycle.")
    event: Literal[0, 1] = Field(..., description="1 = event, 0 = censored.")
    group: str | None = Field(None, description="e.g. centre or response at a landmark.")


class SurvivalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subjects: list[Subject] = Field(..., min_length=1)
    risk_times: list[float] | None = Field(None, description="Days (default: a round grid).")


@api.post("/survival", operation_id="outcomes_survival", response_model=SurvivalResult)
def survival(body: SurvivalRequest) -> SurvivalResult:
    """Kaplan-Meier per group: curve with 95% CI, median with CI, numbers at risk."""
    data = pd.DataFrame([s.model_dump() for s in body.subjects])
    grouped = data["group"].notna().any()
    return analysis.km_groups(data, group="group" if grouped else None, risk_times=body.risk_times)


class LabRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patient_id: str = Field(..., min_length=1)
    date: dt.date
    term: str = Field(..., examples=["platelet_count_decreased"])
    value: float
    unit: str | None = None
    lln: float | None = None
    uln: float | None = None
    baseline: float | None = None


class FollowUpRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patient_id: str = Field(..., min_length=1)
    start_date: dt.date = Field(..., description="First cycle.")
    end_date: dt.date = Field(..., description="Death or last contact.")
    died: bool


class ToxicityRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    labs: list[LabRow]
    follow_up: list[FollowUpRow] = Field(..., min_length=1)
    ctcae_version: Literal["5.0", "6.0"] = "5.0"
    min_grade: int = Field(3, ge=1, le=4)
    at: list[float] = Field([], description="Report the incidence at these days.")


@api.post("/toxicity", operation_id="outcomes_toxicity", response_model=ToxicityResult)
def toxicity(body: ToxicityRequest) -> ToxicityResult:
    """CTCAE grades and the cumulative incidence of the first grade ≥N event, death competing
    (Aalen-Johansen)."""
    columns = ["patient_id", "date", "term", "value", *OPTIONAL]
    labs = pd.DataFrame([r.model_dump() for r in body.labs], columns=columns)
    follow = pd.DataFrame([r.model_dump() for r in body.follow_up])
    for col in ("start_date", "end_date"):
        follow[col] = pd.to_datetime(follow[col])
    return analysis.toxicity(
        labs, follow, ctcae_version=body.ctcae_version, min_grade=body.min_grade, at=body.at
    )


class CentreRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    centre: str = Field(..., min_length=1)
    n: int = Field(..., gt=0, description="Patients.")
    events: int = Field(..., ge=0)
    expected: float | None = Field(None, gt=0, description="Risk-model expected events.")


class BenchmarkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    centres: list[CentreRow] = Field(..., min_length=1)
    indicator: str = ""
    target: float | None = Field(None, gt=0, lt=1)


@api.post("/benchmark", operation_id="outcomes_benchmark", response_model=Funnel)
def benchmark(body: BenchmarkRequest) -> Funnel:
    """Funnel-plot data: each centre's rate (or observed/expected) and 95%/99.8% limits."""
    frame = pd.DataFrame([c.model_dump() for c in body.centres])
    if frame["expected"].isna().any() and frame["expected"].notna().any():
        first = int(frame["expected"].isna().idxmax())
        raise InputError(
            "give 'expected' for every centre or for none", field=f"centres[{first}].expected"
        )
    if frame["expected"].isna().all():
        frame = frame.drop(columns="expected")
    return benchmarking.funnel(frame, indicator=body.indicator, target=body.target)


async def _uploads(form) -> tuple[dict[str, CsvFile], dict[str, str]]:
    """The uploaded files by table; an error per field for files too big or not text."""
    files, errors = {}, {}
    for table in UPLOADS:
        upload = form.get(table)
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        try:
            files[table] = CsvFile.from_bytes(upload.filename, await upload.read(MAX_BYTES + 1))
        except InputError as exc:
            errors[table] = exc.one_line()
    return files, errors


def _load(files: dict[str, CsvFile], errors: dict[str, str]) -> Cohort:
    """Read every file; errors are collected per field so that each shows beside its input."""
    tables, names = {}, {}
    for table, source in files.items():
        try:
            tables[table] = read_one(table, source)
            names[table] = source.name
        except InputError as exc:
            errors[table] = exc.one_line()
    return Cohort(tables, names)


def _registry_user(request: Request) -> str | None:
    """The signed-in registry account's name, or None (no cookie: the database is not asked)."""
    if COOKIE not in request.cookies:
        return None
    try:
        with contextmanager(get_session)(request) as session:
            return get_caller(request, session).username
    except (AuthenticationError, SQLAlchemyError):  # expired session, registry not set up
        return None


def _registry_cohort(request: Request) -> Cohort:
    """The registry's cohort as the signed-in user may read it (their centres; analysts
    pseudonymised); the tables it cannot supply are kept for the page."""
    with contextmanager(get_session)(request) as session:
        try:
            caller = get_caller(request, session)
        except AuthenticationError:
            raise InputError(
                "sign in to the registry to analyse its cohort",
                field="registry",
                hint="/registry/login",
            ) from None
        source = RegistryCohort(session, caller)
        cohort = source.load()
    request.state.registry_absent = source.absent()
    return cohort


def _field_of(exc: InputError, files: dict[str, CsvFile]) -> str:
    """The form field to show an analysis error beside: its file's input, or its option."""
    by_name = {f.name: t for t, f in files.items()}
    if exc.file in by_name:
        return by_name[exc.file]
    known = {*UPLOADS, *CohortOptions.model_fields}
    return exc.field if exc.field in known else "form"


async def _submission(request: Request) -> tuple[dict, CohortAnalysis | None, dict[str, str]]:
    """(form, analysis or None, errors by field) for ``GET ?demo=1``, ``GET ?registry=1`` or a
    posted form (an uploaded file replaces that table of the demo or registry cohort)."""
    demo = request.query_params.get("demo") == "1"
    registry = request.query_params.get("registry") == "1"
    form: dict[str, Any] = {}
    files: dict[str, CsvFile] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = await request.form(max_files=len(UPLOADS))
        form = {k: v for k, v in raw.items() if isinstance(v, str)}
        demo = form.pop("demo", "") == "1"
        registry = form.pop("registry", "") == "1"
        files, errors = await _uploads(raw)
    elif demo or registry:
        form = {"group_column": "centre"}
    options, option_errors = validate_form(CohortOptions, form)
    errors.update(option_errors)
    if not (demo or registry or request.method == "POST"):
        return form, None, errors
    try:
        if demo:
            files = demo_source().files | files  # an upload replaces that demo table
        cohort = _load(files, errors)
        if registry:
            cohort = _registry_cohort(request).merged(cohort)
        if not errors and not cohort.tables:
            errors["form"] = "choose at least one file, or use the demo cohort"
        if not errors:
            return form, analysis.analyse(cohort, options), errors
    except InputError as exc:
        errors[_field_of(exc, files)] = exc.one_line()
    return form, None, errors


def _page(request: Request, form: dict, result: CohortAnalysis | None, errors: dict):
    context: dict[str, Any] = {
        "form": form,
        "errors": errors,
        "tables": {t: TABLES[t] for t in UPLOADS},
        "demo_files": DEMO_FILES,
        "limit_mb": MAX_BYTES / 1e6,
        "result": result,
        "registry_user": _registry_user(request),
        "registry_absent": getattr(request.state, "registry_absent", {}),
    }
    if result is not None:
        context["panels"] = [
            (p, figure_html(p.figure) if p.figure is not None else None) for p in panels(result)
        ]
    return render(request, "outcomes.html", context, status_code=422 if errors else 200)


@pages.api_route("/outcomes", methods=["GET", "POST"])
async def outcomes_page(request: Request):
    return _page(request, *await _submission(request))


@pages.api_route("/outcomes/report", methods=["GET", "POST"])
async def outcomes_report(request: Request):
    """The same analysis as a self-contained HTML file to download (plotly.js inlined)."""
    form, result, errors = await _submission(request)
    if result is None:
        errors = errors or {"form": "choose at least one file, or use the demo cohort"}
        return _page(request, form, None, errors)
    return HTMLResponse(
        report.render(result),
        headers={"Content-Disposition": 'attachment; filename="cohort-report.html"'},
    )
