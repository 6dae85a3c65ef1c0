"""The registry's clinical tables (SQLAlchemy 2 typed ORM).

One class per table. Column ``info`` carries what the rest of the registry needs
to validate, import and export a column without repeating it: ``codes`` (a
vocabulary in :mod:`rltcare.registry.vocab`), ``min``/``max`` (plausible range,
canonical unit), ``unit`` (an activity column parsed with :mod:`rltcare.units`)
and ``doc`` (the import template's description). Every table has a ``version``
counter for optimistic locking: an update written against an older version fails.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from rltcare.registry.vocab import MAX_CYCLE_ACTIVITY_MBQ

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """An aware timestamp stored in UTC on every back end (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type:
        return dt.datetime

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamp {value} has no time zone")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def coded(vocabulary: str, doc: str, **kw) -> Mapped:
    return mapped_column(String(40), info={"codes": vocabulary, "doc": doc}, **kw)


def real(doc: str, lo: float | None = None, hi: float | None = None, **kw) -> Mapped:
    return mapped_column(Float, info={"doc": doc, "min": lo, "max": hi}, **kw)


def whole(doc: str, lo: int | None = None, hi: int | None = None, **kw) -> Mapped:
    return mapped_column(Integer, info={"doc": doc, "min": lo, "max": hi}, **kw)


def string(doc: str, length: int = 200, info_extra: dict | None = None, **kw) -> Mapped:
    return mapped_column(String(length), info={"doc": doc, **(info_extra or {})}, **kw)


def day(doc: str, **kw) -> Mapped:
    return mapped_column(Date, info={"doc": doc}, **kw)


class Versioned:
    """Primary key and the optimistic-locking counter shared by every table."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}


class Centre(Versioned, Base):
    __tablename__ = "centre"
    code: Mapped[str] = string("Short unique code of the centre", 40, unique=True)
    name: Mapped[str] = string("Name of the centre")
    country: Mapped[str | None] = string("ISO 3166-1 alpha-2 country code", 2)


class PatientChild:
    """A row that belongs to one patient (scoped through the patient's centre)."""

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), index=True, nullable=False
    )


class Patient(Versioned, Base):
    __tablename__ = "patient"
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True, nullable=False)
    pseudonym: Mapped[str] = string(
        "Pseudonym, never a name or national identifier (3 to 64 letters, digits, - or _, "
        "with a digit, no spaces)",
        64,
        unique=True,
        info_extra={"format": "pseudonym"},
    )
    birth_year: Mapped[int] = whole("Year of birth", 1900, 2026)
    sex: Mapped[str] = coded("sex", "Sex")
    notes: Mapped[str | None] = mapped_column(Text, info={"doc": "Free text"})


class Diagnosis(PatientChild, Versioned, Base):
    __tablename__ = "diagnosis"
    cancer_type: Mapped[str] = coded("cancer_type", "Cancer type")
    histology: Mapped[str | None] = string("Histology (free text)")
    grade: Mapped[int | None] = whole("WHO grade (NET) or ISUP grade group (prostate)", 1, 5)
    ki67_pct: Mapped[float | None] = real("Ki-67 index (%)", 0, 100)
    gleason: Mapped[int | None] = whole("Gleason score", 6, 10)
    metastatic_sites: Mapped[str | None] = string("Metastatic sites, ';'-separated lesion sites")
    diagnosed_on: Mapped[dt.date] = day("Date of first diagnosis")
    metastatic_on: Mapped[dt.date | None] = day("Date metastatic disease was diagnosed")


class PriorTreatment(PatientChild, Versioned, Base):
    __tablename__ = "prior_treatment"
    line: Mapped[int] = whole("Line of therapy", 1, 20)
    category: Mapped[str] = coded("treatment_category", "Kind of treatment")
    agent: Mapped[str | None] = string("Agent (e.g. enzalutamide, docetaxel, octreotide LAR)")
    started_on: Mapped[dt.date | None] = day("Start date")
    ended_on: Mapped[dt.date | None] = day("End date")


class EligibilityImaging(PatientChild, Versioned, Base):
    __tablename__ = "eligibility_imaging"
    tracer: Mapped[str] = coded("tracer", "PET tracer")
    scanned_on: Mapped[dt.date] = day("Date of the scan")
    positive: Mapped[bool] = mapped_column(Boolean, info={"doc": "PSMA or SSTR positive"})
    score_system: Mapped[str] = coded("score_system", "Scoring system")
    score: Mapped[int | None] = whole("Score (PROMISE miPSMA 0-3, Krenning 0-4)", 0, 4)
    suv_max: Mapped[float | None] = real("SUVmax of the hottest lesion", 0, 500)


class TreatmentCourse(PatientChild, Versioned, Base):
    __tablename__ = "treatment_course"
    __table_args__ = (UniqueConstraint("patient_id", "number"),)
    number: Mapped[int] = whole("Course number for this patient (1, 2, ...)", 1, 10)
    radiopharmaceutical: Mapped[str] = coded("radiopharmaceutical", "Radiopharmaceutical")
    started_on: Mapped[dt.date] = day("Date of the first cycle")
    planned_cycles: Mapped[int | None] = whole("Planned number of cycles", 1, 12)
    end_reason: Mapped[str | None] = coded("course_end", "Why the course ended")


