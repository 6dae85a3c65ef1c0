"""The registry API, ``/api/v1/registry/...``: CRUD per table, timeline, import, export, audit.

Routes are thin: they parse, call :mod:`rltcare.registry.service` (which scopes
every query to the caller's centres) and return a declared response model. A row
outside the caller's centres answers 404; a stale ``version`` answers 409.
"""

import io
import zipfile
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from rltcare.errors import InputError
from rltcare.registry import auth, service
from rltcare.registry.audit import AuditEntry, verify
from rltcare.registry.exporters import FORMATS, export_files, export_frames
from rltcare.registry.filters import LISTINGS
from rltcare.registry.importers import import_tables
from rltcare.registry.models import CLINICAL
from rltcare.registry.schema import SCHEMAS
from rltcare.web.registry_deps import CallerDep, SessionDep, client_address, timeline_cache
from rltcare.web.routes.registry_forms import forms
from rltcare.web.routes.registry_pages import pages, read_uploads

api = APIRouter(prefix="/api/v1/registry", tags=["registry"])

__all__ = ["api", "pages"]
pages.include_router(forms)  # data-entry pages live in their own module


class TokenRequest(BaseModel):
    username: str = Field(max_length=80)
    password: str = Field(max_length=200)
    name: str = Field("api", max_length=80)


class TokenResponse(BaseModel):
    token: str
    username: str
    role: str


class Me(BaseModel):
    username: str
    role: str
    centre_ids: list[int]


class ImportResult(BaseModel):
    dry_run: bool
    rows: dict[str, int]
    total: int


class AuditRow(BaseModel):
    id: int
    at: Any
    actor: str
    action: str
    table_name: str
    row_id: int
    before: str | None
    after: str | None
    hash: str


class AuditPage(BaseModel):
    data: list[AuditRow]
    count: int


class AuditCheck(BaseModel):
    ok: bool
    entries: int
    rows: int
    problems: list[str]


class Timeline(BaseModel):
    patient: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]


@api.post("/token", operation_id="registry_token", response_model=TokenResponse)
def token(body: TokenRequest, session: SessionDep, request: Request) -> TokenResponse:
    """Exchange a username and password for a bearer token (failed logins are rate-limited)."""
    user = auth.authenticate(
        session=session,
        username=body.username,
        password=body.password,
        client=client_address(request),
    )
    return TokenResponse(
        token=auth.issue_token(session=session, user=user, name=body.name),
        username=user.username,
        role=user.role,
    )


@api.get("/me", operation_id="registry_me", response_model=Me)
def me(caller: CallerDep) -> Me:
    """Who the token belongs to: role and centres."""
    return Me(username=caller.username, role=caller.role, centre_ids=sorted(caller.centre_ids))


def _add_table_routes(table: str) -> None:
    s = SCHEMAS[table]
    child = table not in ("centre", "patient")

    @api.get(
        f"/{table}",
        operation_id=f"registry_list_{table}",
        response_model=s.List,
        summary=f"List {table} rows",
        description=f"One page of the {table} rows in your centres, narrowed by every filter "
        "given (unknown parameters are refused), sorted by `sort`.",
    )
    def listing(
        session: SessionDep,
        caller: CallerDep,
        query: Annotated[LISTINGS[table], Query()],
    ):
        rows, count = service.list_rows(session=session, caller=caller, table=table, listing=query)
        return s.List(data=rows, count=count, offset=query.offset, limit=query.limit)

    @api.get(
        f"/{table}/{{row_id}}",
        operation_id=f"registry_get_{table}",
        response_model=s.Public,
        summary=f"One {table} row",
    )
    def get(row_id: int, session: SessionDep, caller: CallerDep):
        return service.get_row(session=session, caller=caller, table=table, row_id=row_id)

    @api.patch(
        f"/{table}/{{row_id}}",
        operation_id=f"registry_update_{table}",
        response_model=s.Public,
        summary=f"Change a {table} row (send its version)",
    )
    def update(row_id: int, body: s.Update, session: SessionDep, caller: CallerDep):
        return service.update_row(
            session=session, caller=caller, table=table, row_id=row_id, data=body
        )

    @api.delete(
        f"/{table}/{{row_id}}",
        operation_id=f"registry_delete_{table}",
        status_code=204,
        summary=f"Delete a {table} row (send its version)",
    )
    def remove(
        row_id: int, version: Annotated[int, Query(ge=1)], session: SessionDep, caller: CallerDep
    ) -> Response:
        service.delete_row(
            session=session, caller=caller, table=table, row_id=row_id, version=version
        )
        return Response(status_code=204)

    path = f"/patient/{{patient_id}}/{table}" if child else f"/{table}"

    @api.post(
        path,
        operation_id=f"registry_create_{table}",
        response_model=s.Public,
        status_code=201,
        summary=f"Add a {table} row",
    )
    def create(
        body: s.Create, session: SessionDep, caller: CallerDep, patient_id: int | None = None
    ):
        return service.create_row(
            session=session, caller=caller, table=table, data=body, patient_id=patient_id
        )


