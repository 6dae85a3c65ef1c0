"""The audit trail: every change recorded, chain verified, tampering detected."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from rltcare.registry import service
from rltcare.registry.audit import verify
from rltcare.registry.schema import SCHEMAS


def test_every_change_is_recorded_with_before_and_after(session, world):
    service.update_row(
        session=session,
        caller=world.callers["editor_a"],
        table="patient",
        row_id=world.patient_a.id,
        data=SCHEMAS["patient"].Update(version=1, birth_year=1949),
    )
    row = session.execute(
        text(
            "SELECT actor, action, before, after FROM audit_log WHERE table_name='patient' AND action='update'"
        )
    ).one()
    assert row.actor == "user:editor_a"
    assert '"birth_year":1950' in row.before and '"birth_year":1949' in row.after
    assert verify(session.connection()).ok


def test_raw_sql_change_of_a_row_is_detected(engine, world):
    with engine.begin() as connection:
        connection.execute(text("UPDATE lab_result SET value = 4.2 WHERE value = 42.0"))
    with engine.connect() as connection:
        result = verify(connection)
    assert not result.ok
    assert any("lab_result" in p and "differs" in p for p in result.problems)


def test_raw_sql_insert_and_delete_are_detected(engine, world):
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM performance_status"))  # none: harmless
        connection.execute(text(f"DELETE FROM lab_result WHERE patient_id = {world.patient_b.id}"))
    with engine.connect() as connection:
        problems = verify(connection).problems
    assert any("deleted without an audit entry" in p for p in problems)


def test_audit_log_is_append_only_and_chain_detects_edits(engine, world):
    with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = 3"))
    # A database owner can drop the guard; the hash chain still shows the edit.
    drop = {
        "sqlite": ["DROP TRIGGER audit_log_no_update"],
        "postgresql": ["DROP TRIGGER audit_log_append_only ON audit_log"],
    }
    with engine.begin() as connection:
        for statement in drop[engine.dialect.name]:
            connection.execute(text(statement))
        connection.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = 3"))
    with engine.connect() as connection:
        assert "audit entry 3 does not match the chain" in verify(connection).problems