class TreatmentCycle(PatientChild, Versioned, Base):
    __tablename__ = "treatment_cycle"
    __table_args__ = (UniqueConstraint("course_id", "number"),)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("treatment_course.id", ondelete="CASCADE"), index=True, nullable=False
    )
    number: Mapped[int] = whole("Cycle number within the course", 1, 12)
    administered_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, info={"doc": "Date and time of administration (ISO 8601 with offset)"}
    )
    prescribed_activity_mbq: Mapped[float | None] = mapped_column(
        Float,
        info={"doc": "Prescribed activity", "unit": "MBq", "min": 1, "max": MAX_CYCLE_ACTIVITY_MBQ},
    )
    administered_activity_mbq: Mapped[float] = mapped_column(
        Float,
        info={
            "doc": "Administered activity",
            "unit": "MBq",
            "min": 1,
            "max": MAX_CYCLE_ACTIVITY_MBQ,
        },
    )
    setting: Mapped[str] = coded("care_setting", "Inpatient or outpatient")
    stay_h: Mapped[float | None] = real("Length of stay (h)", 0, 24 * 30)
    kidney_gy: Mapped[float | None] = real("Kidney absorbed dose (Gy)", 0, 100)
    marrow_gy: Mapped[float | None] = real("Red marrow absorbed dose (Gy)", 0, 20)
    tumour_gy: Mapped[float | None] = real("Tumour absorbed dose (Gy)", 0, 2000)


class LabResult(PatientChild, Versioned, Base):
    __tablename__ = "lab_result"
    analyte: Mapped[str] = coded("analyte", "Analyte", index=True)
    value: Mapped[float] = real("Value in the analyte's canonical unit (see template)")
    unit: Mapped[str] = string("Unit as stored (canonical for the analyte)", 20)
    ref_low: Mapped[float | None] = real("Lower reference limit (same unit)")
    ref_high: Mapped[float | None] = real("Upper reference limit (same unit)")
    sampled_on: Mapped[dt.date] = day("Date of sampling")


class ImagingAssessment(PatientChild, Versioned, Base):
    __tablename__ = "imaging_assessment"
    scanned_on: Mapped[dt.date] = day("Date of the scan")
    modality: Mapped[str] = coded("modality", "Modality")
    reader: Mapped[str | None] = string("Reader (initials or code)", 40)
    lesion: Mapped[str] = string("Lesion label, stable across scans (e.g. L1)", 40)
    site: Mapped[str] = coded("lesion_site", "Site of the lesion")
    target: Mapped[bool] = mapped_column(Boolean, info={"doc": "Target lesion (RECIST)"})
    long_axis_mm: Mapped[float | None] = real("Long axis (mm)", 0, 500)
    short_axis_mm: Mapped[float | None] = real("Short axis (mm)", 0, 500)
    sul_peak: Mapped[float | None] = real("SULpeak", 0, 200)
    psma_tv_ml: Mapped[float | None] = real("PSMA-positive tumour volume (mL)", 0, 10_000)
    new_lesion: Mapped[bool] = mapped_column(Boolean, default=False, info={"doc": "New lesion"})
    # PERCIST's reference and quality gate: one value per PET scan (repeat it on each lesion
    # row of the scan, or give it on one row).
    liver_sul_mean: Mapped[float | None] = real(
        "PET liver reference: SULmean of a 3 cm ROI in the right lobe (per scan)", 0, 20
    )
    liver_sul_sd: Mapped[float | None] = real(
        "PET liver reference: SD of SUL in that ROI (per scan)", 0, 10
    )


class AdverseEvent(PatientChild, Versioned, Base):
    __tablename__ = "adverse_event"
    term: Mapped[str] = string("CTCAE term (e.g. Anemia, Dry mouth)", 120)
    ctcae_version: Mapped[str] = coded("ctcae_version", "CTCAE version")
    grade: Mapped[int] = whole("CTCAE grade", 1, 5)
    onset_on: Mapped[dt.date] = day("Onset date")
    resolved_on: Mapped[dt.date | None] = day("Resolution date")
    attribution: Mapped[str] = coded("attribution", "Attribution to RLT")
    lab_value: Mapped[float | None] = real("Lab value the grade was derived from")
    lab_unit: Mapped[str | None] = string("Unit of lab_value", 20)
    notes: Mapped[str | None] = mapped_column(Text, info={"doc": "Free text"})


class PerformanceStatus(PatientChild, Versioned, Base):
    __tablename__ = "performance_status"
    assessed_on: Mapped[dt.date] = day("Date of the assessment")
    scale: Mapped[str] = coded("ps_scale", "ECOG or Karnofsky")
    score: Mapped[int] = whole("ECOG 0-5 or Karnofsky 0-100", 0, 100)


class VitalStatus(PatientChild, Versioned, Base):
    __tablename__ = "vital_status"
    __table_args__ = (UniqueConstraint("patient_id"),)
    status: Mapped[str] = coded("vital", "Alive, dead or lost to follow-up")
    last_contact_on: Mapped[dt.date] = day("Date of last contact (or of death)")
    died_on: Mapped[dt.date | None] = day("Date of death")
    cause: Mapped[str | None] = string("Cause of death")


#: The clinical tables in dependency order (parents first): imports, exports and backups.
CLINICAL = (
    Centre,
    Patient,
    Diagnosis,
    PriorTreatment,
    EligibilityImaging,
    TreatmentCourse,
    TreatmentCycle,
    LabResult,
    ImagingAssessment,
    AdverseEvent,
    PerformanceStatus,
    VitalStatus,
)
BY_TABLE = {model.__tablename__: model for model in CLINICAL}
