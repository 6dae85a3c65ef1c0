"""Dependencies of the registry routes: a database session and the authenticated caller.

The API takes ``Authorization: Bearer <token>``; pages (and the API from a signed-in
browser) use the session cookie, which is HttpOnly and SameSite=Lax; every form
that changes data also carries the session's CSRF token.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from rltcare.registry import auth
from rltcare.registry.access import Caller
from rltcare.registry.db import make_sessionmaker
from rltcare.registry.errors import AuthenticationError, PermissionDeniedError
from rltcare.registry.readcache import HeadCache

COOKIE = "rltcare_session"
#: Patients whose timeline (and rendered page) each worker keeps: tens of MB at most.
CACHED_PATIENTS = 1024


def get_session(request: Request) -> Iterator[Session]:
    state = request.app.state
    if not hasattr(state, "registry_sessions"):
        state.registry_sessions = make_sessionmaker(state.engine)
    with state.registry_sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def timeline_cache(request: Request) -> HeadCache:
    """This process's cache of patient timelines (see :mod:`rltcare.registry.readcache`)."""
    state = request.app.state
    if not hasattr(state, "registry_timelines"):
        state.registry_timelines = HeadCache(CACHED_PATIENTS)
    return state.registry_timelines


def page_cache(request: Request) -> HeadCache:
    """This process's cache of rendered patient pages, stamped like the timelines."""
    state = request.app.state
    if not hasattr(state, "registry_pages"):
        state.registry_pages = HeadCache(CACHED_PATIENTS)
    return state.registry_pages


def get_caller(request: Request, session: SessionDep) -> Caller:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return auth.caller_from_token(session=session, token=header[7:].strip())
    key = request.cookies.get(COOKIE)
    if key:
        caller, csrf = auth.session_caller(session=session, key=key)
        request.state.csrf = csrf
        if request.method not in ("GET", "HEAD") and request.url.path.startswith("/api/"):
            check_csrf(request, request.headers.get("x-csrf-token", ""))
        return caller
    raise AuthenticationError("sign in, or send 'Authorization: Bearer <token>'")


def check_csrf(request: Request, token: str) -> None:
    expected = getattr(request.state, "csrf", None)
    if not expected or not hmac.compare_digest(expected, token or ""):
        raise PermissionDeniedError("missing or wrong CSRF token; reload the page and try again")


CallerDep = Annotated[Caller, Depends(get_caller)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
