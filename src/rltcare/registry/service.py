"""Every read and write of clinical rows, scoped to the caller's centres.

All functions take keyword-only arguments and a session; writes commit, and their
audit entries are written in the same transaction (see audit.py). A row in a
centre the caller cannot see is reported as not found, so that its existence
does not leak. Updates and deletes carry the ``version`` they are based on; an
older one raises :class:`ConflictError` (HTTP 409).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from rltcare.errors import InputError
from rltcare.registry.access import Caller, analyst_key
from rltcare.registry.auth import deployment_secret
from rltcare.registry.errors import ConflictError, NotFoundError, PermissionDeniedError
from rltcare.registry.filters import MAX_PAGE, Listing, narrowed, ordering
from rltcare.registry.models import (
    BY_TABLE,
    CLINICAL,
    Base,
    Centre,
    Diagnosis,
    Patient,
    TreatmentCourse,
    TreatmentCycle,
)
from rltcare.registry.readcache import HeadCache, audit_head
from rltcare.registry.rules import check_cycle_in_course, cycle_after_end
from rltcare.registry.schema import SCHEMAS, SERVER_SIDE

#: Tables deleted with a patient, children before parents.
PATIENT_CHILDREN = [m for m in reversed(CLINICAL) if m not in (Centre, Patient)]


def model_for(table: str) -> type[Base]:
    if table not in BY_TABLE:
        raise NotFoundError(f"no registry table '{table}'", hint=f"known: {', '.join(BY_TABLE)}")
    return BY_TABLE[table]


def scoped(query: Select, model: type[Base], caller: Caller) -> Select:
    """``query`` restricted to the rows the caller may read."""
    caller.require_clinical_read()
    if caller.all_centres:
        return query
    allowed = sorted(caller.centre_ids)
    if model is Centre:
        return query.where(Centre.id.in_(allowed))
    if model is Patient:
        return query.where(Patient.centre_id.in_(allowed))
    return query.join(Patient, Patient.id == model.patient_id).where(Patient.centre_id.in_(allowed))


def present(session: Session, caller: Caller, row: Base) -> BaseModel:
    """A stored row as its public model; analysts see a keyed pseudonym and no free text."""
    public = SCHEMAS[row.__tablename__].Public.model_validate(row)
    return _pseudonymised(session, public) if caller.pseudonymised else public


def _pseudonymised(session: Session, public: BaseModel) -> BaseModel:
    changes: dict[str, Any] = {k: None for k in ("notes",) if k in type(public).model_fields}
    if "pseudonym" in type(public).model_fields:
        changes["pseudonym"] = analyst_key(deployment_secret(session=session), public.pseudonym)
    return public.model_copy(update=changes)


def _load(session: Session, caller: Caller, model: type[Base], row_id: int) -> Base:
    row = session.scalar(scoped(select(model).where(model.id == row_id), model, caller))
    if row is None:
        raise NotFoundError(f"no {model.__tablename__} {row_id} in your centres", value=row_id)
    return row


def _centre_of(session: Session, row: Base) -> int:
    if isinstance(row, Centre):
        return row.id
    if isinstance(row, Patient):
        return row.centre_id
    return session.get(Patient, row.patient_id).centre_id


def _filtered(query: Select, model: type[Base], filters: dict[str, Any]) -> Select:
    columns = model.__table__.columns
    for name, value in filters.items():
        if value is None:
            continue
        if name not in columns:
            raise InputError(f"cannot filter {model.__tablename__} by '{name}'", field=name)
        query = query.where(columns[name] == value)
    return query


def list_rows(
    *,
    session: Session,
    caller: Caller,
    table: str,
    filters: dict[str, Any] | None = None,
    offset: int = 0,
    limit: int = 100,
    listing: Listing | None = None,
    search: str | None = None,
) -> tuple[list[BaseModel], int]:
    """One page of a table's rows that the caller may read, and how many there are in all.

    ``filters`` are column equalities; ``search`` (patients only, the pages' search box)
    keeps the patients whose pseudonym contains it, in any case; ``listing`` holds the
    API's filters, sort and page (see :mod:`rltcare.registry.filters`) and overrides
    ``offset`` and ``limit``.
    """
    model = model_for(table)
    if caller.pseudonymised and ((filters or {}).get("pseudonym") or search):
        raise PermissionDeniedError("analysts cannot look patients up by their pseudonym")
    if listing is not None:
        offset, limit = listing.offset, listing.limit
    if not 0 < limit <= MAX_PAGE or offset < 0:
        raise InputError(f"limit must be 1 to {MAX_PAGE} and offset 0 or more", field="limit")
    query = _filtered(scoped(select(model), model, caller), model, filters or {})
    if search:
        if model is not Patient:
            raise InputError(f"cannot search {table} by pseudonym", field="pseudonym")
        query = query.where(func.lower(Patient.pseudonym).contains(search.lower(), autoescape=True))
    if listing is not None:
        query = narrowed(query, model, listing)
    order = ordering(model, listing, pseudonymised=caller.pseudonymised)
    count = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(*order).offset(offset).limit(limit)).all()
    return [present(session, caller, row) for row in rows], count


def get_row(*, session: Session, caller: Caller, table: str, row_id: int) -> BaseModel:
    return present(session, caller, _load(session, caller, model_for(table), row_id))


def writable_row(*, session: Session, caller: Caller, table: str, row_id: int) -> BaseModel:
    """A row the caller may change (an edit form's start): 404 if unseen, 403 if read-only."""
    row = _load(session, caller, model_for(table), row_id)
    if isinstance(row, Centre):
        caller.require("administrator")
    caller.require_write(_centre_of(session, row))
    return present(session, caller, row)


def _validated(table: str, values: dict[str, Any]) -> dict[str, Any]:
    try:
        return SCHEMAS[table].Create.model_validate(values).model_dump()
    except ValidationError as exc:
        error = exc.errors()[0]
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, InputError):
            raise cause from None
        field = ".".join(str(p) for p in error["loc"]) or None
        raise InputError(error["msg"], field=field, value=error.get("input")) from None


def _check_links(session: Session, caller: Caller, table: str, values: dict[str, Any]) -> None:
    """Rules across tables: a cycle belongs to the patient's course, after the diagnosis."""
    if table == "patient" and session.get(Centre, values["centre_id"]) is None:
        raise InputError(f"no centre {values['centre_id']}", field="centre_id")
    if table != "treatment_cycle":
        return
    course = session.get(TreatmentCourse, values["course_id"])
    if course is None or course.patient_id != values["patient_id"]:  # not told apart: no leak
        raise InputError(f"no course {values['course_id']} for this patient", field="course_id")
    check_cycle_in_course(course.end_reason, course.planned_cycles, values["number"])
    diagnosed = session.scalar(
        select(func.min(Diagnosis.diagnosed_on)).where(Diagnosis.patient_id == values["patient_id"])
    )
    given = values["administered_at"]
    if diagnosed and given.date() < diagnosed:
        raise InputError(
            f"cycle on {given.date()} is before the diagnosis ({diagnosed})",
            field="administered_at",
            value=given,
        )


def _check_course_end(session: Session, course_id: int, values: dict[str, Any]) -> None:
    """An edit that ends a course must leave its recorded cycles within the plan."""
    last = session.scalar(
        select(func.max(TreatmentCycle.number)).where(TreatmentCycle.course_id == course_id)
    )
    if last is not None and cycle_after_end(values["end_reason"], values["planned_cycles"], last):
        raise InputError(
            f"the course has cycle {last}, more than its {values['planned_cycles']} planned "
            f"cycles, so it cannot have ended ({values['end_reason']}) after them",
            field="planned_cycles",
            value=values["planned_cycles"],
        )


def _commit(session: Session, caller: Caller) -> None:
    session.info["actor"] = caller.actor
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        raise ConflictError("someone else changed this row; reload it and try again") from None
    except IntegrityError as exc:
        session.rollback()
        raise InputError(
            "this conflicts with an existing row (duplicate or missing link)",
            hint=str(exc.orig).splitlines()[0][:200],
        ) from None
    finally:
        session.info.pop("actor", None)


def create_row(
    *, session: Session, caller: Caller, table: str, data: BaseModel, patient_id: int | None = None
) -> BaseModel:
    """Add a row; child rows name their patient, patients their centre."""
    model = model_for(table)
    values = data.model_dump(exclude_unset=False)
    if model is Centre:
        caller.require("administrator")
    elif model is Patient:
        caller.require_write(values["centre_id"])
        if session.scalar(select(Patient.id).where(Patient.pseudonym == values["pseudonym"])):
            raise InputError(
                f"pseudonym '{values['pseudonym']}' is already registered", field="pseudonym"
            )
    else:
        patient = _load(session, caller, Patient, patient_id)
        caller.require_write(patient.centre_id)
        values["patient_id"] = patient.id
    _check_links(session, caller, table, values)
    row = model(**values)
    session.add(row)
    _commit(session, caller)
    return present(session, caller, row)


def _check_version(row: Base, version: int) -> None:
    if row.version != version:
        raise ConflictError(
            f"{row.__tablename__} {row.id} is at version {row.version}, your edit is based on "
            f"version {version}; reload it and try again",
            field="version",
            value=version,
        )


def update_row(
    *, session: Session, caller: Caller, table: str, row_id: int, data: BaseModel
) -> BaseModel:
    """Change some fields of a row, if nobody changed it since ``data.version``."""
    model = model_for(table)
    row = _load(session, caller, model, row_id)
    caller.require_write(_centre_of(session, row))
    _check_version(row, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    current = {c.name: getattr(row, c.name) for c in model.__table__.columns}
    merged = {k: v for k, v in (current | changes).items() if k not in SERVER_SIDE}
    values = _validated(table, merged)
    if model is Patient and values["centre_id"] != row.centre_id:
        caller.require_write(values["centre_id"])
    _check_links(session, caller, table, {**values, "patient_id": current.get("patient_id")})
    if model is TreatmentCourse:
        _check_course_end(session, row.id, values)
    for key, value in values.items():
        setattr(row, key, value)
    _commit(session, caller)
    return present(session, caller, row)


def delete_row(*, session: Session, caller: Caller, table: str, row_id: int, version: int) -> None:
    """Delete a row (a patient with every row that belongs to them), each delete audited."""
    model = model_for(table)
    row = _load(session, caller, model, row_id)
    if model is Centre:
        caller.require("administrator")
    caller.require_write(_centre_of(session, row))
    _check_version(row, version)
    if model is Patient:
        for child in PATIENT_CHILDREN:
            for dependant in session.scalars(select(child).where(child.patient_id == row.id)):
                session.delete(dependant)
            session.flush()
    elif model is TreatmentCourse:
        for cycle in session.scalars(
            select(TreatmentCycle).where(TreatmentCycle.course_id == row.id)
        ):
            session.delete(cycle)
        session.flush()
    session.delete(row)
    _commit(session, caller)


def timeline(
    *,
    session: Session,
    caller: Caller,
    patient_id: int,
    cache: HeadCache | None = None,
    head: int | None = None,
) -> dict[str, Any]:
    """A patient, their centre and every row that belongs to them, by table, in id order.

    With ``cache`` (one per application), a registry unchanged since the last read
    of this patient is answered from memory; the caller's centres are checked on
    every call, cached or not. Treat the result as read-only: it may be shared.
    ``head`` is the :func:`~rltcare.registry.readcache.audit_head` if the caller
    has read it already.
    """
    caller.require_clinical_read()

    def load() -> dict[str, Any] | None:
        return _read_timeline(session, caller, patient_id)

    if cache is None:
        found = load()
    else:
        key = (patient_id, caller.pseudonymised)
        found = cache.get_or_load(key, audit_head(session) if head is None else head, load)
    if found is None or not (caller.all_centres or found["patient"].centre_id in caller.centre_ids):
        raise NotFoundError(f"no patient {patient_id} in your centres", value=patient_id)
    return found


#: The statements of a timeline, built once: a patient, a centre, each child table's rows.
_BY_ID = {m: select(m.__table__).where(m.__table__.c.id == bindparam("id")) for m in CLINICAL[:2]}
_CHILD_ROWS = {
    m.__tablename__: select(m.__table__)
    .where(m.__table__.c.patient_id == bindparam("id"))
    .order_by(m.__table__.c.id)
    for m in CLINICAL[2:]
}


def _read_timeline(session: Session, caller: Caller, patient_id: int) -> dict[str, Any] | None:
    """Every row of a patient, unscoped (the caller's centres are checked by :func:`timeline`).

    Rows are read as plain tuples and wrapped without validation: they come from
    typed columns and were validated when written. That is several times faster
    than loading ORM objects, which matters because any write empties the cache.
    """
    patient = session.execute(_BY_ID[Patient], {"id": patient_id}).mappings().first()
    if patient is None:
        return None
    centre = session.execute(_BY_ID[Centre], {"id": patient["centre_id"]}).mappings().one()
    out: dict[str, Any] = {
        "patient": _stored(session, caller, "patient", patient),
        "centre": SCHEMAS["centre"].Public.model_construct(**centre),
    }
    for table, query in _CHILD_ROWS.items():
        rows = session.execute(query, {"id": patient_id}).mappings()
        out[table] = [_stored(session, caller, table, row) for row in rows]
    return out


def _stored(session: Session, caller: Caller, table: str, row) -> BaseModel:
    """A row read with Core as its public model (what :func:`present` gives for an ORM row)."""
    public = SCHEMAS[table].Public.model_construct(**row)
    if caller.pseudonymised:
        public = _pseudonymised(session, public)
    return public
