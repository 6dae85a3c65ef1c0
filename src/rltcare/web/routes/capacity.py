"""Capacity planner: ``POST /api/v1/capacity/simulate``, background jobs, and the planner pages.

A run is a background job in this process (one at a time, in a thread) with its
progress polled by the page (``/capacity/jobs/{id}``). A finished job is stored in
the database (:mod:`rltcare.registry.runs`) with its report, and listed and
compared by :mod:`rltcare.web.routes.capacity_runs`; the job itself stays in
memory until the server stops.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import plotly.offline
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from rltcare.capacity import experiment
from rltcare.capacity.example_scenarios import example_names, example_text
from rltcare.capacity.loader import loads_scenario
from rltcare.capacity.model import ServiceModel, build_model
from rltcare.capacity.report import render_report
from rltcare.capacity.results import SimulationResult, simulation_result
from rltcare.errors import InputError
from rltcare.registry.db import make_sessionmaker
from rltcare.registry.runs import save_run
from rltcare.web.deps import CatalogDep
from rltcare.web.routes import capacity_runs
from rltcare.web.templating import render, validate_form

api = APIRouter(prefix="/api/v1/capacity", tags=["capacity"])
pages = APIRouter(include_in_schema=False)


class SimulateRequest(BaseModel):
    """A scenario file's text and the experiment to run on it."""

    scenario_toml: str = Field(min_length=1, description="The scenario, as a TOML document.")
    title: str = Field(
        "", max_length=200, description="The stored run's title (default: the scenario's)."
    )
    replications: int = Field(10, ge=1, le=200)
    seed: int = Field(1, ge=0)
    referral_scale: float = Field(1.0, gt=0, le=10, description="Multiplies every referral rate.")
    extra_units: int = Field(
        0, ge=-100, le=100, description="Added to every bed and chair resource."
    )


class Job(BaseModel):
    id: str
    state: Literal["running", "done", "failed"]
    done: int
    total: int
    error: str | None = None
    result: SimulationResult | None = None
    run_id: int | None = Field(None, description="The stored run, once the job is done.")
    store_error: str | None = Field(None, description="Why a finished job was not stored.")


_JOBS: dict[str, Job] = {}
_MODELS: dict[str, tuple[ServiceModel, str]] = {}
_LOCK = threading.Lock()
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capacity")


def _model(body: SimulateRequest, catalog) -> ServiceModel:
    scenario = loads_scenario(body.scenario_toml, file="scenario")
    indications = tuple(
        i.model_copy(update={"referrals_per_week": i.referrals_per_week * body.referral_scale})
        for i in scenario.indications
    )
    resources = tuple(
        r.model_copy(update={"units": max(r.units + body.extra_units, 0)})
        if r.kind in ("bed", "chair")
        else r
        for r in scenario.resources
    )
    scenario = scenario.model_copy(update={"indications": indications, "resources": resources})
    return build_model(scenario, catalog, file="scenario")


@api.post("/simulate", operation_id="capacity_simulate", response_model=SimulationResult)
def simulate(body: SimulateRequest, catalog: CatalogDep) -> SimulationResult:
    """Run the replications now and return every KPI with its 95 % CI (for short runs)."""
    started = time.perf_counter()
    model = _model(body, catalog)
    reps = experiment.run_replications(model, body.seed, body.replications)
    return simulation_result(model, body.seed, reps, started)


def _slim(report_html: str) -> str:
    """The report with its inline plotly.js (4 MB, the same in every run) loaded from the app."""
    start = report_html.find(plotly.offline.get_plotlyjs())
    if start < 0:
        return report_html
    open_tag = report_html.rfind("<script", 0, start)
    close = report_html.index("</script>", start) + len("</script>")
    return f'{report_html[:open_tag]}<script src="/vendor/plotly.min.js"></script>{report_html[close:]}'


def _store(engine: Engine, body: SimulateRequest, model, catalog, **outcome) -> dict:
    """Keep a finished or failed job in the database; returns its ``run_id`` or ``store_error``.

    ``outcome``: ``result`` and ``reps`` of a finished job, or ``error`` of a failed one.
    """
    result, reps = outcome.get("result"), outcome.get("reps", [])
    try:
        if not capacity_runs.tables_ready(engine):
            return {"store_error": "not stored: run `rltcare registry migrate` to keep runs"}
        with make_sessionmaker(engine)() as session:
            run = save_run(
                session=session,
                title=body.title or _default_title(body, model),
                scenario_title=model.scenario.meta.title,
                scenario_toml=body.scenario_toml,
                parameters={"referral_scale": body.referral_scale, "extra_units": body.extra_units},
                seed=body.seed,
                replications=body.replications,
                status="done" if result else "failed",
                error=outcome.get("error"),
                kpis=result.to_dict() if result else None,
                replication_kpis=[{"replication": r.replication, "kpis": r.kpis} for r in reps],
                report_html=_slim(render_report(model, result, source_text=body.scenario_toml))
                if result
                else None,
                catalog_version=catalog.version,
            )
            return {"run_id": run.id}
    except (SQLAlchemyError, InputError) as exc:
        return {"store_error": f"not stored: {exc}"}


