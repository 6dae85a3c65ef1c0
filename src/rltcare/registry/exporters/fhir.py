"""Export as a FHIR R4 ``collection`` Bundle that follows mCODE STU4 where the data fits.

Organizations (centres), Patients (mcode-cancer-patient: pseudonym as identifier,
name absent with reason ``masked``, year of birth), primary cancer Conditions
(mcode-primary-cancer-condition), laboratory Observations (PSA and chromogranin A
as mcode-tumor-marker-test with LOINC codes; other analytes as plain laboratory
observations) and one MedicationAdministration per RLT cycle
(mcode-cancer-related-medication-administration, dose in GBq, the patient's first
primary cancer condition as reason). Each profile's required elements are checked
by tests/registry/test_fhir_mcode.py; no external validator is run.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd

from rltcare.registry.importers.fhir_layout import (
    CANCER,
    CENTRE,
    CYCLE,
    DATA_ABSENT,
    LAB_LOINC,
    LOINC,
    MARKERS,
    PROFILE,
    PSEUDONYM,
    SNOMED,
    TERMINOLOGY,
    TUMOUR_MARKER_CATEGORY,
    UCUM,
    UCUM_CODES,
    local,
)

GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


def _id(kind: str, *parts: Any) -> str:
    return kind + "-" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:20]


def _url(resource: dict[str, Any]) -> str:
    return f"urn:rltcare:{resource['resourceType']}/{resource['id']}"


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": _url(resource), "resource": resource}


def _ref(kind: str, *parts: Any) -> dict[str, str]:
    prefix = {"Patient": "p", "Organization": "org", "Condition": "c"}[kind]
    return {"reference": f"urn:rltcare:{kind}/{_id(prefix, *parts)}"}


def _concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _profiled(kind: str) -> dict[str, Any]:
    return {"meta": {"profile": [PROFILE[kind]]}}


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value != ""


def _organization(row) -> dict[str, Any]:
    resource = {
        "resourceType": "Organization",
        "id": _id("org", row.code),
        "identifier": [{"system": CENTRE, "value": row.code}],
        "name": row.name,
    }
    if _present(row.country):
        resource["address"] = [{"country": row.country}]
    return resource


def _patient(row) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": _id("p", row.pseudonym),
        **_profiled("Patient"),
        "identifier": [{"system": PSEUDONYM, "value": row.pseudonym}],
        # US Core requires a name; the registry keeps none, on purpose.
        "name": [{"extension": [{"url": DATA_ABSENT, "valueCode": "masked"}]}],
        "gender": GENDER[row.sex],
        "birthDate": str(int(row.birth_year)),
        "managingOrganization": _ref("Organization", row.centre),
    }


def _condition(row, index: int) -> dict[str, Any]:
    code = {"coding": [], "text": row.cancer_type}
    if row.cancer_type in CANCER:
        snomed, display = CANCER[row.cancer_type]
        code["coding"].append({"system": SNOMED, "code": snomed, "display": display})
    code["coding"].append({"system": local("cancer_type"), "code": row.cancer_type})
    resource = {
        "resourceType": "Condition",
        "id": _id("c", row.pseudonym, index),
        **_profiled("Condition"),
        "clinicalStatus": _concept(TERMINOLOGY + "condition-clinical", "active"),
        "verificationStatus": _concept(TERMINOLOGY + "condition-ver-status", "confirmed"),
        "category": [_concept(TERMINOLOGY + "condition-category", "problem-list-item")],
        "code": code,
        "subject": _ref("Patient", row.pseudonym),
        "onsetDateTime": str(row.diagnosed_on),
    }
    if _present(row.histology):
        resource["note"] = [{"text": row.histology}]
    return resource


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": float(value), "unit": unit, "system": UCUM, "code": UCUM_CODES[unit]}


def _observation(row, index: int) -> dict[str, Any]:
    category = [_concept(TERMINOLOGY + "observation-category", "laboratory")]
    codings = [{"system": local("analyte"), "code": row.analyte}]
    resource: dict[str, Any] = {"resourceType": "Observation", "id": _id("o", row.pseudonym, index)}
    if row.analyte in MARKERS:
        category.append(_concept(SNOMED, *TUMOUR_MARKER_CATEGORY))
        resource |= _profiled("Observation")
    if row.analyte in MARKERS or row.analyte in LAB_LOINC:
        loinc, display = {**MARKERS, **LAB_LOINC}[row.analyte]
        codings.insert(0, {"system": LOINC, "code": loinc, "display": display})
    resource |= {
        "status": "final",
        "category": category,
        "code": {"coding": codings, "text": row.analyte},
        "subject": _ref("Patient", row.pseudonym),
        "effectiveDateTime": str(row.sampled_on),
        "valueQuantity": _quantity(row.value, row.unit),
    }
    limits = {
        end: _quantity(value, row.unit)
        for end, value in (("low", row.ref_low), ("high", row.ref_high))
        if _present(value)
    }
    if limits:
        resource["referenceRange"] = [limits]
    return resource


def _administration(row, product: str, reason: dict[str, str] | None) -> dict[str, Any]:
    resource = {
        "resourceType": "MedicationAdministration",
        "id": _id("m", row.pseudonym, row.course, row.number),
        "identifier": [{"system": CYCLE, "value": f"{int(row.course)}/{int(row.number)}"}],
        "status": "completed",
        "category": _concept(TERMINOLOGY + "medication-admin-category", row.setting),
        "medicationCodeableConcept": {
            "coding": [{"system": local("radiopharmaceutical"), "code": product}],
            "text": product,
        },
        "subject": _ref("Patient", row.pseudonym),
        "effectiveDateTime": pd.Timestamp(row.administered_at).isoformat(),
        "dosage": {
            "dose": {
                "value": round(float(row.administered_activity_mbq) / 1000, 4),
                "unit": "GBq",
                "system": UCUM,
                "code": "GBq",
            }
        },
    }
    if reason is not None:  # mCODE requires a reason: the patient's primary cancer
        resource |= _profiled("MedicationAdministration")
        resource["reasonReference"] = [reason]
    return resource


def to_bundle(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """A Bundle from export frames (see :func:`rltcare.registry.exporters.export_frames`)."""
    used = set(frames["patient"]["centre"])
    entries = [_entry(_organization(r)) for r in frames["centre"].itertuples() if r.code in used]
    entries += [_entry(_patient(row)) for row in frames["patient"].itertuples()]
    first_condition: dict[str, dict[str, str]] = {}
    for i, row in enumerate(frames["diagnosis"].itertuples()):
        resource = _condition(row, i)
        first_condition.setdefault(row.pseudonym, {"reference": _url(resource)})
        entries.append(_entry(resource))
    entries += [_entry(_observation(r, i)) for i, r in enumerate(frames["lab_result"].itertuples())]
    course = frames["treatment_course"]
    products = dict(
        zip(
            zip(course["pseudonym"], course["number"], strict=True),
            course["radiopharmaceutical"],
            strict=True,
        )
    )
    for row in frames["treatment_cycle"].itertuples():
        product = products.get((row.pseudonym, row.course), "other")
        entries.append(_entry(_administration(row, product, first_condition.get(row.pseudonym))))
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}
