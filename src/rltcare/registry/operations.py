"""Account operations for administrators: deactivate or reactivate a user, list and revoke
API tokens. Each is written to the audit trail with the administrator as the actor.

A deactivated user can neither sign in nor use a token (both checks require an
active account), and their browser sessions are ended at once; reactivating does
not bring those sessions back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rltcare.errors import InputError
from rltcare.registry import audit
from rltcare.registry.access import Caller
from rltcare.registry.accounts import ApiToken, User, WebSession


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise InputError(f"no user '{username}'", field="username", value=username)
    return user


def set_active(*, session: Session, actor: Caller, username: str, active: bool) -> User:
    """Deactivate (``active=False``) or reactivate an account; the change is audited."""
    actor.require("administrator")
    user = _user(session, username)
    if user.active != active:
        session.info["actor"] = actor.actor  # before any flush: the audit listener needs it
        user.active = active
        if not active:
            session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        try:
            session.commit()  # the audit listener records the account row before and after
        finally:
            session.info.pop("actor", None)
    return user


def list_tokens(*, session: Session, actor: Caller, username: str | None = None) -> list[dict]:
    """Every API token (never the token itself: only its hash is stored)."""
    actor.require("administrator")
    query = (
        select(ApiToken.id, User.username, ApiToken.name, ApiToken.created_at, ApiToken.revoked)
        .join(User, User.id == ApiToken.user_id)
        .order_by(ApiToken.id)
    )
    if username is not None:
        query = query.where(User.id == _user(session, username).id)
    return [
        {"id": i, "username": u, "name": n, "created_at": c.isoformat(), "revoked": r}
        for i, u, n, c, r in session.execute(query)
    ]


def revoke_token(*, session: Session, actor: Caller, token_id: int) -> dict:
    """Revoke a token by its id; it stops working at once. Audited."""
    actor.require("administrator")
    token = session.get(ApiToken, token_id)
    if token is None:
        raise InputError(f"no token {token_id}", field="token_id", value=token_id)
    if not token.revoked:
        token.revoked = True
        session.flush()
        record = {"id": token.id, "name": token.name, "user_id": token.user_id}
        audit.append(
            session.connection(),
            actor.actor,
            [
                (
                    "revoke",
                    "api_token",
                    token.id,
                    audit.canonical({**record, "revoked": False}),
                    audit.canonical({**record, "revoked": True}),
                )
            ],
        )
        session.commit()
    return {"id": token.id, "name": token.name, "revoked": True, "at": dt.datetime.now(dt.UTC)}
