"""What a registry listing can be narrowed and sorted by, per table.

Each table has a :class:`Listing` model (query parameters of
``GET /api/v1/registry/<table>``, documented in the OpenAPI schema); unknown
parameters are refused. :func:`narrowed` turns one into SQL conditions on a query
that :func:`rltcare.registry.service.scoped` has already limited to the caller's
centres, so a filter can only ever narrow what the caller may read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import Select, and_, exists, or_, select

from rltcare.errors import InputError
from rltcare.registry.audit import IMPORT, AuditEntry
from rltcare.registry.importers.writer import AUDIT_BATCH
from rltcare.registry.models import (
    CLINICAL,
    AdverseEvent,
    Base,
    Diagnosis,
    LabResult,
    Patient,
    TreatmentCourse,
    TreatmentCycle,
)
from rltcare.registry.vocab import CODES

MAX_PAGE = 1000
#: Columns an analyst may not sort by: their order would hint at the hidden values.
HIDDEN_FROM_ANALYSTS = {"pseudonym", "notes"}


def _codes(vocabulary: str) -> Any:
    return Literal[CODES[vocabulary]]  # type: ignore[valid-type]


class Listing(BaseModel):
    """Paging, sorting and the audit-trail filter every table has."""

    model_config = ConfigDict(extra="forbid")

    offset: int = Field(0, ge=0, description="Rows to skip")
    limit: int = Field(100, ge=1, le=MAX_PAGE, description="Rows per page")
    sort: str | None = Field(
        None,
        pattern=r"^-?[a-z0-9_]+$",
        description="A column to sort by, '-' first for descending (e.g. -sampled_on); "
        "ties are broken by id",
    )
    updated_since: AwareDatetime | None = Field(
        None, description="Only rows added or changed at or after this time (audit trail)"
    )


class PatientRows(Listing):
    patient_id: int | None = Field(None, description="Rows of this patient")


class PatientListing(Listing):
    centre_id: int | None = Field(None, description="Patients of this centre")
    sex: _codes("sex") | None = None
    birth_year_min: int | None = Field(None, description="Born in this year or later")
    birth_year_max: int | None = Field(None, description="Born in this year or earlier")
    cancer_type: _codes("cancer_type") | None = Field(
        None, description="With a diagnosis of this cancer type (indication)"
    )
    radiopharmaceutical: _codes("radiopharmaceutical") | None = Field(
        None, description="With a treatment course of this radiopharmaceutical"
    )


class CycleListing(PatientRows):
    administered_from: dt.date | None = Field(None, description="Given on this day or later (UTC)")
    administered_to: dt.date | None = Field(None, description="Given on this day or earlier (UTC)")
    radiopharmaceutical: _codes("radiopharmaceutical") | None = Field(
        None, description="Cycles of courses of this radiopharmaceutical"
    )


class LabListing(PatientRows):
    analyte: _codes("analyte") | None = None
    sampled_from: dt.date | None = Field(None, description="Sampled on this day or later")
    sampled_to: dt.date | None = Field(None, description="Sampled on this day or earlier")


class AdverseEventListing(PatientRows):
    grade_min: int | None = Field(None, ge=1, le=5, description="CTCAE grade at least this")


LISTINGS: dict[str, type[Listing]] = {
    "centre": Listing,
    "patient": PatientListing,
    "treatment_cycle": CycleListing,
    "lab_result": LabListing,
    "adverse_event": AdverseEventListing,
} | {
    m.__tablename__: PatientRows
    for m in CLINICAL[2:]
    if m not in (TreatmentCycle, LabResult, AdverseEvent)
}


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _changed_since(model: type[Base], since: dt.datetime):
    """Rows with an audit entry at or after ``since``: their own, or an import batch holding them."""
    recent = and_(AuditEntry.table_name == model.__tablename__, AuditEntry.at >= since)
    own = model.id.in_(select(AuditEntry.row_id).where(recent, AuditEntry.action != IMPORT))
    # An import entry covers up to AUDIT_BATCH consecutive ids from its row_id; ids past its
    # last row belong to later writes, which are later than ``since`` too.
    batch = exists().where(
        recent,
        AuditEntry.action == IMPORT,
        AuditEntry.row_id <= model.id,
        model.id < AuditEntry.row_id + AUDIT_BATCH,
    )
    return or_(own, batch)


def narrowed(query: Select, model: type[Base], listing: Listing) -> Select:
    """``query`` with the listing's filters as conditions (each given filter narrows it)."""
    c = model.__table__.c
    given = listing.model_dump(exclude_none=True)
    conditions = []
    if "patient_id" in given:
        conditions.append(c.patient_id == given["patient_id"])
    if "updated_since" in given:
        conditions.append(_changed_since(model, listing.updated_since))
    if model is Patient:
        for name in ("centre_id", "sex"):
            if name in given:
                conditions.append(c[name] == given[name])
        if "birth_year_min" in given:
            conditions.append(c.birth_year >= given["birth_year_min"])
        if "birth_year_max" in given:
            conditions.append(c.birth_year <= given["birth_year_max"])
        if "cancer_type" in given:
            conditions.append(
                exists().where(
                    Diagnosis.patient_id == Patient.id,
                    Diagnosis.cancer_type == given["cancer_type"],
                )
            )
        if "radiopharmaceutical" in given:
            conditions.append(_course_of(TreatmentCourse.patient_id == Patient.id, given))
    elif model is TreatmentCycle:
        if "administered_from" in given:
            conditions.append(c.administered_at >= _day_start(given["administered_from"]))
        if "administered_to" in given:
            end = _day_start(given["administered_to"] + dt.timedelta(days=1))
            conditions.append(c.administered_at < end)
        if "radiopharmaceutical" in given:
            conditions.append(_course_of(TreatmentCourse.id == TreatmentCycle.course_id, given))
    elif model is LabResult:
        if "analyte" in given:
            conditions.append(c.analyte == given["analyte"])
        if "sampled_from" in given:
            conditions.append(c.sampled_on >= given["sampled_from"])
        if "sampled_to" in given:
            conditions.append(c.sampled_on <= given["sampled_to"])
    elif model is AdverseEvent and "grade_min" in given:
        conditions.append(c.grade >= given["grade_min"])
    return query.where(*conditions) if conditions else query


def _course_of(link, given: dict[str, Any]):
    return exists().where(link, TreatmentCourse.radiopharmaceutical == given["radiopharmaceutical"])


def ordering(model: type[Base], listing: Listing | None, *, pseudonymised: bool) -> list:
    """ORDER BY terms: the listing's sort column (checked), then id for a stable page order."""
    if listing is None or not listing.sort:
        return [model.id]
    name = listing.sort.lstrip("-")
    columns = model.__table__.c
    if name not in columns or (pseudonymised and name in HIDDEN_FROM_ANALYSTS):
        raise InputError(
            f"cannot sort {model.__tablename__} by '{name}'",
            field="sort",
            value=listing.sort,
            hint="sort by one of: " + ", ".join(c.name for c in columns),
        )
    column = columns[name]
    return [column.desc() if listing.sort.startswith("-") else column.asc(), model.id]
