"""Registry pages: sign-in, my centre's patients, a patient's timeline, data entry, import, audit."""

from __future__ import annotations

import functools
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from rltcare.errors import InputError
from rltcare.registry import auth, service
from rltcare.registry.access import CLINICAL_READERS
from rltcare.registry.audit import AuditEntry
from rltcare.registry.errors import AuthenticationError
from rltcare.registry.exporters import FORMATS as EXPORT_FORMATS
from rltcare.registry.importers import ImportRejectedError, import_tables
from rltcare.registry.importers.reader import MAX_BYTES
from rltcare.registry.importers.sources import FORMATS as IMPORT_FORMATS
from rltcare.registry.importers.sources import Source, read_files
from rltcare.registry.models import CLINICAL, Centre
from rltcare.registry.readcache import audit_head
from rltcare.registry.vocab import label
from rltcare.web.registry_deps import (
    COOKIE,
    check_csrf,
    client_address,
    get_caller,
    page_cache,
    timeline_cache,
)
from rltcare.web.routes.registry_view import marker_axis, marker_traces, sections
from rltcare.web.templating import render, templates

UPLOAD_LIMIT = 50 * 1024 * 1024  # bytes per uploaded file

pages = APIRouter(include_in_schema=False)
#: Tables a centre editor can add rows to from a patient's page (forms: registry_forms.py).
ENTRY_TABLES = tuple(model.__tablename__ for model in CLINICAL[2:])
#: Who may use each page of the bar (the pages check the same tuples).
IMPORT_ROLES = ("administrator", "centre-editor")
AUDIT_ROLES = ("administrator", "auditor")


def bar_links(role: str) -> list[tuple[str, str]]:
    """The registry bar's links that this role can use: no link leads to a refusal."""
    links = []
    if role in CLINICAL_READERS:
        links.append(("/registry", "Patients"))
        links.append(("/registry/import", "Import" if role in IMPORT_ROLES else "Export"))
    if role in AUDIT_ROLES:
        links.append(("/registry/audit", "Audit log"))
    return links


def _signed_in(request: Request, session):
    """The caller, or a redirect to the sign-in page."""
    try:
        return get_caller(request, session), None
    except AuthenticationError:
        return None, RedirectResponse(f"/registry/login?next={request.url.path}", status_code=303)


def _session(request: Request):
    from rltcare.web.registry_deps import get_session

    return get_session(request)


@pages.get("/registry/login")
def login_page(request: Request, next: str = "/registry"):
    return render(request, "registry/login.html", {"next": next, "errors": {}})


@pages.post("/registry/login")
async def login(request: Request):
    form = await request.form()
    target = str(form.get("next") or "/registry")
    if not _local_path(target):
        target = "/registry"
    for session in _session(request):
        try:
            user = auth.authenticate(
                session=session,
                username=str(form.get("username", "")),
                password=str(form.get("password", "")),
                client=client_address(request),
            )
        except InputError as exc:
            return render(
                request,
                "registry/login.html",
                {"next": target, "errors": {"form": exc.message}},
                status_code=getattr(exc, "status", 422),
            )
        key = auth.start_session(session=session, user=user)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        key,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=int(auth.SESSION_LIFETIME.total_seconds()),
        path="/",
    )
    return response


