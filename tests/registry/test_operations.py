"""Account operations: deactivate/reactivate, tokens list/revoke, session purge; all audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, update

from registry.factories import PASSWORD
from rltcare.cli import main
from rltcare.registry import auth, operations
from rltcare.registry.access import SYSTEM
from rltcare.registry.accounts import WebSession
from rltcare.registry.audit import AuditEntry, verify
from rltcare.registry.errors import AuthenticationError, PermissionDeniedError


def _last_entry(session):
    return session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))


def test_a_deactivated_user_has_no_way_in_until_reactivated(session, world):
    user = world.users["viewer_a"]
    token = auth.issue_token(session=session, user=user)
    key = auth.start_session(session=session, user=user)
    operations.set_active(session=session, actor=SYSTEM, username="viewer_a", active=False)
    entry = _last_entry(session)
    assert (entry.action, entry.table_name, json.loads(entry.after)["active"]) == (
        "update",
        "app_user",
        False,
    )
    with pytest.raises(AuthenticationError):
        auth.caller_from_token(session=session, token=token)
    with pytest.raises(AuthenticationError):
        auth.session_caller(session=session, key=key)
    with pytest.raises(AuthenticationError):
        auth.authenticate(session=session, username="viewer_a", password=PASSWORD, client="t")
    operations.set_active(session=session, actor=SYSTEM, username="viewer_a", active=True)
    assert auth.caller_from_token(session=session, token=token).username == "viewer_a"
    with pytest.raises(AuthenticationError):  # the old browser session stays ended
        auth.session_caller(session=session, key=key)
    assert verify(session.connection()).ok


def test_a_revoked_token_stops_working_and_the_revocation_is_audited(session, world):
    token = auth.issue_token(session=session, user=world.users["editor_a"], name="laptop")
    listed = operations.list_tokens(session=session, actor=SYSTEM, username="editor_a")
    assert [(t["name"], t["revoked"]) for t in listed] == [("laptop", False)]
    operations.revoke_token(session=session, actor=SYSTEM, token_id=listed[0]["id"])
    with pytest.raises(AuthenticationError):
        auth.caller_from_token(session=session, token=token)
    entry = _last_entry(session)
    assert (entry.action, entry.table_name, entry.row_id) == (
        "revoke",
        "api_token",
        listed[0]["id"],
    )
    assert verify(session.connection()).ok


def test_only_administrators_run_operations(session, world):
    with pytest.raises(PermissionDeniedError):
        operations.set_active(
            session=session, actor=world.callers["editor_a"], username="viewer_a", active=False
        )
    with pytest.raises(PermissionDeniedError):
        operations.list_tokens(session=session, actor=world.callers["auditor"])


def test_expired_sessions_are_purged_at_sign_in_and_on_demand(session, world):
    user = world.users["editor_a"]
    auth.start_session(session=session, user=user)
    auth.start_session(session=session, user=user)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    session.execute(update(WebSession).values(expires_at=past))
    session.commit()
    assert auth.purge_expired_sessions(session=session) == 2
    assert json.loads(_last_entry(session).after) == {"expired_sessions": 2}
    auth.start_session(session=session, user=user)
    session.execute(update(WebSession).values(expires_at=past))
    session.commit()
    auth.start_session(session=session, user=user)  # purges the expired one first
    assert len(session.scalars(select(WebSession)).all()) == 1


def test_the_commands(registry_settings, engine, world, monkeypatch, capsys):
    monkeypatch.setenv("RLTCARE_DATA_DIR", str(registry_settings.data_dir))
    if registry_settings.database_url:
        monkeypatch.setenv("RLTCARE_DATABASE_URL", registry_settings.database_url)

    def run(*argv):
        with pytest.raises(SystemExit) as info:
            main(["registry", *argv, "--json"])
        return info.value.code, capsys.readouterr().out

    assert json.loads(run("users", "deactivate", "viewer_a")[1]) == {
        "username": "viewer_a",
        "active": False,
    }
    assert json.loads(run("users", "reactivate", "viewer_a")[1])["active"] is True
    assert run("users", "token", "viewer_a")[0] == 0
    token_id = json.loads(run("tokens", "list")[1])[-1]["id"]
    assert json.loads(run("tokens", "revoke", str(token_id))[1])["revoked"] is True
    assert json.loads(run("sessions", "purge")[1]) == {"purged": 0}
    assert run("tokens", "revoke", "99999")[0] == 2
