"""Stored capacity runs: list, one run with its report, comparison; pages and ``/api/v1/capacity/runs``.

Planner runs hold no patient data, so anyone who may use the planner may list,
read and compare them (as the planner page itself needs no sign-in); deleting
one needs a registry administrator. Paired differences reuse
:func:`rltcare.capacity.results.comparison_result` on the replications' stored
KPIs, and only for runs that share the baseline's seed and replications (common
random numbers); other runs are shown side by side without a difference.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session

from rltcare.capacity.experiment import Replication
from rltcare.capacity.labels import label
from rltcare.capacity.report import headline_names
from rltcare.capacity.results import (
    ComparisonResult,
    KpiEstimate,
    SimulationResult,
    comparison_result,
)
from rltcare.errors import InputError
from rltcare.registry.errors import PermissionDeniedError
from rltcare.registry.runs import CapacityRun, delete_run, get_run, list_runs
from rltcare.web.registry_deps import CallerDep, get_session
from rltcare.web.templating import render

api = APIRouter(prefix="/runs")
pages = APIRouter(include_in_schema=False)

#: The indicators shown in the list of runs.
MAIN_KPIS = ("patients_treated_per_year", "cycles_per_year", "wait_first_cycle_mean_d")


class NotMigratedError(InputError):
    title = "Database not ready"
    type_slug = "not-migrated"
    status = 503


def tables_ready(engine: Engine) -> bool:
    return inspect(engine).has_table(CapacityRun.__tablename__)


def _session(request: Request) -> Iterator[Session]:
    state = request.app.state
    if not getattr(state, "capacity_runs_ready", False):
        if not tables_ready(state.engine):
            raise NotMigratedError(
                "the database has no table of capacity runs",
                hint="run `rltcare registry migrate`",
            )
        state.capacity_runs_ready = True
    yield from get_session(request)


RunSession = Annotated[Session, Depends(_session)]


class RunSummary(BaseModel):
    id: int
    created_at: dt.datetime
    title: str
    scenario_title: str
    seed: int
    replications: int
    status: str
    parameters: dict[str, Any]
    software_version: str
    catalog_version: str
    main_kpis: dict[str, KpiEstimate]

    @classmethod
    def of(cls, run: CapacityRun) -> RunSummary:
        kpis = (run.kpis or {}).get("kpis", {})
        return cls(
            **{name: getattr(run, name) for name in cls.model_fields if name != "main_kpis"},
            main_kpis={k: KpiEstimate.model_validate(kpis[k]) for k in MAIN_KPIS if k in kpis},
        )


class RunDetail(RunSummary):
    error: str | None
    scenario_toml: str
    result: SimulationResult | None


class RunComparison(BaseModel):
    """Runs side by side; ``comparison.differences`` only for runs paired with the first."""

    runs: list[RunSummary]
    comparison: ComparisonResult
    unpaired: dict[int, str]


def _label(run: CapacityRun) -> str:
    return f"#{run.id} {run.title}"


def _replications(run: CapacityRun) -> list[Replication]:
    return [
        Replication(
            r["replication"],
            {k: math.nan if v is None else v for k, v in r["kpis"].items()},
            {},
            0,
        )
        for r in run.replication_kpis or []
    ]


def _unpaired_reason(base: CapacityRun, run: CapacityRun) -> str | None:
    if run.seed != base.seed:
        return f"seed {run.seed}, not {base.seed}: no common random numbers"
    numbers = [r["replication"] for r in run.replication_kpis or []]
    if not numbers or numbers != [r["replication"] for r in base.replication_kpis or []]:
        return "not the same replications as the first run"
    return None


def compare_runs(runs: Sequence[CapacityRun]) -> RunComparison:
    """Side by side, and paired differences from the first run where they share their streams."""
    for run in runs:
        if run.status != "done":
            raise InputError(f"run {run.id} {run.status}: it has no results", field="ids")
    results = [SimulationResult.model_validate({**run.kpis, "title": _label(run)}) for run in runs]
    base, unpaired, paired = runs[0], {}, [0]
    for i, run in enumerate(runs[1:], start=1):
        reason = _unpaired_reason(base, run)
        if reason:
            unpaired[run.id] = reason
        else:
            paired.append(i)
    differences = {}
    if len(paired) > 1:
        differences = comparison_result(
            [results[i] for i in paired], [_replications(runs[i]) for i in paired]
        ).differences
    return RunComparison(
        runs=[RunSummary.of(run) for run in runs],
        comparison=ComparisonResult(scenarios=results, differences=differences),
        unpaired=unpaired,
    )


def parse_ids(values: Sequence[str]) -> list[int]:
    """``?ids=3,5`` or ``?ids=3&ids=5``: two or more distinct run ids."""
    parts = [p.strip() for value in values for p in value.split(",") if p.strip()]
    ids = []
    for part in parts:
        if not part.isdigit():
            raise InputError(f"'{part}' is not a run id", field="ids", value=part)
        ids.append(int(part))
    if len(ids) < 2:
        raise InputError("choose two or more runs to compare", field="ids")
    if len(set(ids)) != len(ids):
        raise InputError("a run is listed twice", field="ids", value=",".join(parts))
    return ids


Ids = Annotated[list[str], Query(description="Run ids, comma-separated or repeated.")]


def _compare(session: Session, ids: Sequence[str]) -> RunComparison:
    return compare_runs([get_run(session=session, run_id=i, full=True) for i in parse_ids(ids)])


@api.get("", operation_id="capacity_runs", response_model=list[RunSummary])
def runs_api(
    session: RunSession,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[RunSummary]:
    """Stored runs, newest first, with their main indicators."""
    return [RunSummary.of(r) for r in list_runs(session=session, limit=limit, offset=offset)]


@api.get("/compare", operation_id="capacity_runs_compare", response_model=RunComparison)
def compare_api(session: RunSession, ids: Ids) -> RunComparison:
    """Two or more stored runs side by side, with paired differences from the first."""
    return _compare(session, ids)


@api.get("/{run_id}", operation_id="capacity_run", response_model=RunDetail)
def run_api(session: RunSession, run_id: int) -> RunDetail:
    """One stored run: its scenario text and every KPI with its CI."""
    run = get_run(session=session, run_id=run_id, full=True)
    return RunDetail(
        **RunSummary.of(run).model_dump(),
        error=run.error,
        scenario_toml=run.scenario_toml,
        result=SimulationResult.model_validate(run.kpis) if run.kpis else None,
    )


@api.delete("/{run_id}", operation_id="capacity_run_delete", status_code=204)
def delete_api(session: RunSession, caller: CallerDep, run_id: int) -> Response:
    """Delete a stored run (registry administrators only)."""
    if caller.role != "administrator":
        raise PermissionDeniedError("only an administrator may delete stored runs")
    delete_run(session=session, run_id=run_id)
    return Response(status_code=204)


@pages.get("/capacity/runs")
def runs_page(request: Request, session: RunSession):
    runs = [RunSummary.of(r) for r in list_runs(session=session)]
    return render(request, "capacity_runs.html", {"runs": runs, "main": MAIN_KPIS, "label": label})


@pages.get("/capacity/runs/{run_id}")
def stored_run_page(request: Request, session: RunSession, run_id: int):
    run = run_api(session, run_id)
    names = headline_names(run.result.kpis) if run.result else []
    headline = [k for k in names if "utilisation" not in k]
    return render(
        request, "capacity_stored_run.html", {"run": run, "headline": headline, "label": label}
    )


@pages.get("/capacity/runs/{run_id}/report", response_class=HTMLResponse)
def stored_report_page(session: RunSession, run_id: int):
    run = get_run(session=session, run_id=run_id, full=True)
    if run.report_html is None:
        raise InputError(f"run {run_id} has no report ({run.status})", field="id")
    return HTMLResponse(run.report_html)


@pages.get("/capacity/compare")
def compare_page(request: Request, session: RunSession, ids: Ids):
    result = _compare(session, ids)
    names = list(result.comparison.scenarios[0].kpis)
    return render(request, "capacity_compare.html", {"c": result, "names": names, "label": label})
