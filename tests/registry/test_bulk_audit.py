"""Imports: batched audit entries keep every value and still reveal tampering; COPY text."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, text

from rltcare.registry import bulk
from rltcare.registry.access import SYSTEM
from rltcare.registry.audit import IMPORT, AuditEntry, verify
from rltcare.registry.demo import generate
from rltcare.registry.importers import import_tables, writer
from rltcare.registry.models import Patient


def _import(session, monkeypatch, batch=3):
    monkeypatch.setattr(writer, "AUDIT_BATCH", batch)
    import_tables(session=session, caller=SYSTEM, frames=generate(patients=10, centres=2, seed=5))


def test_an_import_writes_one_entry_per_batch_and_verifies(session, monkeypatch):
    _import(session, monkeypatch)
    entries = session.execute(
        select(AuditEntry.row_id, AuditEntry.after).where(
            AuditEntry.table_name == "patient", AuditEntry.action == IMPORT
        )
    ).all()
    assert [len(after.splitlines()) for _, after in entries] == [3, 3, 3, 1]
    assert [row_id for row_id, _ in entries] == [1, 4, 7, 10]
    assert session.scalar(select(func.count()).select_from(Patient)) == 10
    result = verify(session.connection())
    assert result.ok, result.problems


def test_a_row_inside_a_batch_changed_or_deleted_behind_the_back_is_found(
    session, monkeypatch, engine
):
    _import(session, monkeypatch)
    session.close()
    with engine.begin() as connection:
        connection.execute(text("UPDATE patient SET birth_year = 1901 WHERE id = 5"))
        connection.execute(text("DELETE FROM lab_result WHERE id = 8"))
    with engine.connect() as connection:
        problems = verify(connection, limit=100).problems
    assert sorted(problems) == [
        "lab_result row 8 was deleted without an audit entry",
        "patient row 5 differs from its last audit entry",
    ]


def test_copy_text_escapes_what_copy_would_misread():
    column = bulk._copy_column(["a\tb\\c\nd", None, "plain", "plain"])
    assert column == ["a\\tb\\\\c\\nd", "\\N", "plain", "plain"]
    assert bulk._copy_column([True, False]) == ["t", "f"]
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert bulk._copy_column([when, 0.1, 7]) == ["2024-01-02T03:04:05+00:00", "0.1", "7"]
