"""Stored capacity runs: service functions, migration 0002 up and down, backup round trip."""

from __future__ import annotations

import json
import math
import zipfile

import pytest
from sqlalchemy import inspect

from rltcare.errors import InputError
from rltcare.registry import backup, migrate
from rltcare.registry.audit import AuditEntry
from rltcare.registry.db import make_engine, make_sessionmaker
from rltcare.registry.errors import NotFoundError
from rltcare.registry.runs import delete_run, get_run, list_runs, save_run
from rltcare.settings import Settings

KPIS = {"title": "ward", "kpis": {"wait_first_cycle_mean_d": {"mean": 12.5, "low": 10.0}}}


def _save(session, title="A", **kw):
    values = {
        "session": session,
        "title": title,
        "scenario_title": "ward",
        "scenario_toml": "[simulation]\nhorizon = '1 year'\n",
        "seed": 1,
        "replications": 2,
        "catalog_version": "abc123",
        "parameters": {"referral_scale": 1.0, "extra_units": 0},
        "kpis": KPIS,
        "replication_kpis": [
            {"replication": 0, "kpis": {"x": 1.0, "y": math.nan}},
            {"replication": 1, "kpis": {"x": 2.0, "y": math.inf}},
        ],
        "report_html": "<html>report</html>",
    }
    return save_run(**(values | kw))


def test_save_list_get_delete(session) -> None:
    first = _save(session, "first")
    second = _save(session, "second", seed=2**63 - 1)
    assert [r.title for r in list_runs(session=session)] == ["second", "first"]
    assert [r.title for r in list_runs(session=session, limit=1, offset=1)] == ["first"]
    run = get_run(session=session, run_id=first.id, full=True)
    assert run.created_at.tzinfo is not None
    assert run.kpis == KPIS
    assert run.report_html == "<html>report</html>"
    assert run.replication_kpis[0]["kpis"] == {"x": 1.0, "y": None}  # NaN stored as null
    assert get_run(session=session, run_id=second.id).seed == 2**63 - 1
    delete_run(session=session, run_id=first.id)
    assert [r.id for r in list_runs(session=session)] == [second.id]
    with pytest.raises(NotFoundError, match=f"no stored capacity run {first.id}"):
        get_run(session=session, run_id=first.id)
    with pytest.raises(NotFoundError):
        delete_run(session=session, run_id=first.id)
    assert session.query(AuditEntry).count() == 0  # planner runs are not audited


def test_blank_title_falls_back_to_the_scenario(session) -> None:
    assert _save(session, "  ").title == "ward"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**63}, "seed"),
        ({"kpis": None}, "kpis"),
    ],
)
def test_bad_runs_are_refused(session, change, field) -> None:
    with pytest.raises(InputError) as caught:
        _save(session, **change)
    assert caught.value.field == field


def test_a_failed_run_needs_no_kpis(session) -> None:
    run = _save(session, status="failed", error="boom", kpis=None, report_html=None)
    assert get_run(session=session, run_id=run.id).status == "failed"


def test_migration_0002_down_and_up(engine) -> None:
    with make_sessionmaker(engine)() as session:
        _save(session)
    assert "capacity_run" in inspect(engine).get_table_names()
    migrate.downgrade(engine, "0001")
    assert migrate.current(engine) == "0001"
    tables = inspect(engine).get_table_names()
    assert "capacity_run" not in tables and "patient" in tables
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()  # 0002 and every later revision
    with make_sessionmaker(engine)() as session:
        assert list_runs(session=session) == []


def test_backup_restore_carries_the_runs(engine, tmp_path) -> None:
    with make_sessionmaker(engine)() as session:
        run_id = _save(session).id
    counts = backup.backup(engine, tmp_path / "b.zip")
    assert counts["capacity_run"] == 1
    target = make_engine(Settings(data_dir=tmp_path / "restored"))
    migrate.upgrade(target)
    backup.restore(target, tmp_path / "b.zip")
    with make_sessionmaker(target)() as session:
        run = get_run(session=session, run_id=run_id, full=True)
        assert run.kpis == KPIS and run.report_html == "<html>report</html>"
        assert run.replication_kpis[1]["kpis"] == {"x": 2.0, "y": None}
    backup.backup(target, tmp_path / "c.zip")
    with zipfile.ZipFile(tmp_path / "b.zip") as one, zipfile.ZipFile(tmp_path / "c.zip") as two:
        assert one.read("capacity_run.jsonl") == two.read("capacity_run.jsonl")
        assert json.loads(one.read("capacity_run.jsonl"))["title"] == "A"
    target.dispose()
