"""Registry data-entry pages: a new patient, a new row of a patient's record, an edit.

Every form validates with the API's own request models, shows each message beside
its field, carries the session's CSRF token, and writes through the service layer
(which scopes to the caller's centres and audits the write). An edit sends the
version it was based on; if someone saved the row meanwhile, the form says so
and nothing is written. An emptied optional field of an edit is stored as empty
(NULL), not ignored.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from sqlalchemy import select

from rltcare.errors import InputError
from rltcare.registry import service
from rltcare.registry.errors import ConflictError
from rltcare.registry.models import Centre, TreatmentCourse
from rltcare.registry.schema import SCHEMAS
from rltcare.registry.vocab import CODES, label
from rltcare.web.registry_deps import check_csrf
from rltcare.web.routes.registry_pages import ENTRY_TABLES, _session, _signed_in
from rltcare.web.templating import render, validate_form

forms = APIRouter(include_in_schema=False)
YES_NO = [("", ""), ("true", "yes"), ("false", "no")]
#: Labels of the link columns, which have no description of their own.
LINK_LABELS = {"centre_id": "Centre", "course_id": "Course"}


def _fields(table: str, choices: dict[str, list[tuple[Any, str]]] | None = None) -> list[dict]:
    """Form fields of a table's Create model: name, label, kind, options and hint.

    Coded columns, yes/no columns and links (``choices``: the patient's courses,
    the caller's centres) are drop-downs; everything else is a text or date box.
    """
    fields = []
    columns = service.model_for(table).__table__.c
    for name, info in SCHEMAS[table].Create.model_fields.items():
        column = columns[name]
        python = column.type.python_type
        options = None
        if column.info.get("codes"):
            vocabulary = column.info["codes"]
            options = [("", ""), *((c, label(vocabulary, c)) for c in CODES[vocabulary])]
        elif python is bool:
            options = YES_NO
        elif choices and name in choices:
            linked = [(str(k), text) for k, text in choices[name]]
            options = linked if len(linked) == 1 else [("", ""), *linked]  # one: chosen already
        hint = ""
        if python.__name__ == "datetime":
            hint = "ISO 8601 with a UTC offset, e.g. 2024-03-05T09:30+01:00"
        elif column.info.get("unit"):
            hint = f"a number with its unit, e.g. 7.4 GBq or 7400 MBq (stored in {column.info['unit']})"
        fields.append(
            {
                "name": name,
                "label": info.description or LINK_LABELS.get(name, name),
                "options": options,
                "type": "date" if python.__name__ == "date" else "text",
                "required": info.is_required(),
                "hint": hint,
            }
        )
    return fields


def _choices(session, caller, table: str, patient_id: int | None) -> dict:
    """The rows a form's link fields can point at, within what the caller may see."""
    if table == "patient":
        query = service.scoped(select(Centre.id, Centre.code, Centre.name), Centre, caller)
        return {"centre_id": [(i, f"{code} – {name}") for i, code, name in session.execute(query)]}
    if table == "treatment_cycle":
        courses = session.execute(
            select(TreatmentCourse.id, TreatmentCourse.number, TreatmentCourse.radiopharmaceutical)
            .where(TreatmentCourse.patient_id == patient_id)
            .order_by(TreatmentCourse.number)
        )
        return {
            "course_id": [
                (i, f"course {n} ({label('radiopharmaceutical', drug)})") for i, n, drug in courses
            ]
        }
    return {}


def _message(exc: InputError) -> dict[str, str]:
    return {exc.field or "form": exc.message}


# --- a new patient ---------------------------------------------------------------------


def _new_patient_page(request, session, caller, values: dict, errors: dict, status: int = 200):
    return render(
        request,
        "registry/entry.html",
        {
            "patient": None,
            "table": "patient",
            "fields": _fields("patient", _choices(session, caller, "patient", None)),
            "values": values,
            "errors": errors,
            "cancel": "/registry",
            "csrf": getattr(request.state, "csrf", ""),
        },
        status_code=status,
    )


@forms.get("/registry/new-patient")
def new_patient_form(request: Request):
    for session in _session(request):
        caller, redirect = _signed_in(request, session)
        if redirect:
            return redirect
        caller.require("administrator", "centre-editor")
        return _new_patient_page(request, session, caller, {}, {})


@forms.post("/registry/new-patient")
async def new_patient_submit(request: Request):
    form = dict(await request.form())
    for session in _session(request):
        caller, redirect = _signed_in(request, session)
        if redirect:
            return redirect
        check_csrf(request, str(form.pop("csrf", "")))
        caller.require("administrator", "centre-editor")
        data, errors = validate_form(SCHEMAS["patient"].Create, form)
        if data is not None:
            try:
                row = service.create_row(session=session, caller=caller, table="patient", data=data)
                return RedirectResponse(f"/registry/patient/{row.id}", status_code=303)
            except InputError as exc:
                if getattr(exc, "status", 422) != 422:
                    raise
                errors = _message(exc)
        return _new_patient_page(request, session, caller, form, errors, status=422)


# --- a new row of a patient's record ----------------------------------------------------


def _entry_page(request, session, caller, patient, table, values, errors, status=200):
    return render(
        request,
        "registry/entry.html",
        {
            "patient": patient,
            "table": table,
            "fields": _fields(table, _choices(session, caller, table, patient.id)),
            "values": values,
            "errors": errors,
            "cancel": f"/registry/patient/{patient.id}",
            "csrf": getattr(request.state, "csrf", ""),
        },
        status_code=status,
    )


def _entry_table(table: str) -> str:
    if table not in ENTRY_TABLES:
        raise InputError(f"no form for '{table}'", hint=f"known: {', '.join(ENTRY_TABLES)}")
    return table


@forms.get("/registry/patient/{patient_id}/add/{table}")
def entry_form(request: Request, patient_id: int, table: str):
    for session in _session(request):
        caller, redirect = _signed_in(request, session)
        if redirect:
            return redirect
        patient = service.writable_row(
            session=session, caller=caller, table="patient", row_id=patient_id
        )
        return _entry_page(request, session, caller, patient, _entry_table(table), {}, {})


@forms.post("/registry/patient/{patient_id}/add/{table}")
async def entry_submit(request: Request, patient_id: int, table: str):
    form = dict(await request.form())
    for session in _session(request):
        caller, redirect = _signed_in(request, session)
        if redirect:
            return redirect
        check_csrf(request, str(form.pop("csrf", "")))
        _entry_table(table)
        patient = service.writable_row(  # refused before the form is read: 403, not 422
            session=session, caller=caller, table="patient", row_id=patient_id
        )
        data, errors = validate_form(SCHEMAS[table].Create, form)
        if data is not None:
            try:
                service.create_row(
                    session=session, caller=caller, table=table, data=data, patient_id=patient_id
                )
                return RedirectResponse(f"/registry/patient/{patient_id}", status_code=303)
            except InputError as exc:
                if getattr(exc, "status", 422) != 422:
                    raise
                errors = _message(exc)
        return _entry_page(request, session, caller, patient, table, form, errors, status=422)


# --- an edit ----------------------------------------------------------------------------


def _edit_values(table: str, form: dict[str, Any]) -> dict[str, Any]:
    """The submitted fields of an edit; an emptied field becomes None, so it is cleared."""
    fields = SCHEMAS[table].Update.model_fields
    return {
        name: None if isinstance(value, str) and not value.strip() and name != "version" else value
        for name, value in form.items()
        if name in fields
    }


def _edit_page(request, session, caller, table, row: BaseModel, values, errors, status=200):
    patient_id = row.id if table == "patient" else getattr(row, "patient_id", None)
    return render(
        request,
        "registry/edit.html",
        {
            "table": table,
            "row": row,
            "fields": _fields(table, _choices(session, caller, table, patient_id)),
            "values": values,
            "errors": errors,
            "cancel": f"/registry/patient/{patient_id}" if patient_id else "/registry",
            "csrf": getattr(request.state, "csrf", ""),
        },
        status_code=status,
    )


@forms.get("/registry/edit/{table}/{row_id}")
def edit_form(request: Request, table: str, row_id: int):
    for session in _session(request):
        caller, redirect = _signed_in(request, session)
        if redirect:
            return redirect
        row = service.writable_row(session=session, caller=caller, table=table, row_id=row_id)
        values = {k: ("" if v is None else v) for k, v in row.model_dump(mode="json").items()}
        values.update({k: str(v).lower() for k, v in values.items() if isinstance(v, bool)})
        return _edit_page(request, session, caller, table, row, values, {})


@forms.post("/registry/edit/{table}/{row_id}")
async def edit_submit(request: Request, table: str, row_id: int):
    """Save an edit; a row saved by someone else meanwhile is a conflict, shown on the form."""
    form = dict(await request.form())
    for session in _session(request):
        caller, redirect = _signed_in(request, session)
        if redirect:
            return redirect
        check_csrf(request, str(form.pop("csrf", "")))
        row = service.writable_row(session=session, caller=caller, table=table, row_id=row_id)
        data, errors = validate_form(SCHEMAS[table].Update, _edit_values(table, form))
        status = 422
        if data is not None:
            try:
                service.update_row(
                    session=session, caller=caller, table=table, row_id=row_id, data=data
                )
                target = row.id if table == "patient" else getattr(row, "patient_id", None)
                return RedirectResponse(
                    f"/registry/patient/{target}" if target else "/registry", status_code=303
                )
            except ConflictError as exc:
                errors, status = {"form": exc.message}, 409
            except InputError as exc:
                if getattr(exc, "status", 422) != 422:
                    raise
                errors = _message(exc)
        return _edit_page(request, session, caller, table, row, form, errors, status=status)