for _model in CLINICAL:
    _add_table_routes(_model.__tablename__)


@api.get(
    "/patient/{patient_id}/timeline", operation_id="registry_timeline", response_model=Timeline
)
def timeline(patient_id: int, session: SessionDep, caller: CallerDep, request: Request) -> Timeline:
    """A patient with every row that belongs to them, by table."""
    found = service.timeline(
        session=session, caller=caller, patient_id=patient_id, cache=timeline_cache(request)
    )
    rows = {
        t: [r.model_dump(mode="json") for r in v]
        for t, v in found.items()
        if t not in ("patient", "centre")
    }
    return Timeline(patient=found["patient"].model_dump(mode="json"), rows=rows)


@api.post("/import", operation_id="registry_import", response_model=ImportResult)
async def bulk_import(
    session: SessionDep,
    caller: CallerDep,
    files: Annotated[
        list[UploadFile],
        File(
            description="<table>.csv files, one .xlsx workbook, a REDCap records export with "
            "its data dictionary, or one FHIR bundle (.json)"
        ),
    ],
    dry_run: Annotated[bool, Form(description="check only (a preview)")] = False,
    format: Annotated[
        str | None, Form(description="csv, xlsx, redcap or fhir; default: told from the files")
    ] = None,
) -> ImportResult:
    """Import files all or nothing; a rejected import answers 422 listing every problem."""
    source = await read_uploads(files, format)
    report = import_tables(
        session=session,
        caller=caller,
        frames=source.frames,
        dry_run=dry_run,
        problems=source.problems,
        origin=source.origin,
    )
    return ImportResult(**report.to_dict())


MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "fhir": "application/fhir+json",
}


@api.get("/export", operation_id="registry_export", response_class=Response)
def export(
    session: SessionDep,
    caller: CallerDep,
    format: Annotated[str, Query(description=", ".join(FORMATS))] = "fhir",
) -> Response:
    """Every table the caller may read: a workbook, a FHIR bundle, or a zip of files
    (CSV tables, Parquet tables, a REDCap data dictionary with its records)."""
    if format not in FORMATS:
        raise InputError(
            f"unknown format '{format}'", field="format", hint=f"use {', '.join(FORMATS)}"
        )
    files = export_files(export_frames(session=session, caller=caller), format)
    if len(files) == 1 and format in MEDIA:
        name, content = next(iter(files.items()))
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file, data in files.items():
                archive.writestr(file, data)
        name, content = f"registry-{format}.zip", buffer.getvalue()
    return Response(
        content,
        media_type=MEDIA.get(format, "application/zip"),
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@api.get(
    "/export/{table}.csv", operation_id="registry_export_csv", response_class=StreamingResponse
)
def export_csv(table: str, session: SessionDep, caller: CallerDep) -> StreamingResponse:
    """One table as CSV in the import template's shape, scoped to the caller's centres."""
    service.model_for(table)
    frame = export_frames(session=session, caller=caller)[table]
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return StreamingResponse(
        iter([buffer.getvalue()]),
        media_type="text/csv",
        headers={"content-disposition": f'attachment; filename="{table}.csv"'},
    )


@api.get("/audit", operation_id="registry_audit", response_model=AuditPage)
def audit_log(
    session: SessionDep,
    caller: CallerDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    table_name: str | None = None,
    row_id: int | None = None,
) -> AuditPage:
    """The audit trail, newest first (administrators and auditors)."""
    caller.require("administrator", "auditor")
    query = select(AuditEntry)
    if table_name:
        query = query.where(AuditEntry.table_name == table_name)
    if row_id is not None:
        query = query.where(AuditEntry.row_id == row_id)
    count = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).offset(offset).limit(limit)).all()
    return AuditPage(
        data=[AuditRow.model_validate(r, from_attributes=True) for r in rows], count=count
    )


@api.get("/audit/verify", operation_id="registry_audit_verify", response_model=AuditCheck)
def audit_verify(session: SessionDep, caller: CallerDep) -> AuditCheck:
    """Re-compute the hash chain and compare every row with its last audit entry."""
    caller.require("administrator", "auditor")
    result = verify(session.connection())
    return AuditCheck(
        ok=result.ok, entries=result.entries, rows=result.rows, problems=result.problems
    )
