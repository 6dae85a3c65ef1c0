"""Accounts: argon2id passwords, bearer tokens, browser sessions and login rate limiting."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from rltcare.errors import InputError, UnknownNameError
from rltcare.registry import audit
from rltcare.registry.access import ROLES, Caller
from rltcare.registry.accounts import ApiToken, LoginFailure, Meta, User, WebSession, user_centre
from rltcare.registry.errors import AuthenticationError, RateLimitedError
from rltcare.registry.models import Centre

HASHER = PasswordHasher()  # argon2id with argon2-cffi's RFC 9106 "low memory" profile
MIN_PASSWORD = 10
#: At most this many failed logins per username, and per client address, in the window.
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_CLIENT = 20
FAILURE_WINDOW = dt.timedelta(minutes=15)
SESSION_LIFETIME = dt.timedelta(hours=8)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def caller_for(user: User) -> Caller:
    return Caller(
        username=user.username,
        role=user.role,
        centre_ids=frozenset(user.centre_ids),
        user_id=user.id,
    )


def create_user(
    *, session: Session, actor: Caller, username: str, password: str, role: str, centres: list[str]
) -> User:
    """A new account; ``centres`` are centre codes (needed by centre roles)."""
    actor.require("administrator")
    if role not in ROLES:
        raise UnknownNameError("role", role, ROLES, field="role")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters", field="password")
    if not username.strip() or len(username) > 80:
        raise InputError("a username has 1 to 80 characters", field="username", value=username)
    if session.scalar(select(User).where(User.username == username)):
        raise InputError(f"user '{username}' exists already", field="username", value=username)
    found = session.scalars(select(Centre).where(Centre.code.in_(centres))).all()
    missing = set(centres) - {c.code for c in found}
    if missing:
        known = session.scalars(select(Centre.code)).all()
        raise UnknownNameError("centre", sorted(missing)[0], known, field="centres")
    if role.startswith("centre-") and not found:
        raise InputError(f"a {role} needs at least one centre", field="centres")
    user = User(username=username, password_hash=HASHER.hash(password), role=role, active=True)
    user.centres = list(found)
    session.info["actor"] = actor.actor
    session.add(user)
    session.commit()
    return user


def authenticate(*, session: Session, username: str, password: str, client: str) -> User:
    """The active user with this password; failures are counted and rate-limited."""
    since = _now() - FAILURE_WINDOW
    recent = select(func.count()).select_from(LoginFailure).where(LoginFailure.at >= since)
    if (
        session.scalar(recent.where(LoginFailure.username == username)) >= MAX_FAILURES_PER_USER
        or session.scalar(recent.where(LoginFailure.client == client)) >= MAX_FAILURES_PER_CLIENT
    ):
        raise RateLimitedError(
            "too many failed logins", hint=f"wait {FAILURE_WINDOW.seconds // 60} minutes"
        )
    user = session.scalar(select(User).where(User.username == username, User.active))
    try:
        if user is None:
            HASHER.hash(password)  # same work whether or not the account exists
            raise VerificationError
        HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        session.add(LoginFailure(username=username[:80], client=client[:64], at=_now()))
        session.commit()
        raise AuthenticationError("wrong username or password") from None
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    session.commit()
    return user


def issue_token(*, session: Session, user: User, name: str = "api") -> str:
    """A new bearer token for ``user``; only its SHA-256 is kept, so show it now."""
    token = "rlt_" + secrets.token_urlsafe(32)
    session.add(
        ApiToken(user_id=user.id, name=name, token_sha256=_sha256(token), created_at=_now())
    )
    session.commit()
    return token


def _caller_of(session: Session, user_id: int, username: str, role: str) -> Caller:
    centres = session.scalars(
        select(user_centre.c.centre_id).where(user_centre.c.user_id == user_id)
    ).all()
    return Caller(username=username, role=role, centre_ids=frozenset(centres), user_id=user_id)


def caller_from_token(*, session: Session, token: str) -> Caller:
    """The caller a bearer token stands for: two indexed look-ups, no password hashing."""
    found = session.execute(
        select(User.id, User.username, User.role)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_sha256 == _sha256(token), ~ApiToken.revoked, User.active)
    ).first()
    if found is None:
        raise AuthenticationError("unknown or revoked token")
    return _caller_of(session, *found)


def start_session(*, session: Session, user: User) -> str:
    """A browser session: returns the cookie value; the CSRF token is kept with it.

    Expired sessions are purged here, so the table holds little more than the
    sessions alive in the last :data:`SESSION_LIFETIME`.
    """
    purge_expired_sessions(session=session, commit=False)
    key = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            user_id=user.id,
            key_sha256=_sha256(key),
            csrf_token=secrets.token_urlsafe(32),
            expires_at=_now() + SESSION_LIFETIME,
        )
    )
    session.commit()
    return key


#: The live session of a cookie with its user's centres (one row per centre), built once.
_SESSION_QUERY = (
    select(User.id, User.username, User.role, WebSession.csrf_token, user_centre.c.centre_id)
    .join(WebSession, WebSession.user_id == User.id)
    .outerjoin(user_centre, user_centre.c.user_id == User.id)
    .where(
        WebSession.key_sha256 == bindparam("key"),
        WebSession.expires_at > bindparam("now"),
        User.active,
    )
)


def session_caller(*, session: Session, key: str) -> tuple[Caller, str]:
    """The caller and the CSRF token of a live browser session: one indexed query."""
    # Core execution on the session's connection: the ORM's result machinery would cost
    # more than the query itself on every request.
    params = {"key": _sha256(key), "now": _now()}
    rows = session.connection().execute(_SESSION_QUERY, params).all()
    if not rows:
        raise AuthenticationError("your session has ended; sign in again")
    user_id, username, role, csrf, _ = rows[0]
    centres = frozenset(row.centre_id for row in rows if row.centre_id is not None)
    return Caller(username=username, role=role, centre_ids=centres, user_id=user_id), csrf


def purge_expired_sessions(*, session: Session, actor: str = "system", commit: bool = True) -> int:
    """Delete browser sessions past their expiry, with an audit entry; returns how many."""
    gone = session.execute(delete(WebSession).where(WebSession.expires_at <= _now())).rowcount
    if gone:
        record = audit.canonical({"expired_sessions": gone})
        audit.append(session.connection(), actor, [("purge", "web_session", 0, None, record)])
    if commit:
        session.commit()
    return gone


def end_session(*, session: Session, key: str) -> None:
    session.execute(delete(WebSession).where(WebSession.key_sha256 == _sha256(key)))
    session.commit()


def deployment_secret(*, session: Session) -> str:
    """The key for analysts' pseudonyms, made once per registry."""
    row = session.get(Meta, "analyst_key")
    if row is None:
        row = Meta(key="analyst_key", value=secrets.token_hex(32))
        session.add(row)
        session.commit()
    return row.value