@pages.post("/registry/logout")
async def logout(request: Request):
    form = await request.form()
    for session in _session(request):
        caller, _redirect = _signed_in(request, session)
        if caller:
            check_csrf(request, str(form.get("csrf", "")))
            auth.end_session(session=session, key=request.cookies[COOKIE])
    response = RedirectResponse("/registry/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _local_path(target: str) -> bool:
    """A path on this site (``/outcomes?registry=1``), never another host (``//evil``, ``https:``)."""
    return target.startswith("/") and not target.startswith(("//", "/\\"))


def _offset(text: str) -> int:
    """A page's ``offset`` parameter; a bad one is an error page, not FastAPI's JSON 422."""
    if not text.strip().isdigit():
        raise InputError(
            f"offset {text!r} is not a whole number of rows", field="offset", hint="e.g. 50"
        )
    return int(text)


@pages.get("/registry")
def patient_list(request: Request, offset: str = "0", pseudonym: str = ""):
    """My centres' patients; ``pseudonym`` finds those whose pseudonym contains it (any case)."""
    start = _offset(offset)
    pseudonym = pseudonym.strip()
    for session in _session(request):
        caller, redirect = _signed_in(request, session)
        if redirect:
            return redirect
        if caller.role == "auditor":
            return RedirectResponse("/registry/audit", status_code=303)
        rows, count = service.list_rows(
            session=session,
            caller=caller,
            table="patient",
            search=pseudonym or None,
            offset=start,
            limit=50,
        )
        centres = dict(session.execute(select(Centre.id, Centre.code)).all())
        return render(
            request,
            "registry/patients.html",
            {
                "caller": caller,
                "rows": rows,
                "count": count,
                "offset": start,
                "centres": centres,
                "pseudonym": pseudonym,
                "bar": bar_links(caller.role),
                "csrf": getattr(request.state, "csrf", ""),
            },
        )


#: Stands for the viewer's CSRF token in a cached page (random: no stored text can match it).
_CSRF_SLOT = "csrf-" + secrets.token_hex(16)


def _render_patient(request: Request, found: dict[str, Any], role: str) -> str:
    context = {
        "request": request,
        "can_edit": role in IMPORT_ROLES,  # the roles that write are the roles that import
        "bar": bar_links(role),
        "t": found,
        "sections": sections(found),
        "diagnoses": [label("cancer_type", d.cancer_type) for d in found["diagnosis"]],
        "traces": marker_traces(found["lab_result"]),
        "marker_axis": marker_axis(found["lab_result"]),
        "entry_tables": ENTRY_TABLES,
        "csrf": _CSRF_SLOT,
    }
    return templates.get_template("registry/patient.html").render(context)


@pages.get("/registry/patient/{patient_id}")
async def patient_page(request: Request, patient_id: int):
    """A patient's timeline: cycles, tumour markers, imaging, adverse events.

    ``async`` on purpose: a page answered from the caches costs two indexed queries
    of well under a millisecond, cheaper inline than a hop to a worker thread. A
    miss (after any write) reads one patient's rows, a few milliseconds during
    which this worker's other requests wait; the other workers go on serving.
    The rendered page is cached per patient, view (pseudonymised or not, editable
    or not) and audit head; the viewer's CSRF token is put in on the way out.
    """
    for session in _session(request):
        caller, redirect = _signed_in(request, session)
        if redirect:
            return redirect
        head = audit_head(session)
        found = service.timeline(
            session=session,
            caller=caller,
            patient_id=patient_id,
            cache=timeline_cache(request),
            head=head,
        )
        key = ("patient-page", patient_id, caller.role)  # the role decides links and pseudonyms
        html = page_cache(request).get_or_load(
            key, head, functools.partial(_render_patient, request, found, caller.role)
        )
        return HTMLResponse(html.replace(_CSRF_SLOT, getattr(request.state, "csrf", "")))


async def read_uploads(uploads: list[Any], fmt: str | None) -> Source:
    """Uploaded files read as one import source (each file at most UPLOAD_LIMIT bytes)."""
    files = [(u.filename or "upload.csv", await u.read(UPLOAD_LIMIT + 1)) for u in uploads]
    return read_files(files, fmt or None, max_bytes=min(MAX_BYTES, UPLOAD_LIMIT))


def _import_context(request: Request, caller) -> dict[str, Any]:
    """Importers get the upload form and the export links; other readers the export only."""
    caller.require_clinical_read()
    return {
        "can_import": caller.role in IMPORT_ROLES,
        "bar": bar_links(caller.role),
        "problems": [],
        "report": None,
        "csrf": getattr(request.state, "csrf", ""),
        "import_formats": IMPORT_FORMATS,
        "export_formats": EXPORT_FORMATS,
    }


@pages.get("/registry/import")
def import_page(request: Request):
    for session in _session(request):
        caller, redirect = _signed_in(request, session)
        if redirect:
            return redirect
        return render(request, "registry/import.html", _import_context(request, caller))


@pages.post("/registry/import")
async def import_submit(request: Request):
    form = await request.form()
    for session in _session(request):
        caller, redirect = _signed_in(request, session)
        if redirect:
            return redirect
        check_csrf(request, str(form.get("csrf", "")))
        uploads = [u for u in form.getlist("files") if hasattr(u, "read")]
        source = await read_uploads(uploads, str(form.get("format", "")))
        context = _import_context(request, caller)
        caller.require(*IMPORT_ROLES)
        try:
            context["report"] = import_tables(
                session=session,
                caller=caller,
                frames=source.frames,
                dry_run=form.get("apply") != "yes",
                problems=source.problems,
                origin=source.origin,
            )
        except ImportRejectedError as exc:
            context["problems"] = exc.problems
        return render(
            request,
            "registry/import.html",
            context,
            status_code=422 if context["problems"] else 200,
        )


@pages.get("/registry/audit")
def audit_page(request: Request, offset: str = "0"):
    start = _offset(offset)
    for session in _session(request):
        caller, redirect = _signed_in(request, session)
        if redirect:
            return redirect
        caller.require(*AUDIT_ROLES)
        rows = session.scalars(
            select(AuditEntry).order_by(AuditEntry.id.desc()).offset(start).limit(100)
        ).all()
        return render(
            request,
            "registry/audit.html",
            {
                "rows": rows,
                "offset": start,
                "bar": bar_links(caller.role),
                "csrf": getattr(request.state, "csrf", ""),
            },
        )
