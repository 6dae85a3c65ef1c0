"""Stored capacity-planner runs: one row per finished experiment, and its service functions.

A run is not patient data, so it is neither versioned nor audited (see audit.py:
only :class:`~rltcare.registry.models.Versioned` rows are). It keeps everything
needed to read and compare it later without re-running: the scenario text, the
settings, the KPIs with their CIs (the experiment's JSON result), each
replication's KPIs (for paired differences) and the HTML report.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from rltcare import __version__
from rltcare.errors import InputError
from rltcare.registry.errors import NotFoundError
from rltcare.registry.models import Base, UTCDateTime

STATUSES = ("done", "failed")
MAX_SEED = 2**63 - 1  # a BIGINT column


class CapacityRun(Base):
    __tablename__ = "capacity_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    title: Mapped[str] = mapped_column(String(200))
    scenario_title: Mapped[str] = mapped_column(String(200))
    scenario_toml: Mapped[str] = mapped_column(Text, deferred=True)
    #: What the run changed on the scenario, e.g. ``{"referral_scale": 1.5, "extra_units": 1}``.
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    seed: Mapped[int] = mapped_column(BigInteger)
    replications: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    #: The experiment's JSON result (:class:`~rltcare.capacity.results.SimulationResult`).
    kpis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: ``[{"replication": r, "kpis": {...}}, ...]``; NaN stored as null.
    replication_kpis: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, deferred=True)
    report_html: Mapped[str | None] = mapped_column(Text, deferred=True)
    software_version: Mapped[str] = mapped_column(String(80))
    catalog_version: Mapped[str] = mapped_column(String(80))


def _json_safe(value: Any) -> Any:
    """NaN and infinities as null: PostgreSQL's JSON type rejects them."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def save_run(
    *,
    session: Session,
    title: str,
    scenario_title: str,
    scenario_toml: str,
    seed: int,
    replications: int,
    catalog_version: str,
    parameters: dict[str, Any] | None = None,
    status: str = "done",
    error: str | None = None,
    kpis: dict[str, Any] | None = None,
    replication_kpis: list[dict[str, Any]] | None = None,
    report_html: str | None = None,
    software_version: str = __version__,
) -> CapacityRun:
    """Store a run and commit; returns it with its new ``id``."""
    if status not in STATUSES:
        raise InputError(f"unknown run status '{status}'", field="status", hint=str(STATUSES))
    if not 0 <= seed <= MAX_SEED:
        raise InputError("a stored run's seed must be from 0 to 2⁶³ − 1", field="seed", value=seed)
    if status == "done" and kpis is None:
        raise InputError("a finished run needs its KPIs", field="kpis")
    run = CapacityRun(
        created_at=dt.datetime.now(dt.UTC),
        title=title.strip()[:200] or scenario_title[:200],
        scenario_title=scenario_title[:200],
        scenario_toml=scenario_toml,
        parameters=_json_safe(parameters or {}),
        seed=seed,
        replications=replications,
        status=status,
        error=error,
        kpis=_json_safe(kpis),
        replication_kpis=_json_safe(replication_kpis),
        report_html=report_html,
        software_version=software_version,
        catalog_version=catalog_version,
    )
    session.add(run)
    session.commit()
    return run


def list_runs(*, session: Session, limit: int = 100, offset: int = 0) -> list[CapacityRun]:
    """Newest first; the scenario text, per-replication KPIs and report are not loaded."""
    query = select(CapacityRun).order_by(CapacityRun.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))


def get_run(*, session: Session, run_id: int, full: bool = False) -> CapacityRun:
    """One run (``full``: with its deferred columns loaded); unknown ids raise NotFoundError."""
    run = session.get(CapacityRun, run_id)
    if run is None:
        raise NotFoundError(f"no stored capacity run {run_id}", field="id", value=run_id)
    if full:  # load now: the session may close before the caller reads them
        _ = run.scenario_toml, run.replication_kpis, run.report_html
    return run


def delete_run(*, session: Session, run_id: int) -> None:
    session.delete(get_run(session=session, run_id=run_id))
    session.commit()