def _default_title(body: SimulateRequest, model) -> str:
    changes = []
    if body.referral_scale != 1:
        changes.append(f"referrals ×{body.referral_scale:g}")
    if body.extra_units:
        changes.append(f"{body.extra_units:+d} rooms/chairs")
    title = model.scenario.meta.title
    return f"{title} ({', '.join(changes)})" if changes else title


def _start(body: SimulateRequest, catalog, engine: Engine) -> str:
    model = _model(body, catalog)  # bad input fails here, before a job exists
    job_id = uuid.uuid4().hex[:12]
    with _LOCK:
        _JOBS[job_id] = Job(id=job_id, state="running", done=0, total=body.replications)
        _MODELS[job_id] = (model, body.scenario_toml)

    def progress(done: int, total: int) -> None:
        with _LOCK:
            _JOBS[job_id] = _JOBS[job_id].model_copy(update={"done": done, "total": total})

    def work() -> None:
        started = time.perf_counter()
        try:
            reps = experiment.run_replications(
                model, body.seed, body.replications, progress=progress
            )
            result = simulation_result(model, body.seed, reps, started)
            update = {"state": "done", "result": result}
            update |= _store(engine, body, model, catalog, result=result, reps=reps)
        except Exception as exc:  # the page shows what went wrong
            update = {"state": "failed", "error": str(exc)}
            update |= _store(engine, body, model, catalog, error=str(exc))
        with _LOCK:
            _JOBS[job_id] = _JOBS[job_id].model_copy(update=update)

    _POOL.submit(work)
    return job_id


@api.post("/jobs", operation_id="capacity_job_start", response_model=Job, status_code=202)
def start_job(request: Request, body: SimulateRequest, catalog: CatalogDep) -> Job:
    """Start the replications in the background; poll ``GET /jobs/{id}``; then it is stored."""
    return _JOBS[_start(body, catalog, request.app.state.engine)]


@api.get("/jobs/{job_id}", operation_id="capacity_job_status", response_model=Job)
def job_status(job_id: str) -> Job:
    """Progress of a run, and its result when done."""
    job = _JOBS.get(job_id)
    if job is None:
        raise HTTPException(404, f"no capacity run '{job_id}'")
    return job


def _examples() -> list[tuple[str, str]]:
    return [(name, name.removesuffix(".toml").replace("_", " ")) for name in example_names()]


@pages.get("/capacity")
def planner_page(request: Request, example: str | None = None):
    examples = _examples()
    chosen = example or (examples[0][0] if examples else None)
    text = ""
    if chosen and Path(chosen).name in example_names():
        text = example_text(Path(chosen).name)
    context = {
        "examples": examples,
        "chosen": chosen,
        "form": {"scenario_toml": text},
        "errors": {},
    }
    return render(request, "capacity.html", context)


@pages.post("/capacity")
async def planner_run(request: Request, catalog: CatalogDep):
    form = dict(await request.form())
    upload = form.pop("upload", None)
    if upload is not None and getattr(upload, "filename", ""):
        form["scenario_toml"] = (await upload.read()).decode("utf-8", errors="replace")
    body, errors = validate_form(SimulateRequest, form)
    if body is not None:
        try:
            job_id = _start(body, catalog, request.app.state.engine)
            return RedirectResponse(f"/capacity/jobs/{job_id}", status_code=303)
        except InputError as exc:
            errors = {"scenario_toml": exc.one_line()}
    context = {"examples": _examples(), "chosen": None, "form": form, "errors": errors}
    return render(request, "capacity.html", context, status_code=422)


@pages.get("/capacity/jobs/{job_id}")
def job_page(request: Request, job_id: str):
    return render(request, "capacity_run.html", {"job": job_status(job_id)})


@pages.get("/capacity/jobs/{job_id}/report", response_class=HTMLResponse)
def report_page(job_id: str):
    job = job_status(job_id)
    if job.result is None:
        raise HTTPException(409, "the run has not finished")
    model, text = _MODELS[job_id]
    return HTMLResponse(render_report(model, job.result, source_text=text))


api.include_router(capacity_runs.api)
pages.include_router(capacity_runs.pages)
