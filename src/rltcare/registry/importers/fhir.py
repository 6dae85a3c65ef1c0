"""Reading a FHIR R4 Bundle (transaction or collection) into the import template's tables.

Organization -> centre (added if the registry does not have it), Patient ->
patient, Condition -> diagnosis, Observation -> lab_result, MedicationAdministration
-> treatment_cycle (and one treatment_course per course). The shapes are those the
export writes (:mod:`rltcare.registry.exporters.fhir`); registry codes are read
from their ``urn:rltcare:`` codings, else from SNOMED CT / LOINC. Values stay text:
the same conversion and checks as a CSV import follow, and a problem names the
bundle entry and the element it came from.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from rltcare.registry.importers.fhir_layout import (
    CANCER,
    CENTRE,
    CYCLE,
    DOSE_UNITS,
    IMPORTED,
    LAB_LOINC,
    LOINC,
    MARKERS,
    PSEUDONYM,
    SNOMED,
    TERMINOLOGY,
    UCUM_CODES,
    local,
)
from rltcare.registry.importers.problems import Origin, Problem
from rltcare.registry.importers.template import TEMPLATE

_FROM_SNOMED = {code: key for key, (code, _) in CANCER.items()}
_FROM_LOINC = {code: key for key, (code, _) in {**MARKERS, **LAB_LOINC}.items()}
_FROM_UCUM = {code: unit for unit, code in UCUM_CODES.items()}
PATHS = {
    "centre": {
        "code": "Organization.identifier",
        "name": "Organization.name",
        "country": "Organization.address.country",
    },
    "patient": {
        "centre": "Patient.managingOrganization",
        "pseudonym": "Patient.identifier",
        "birth_year": "Patient.birthDate",
        "sex": "Patient.gender",
    },
    "diagnosis": {
        "pseudonym": "Condition.subject",
        "cancer_type": "Condition.code",
        "histology": "Condition.note",
        "diagnosed_on": "Condition.onsetDateTime",
    },
    "lab_result": {
        "pseudonym": "Observation.subject",
        "analyte": "Observation.code",
        "value": "Observation.valueQuantity.value",
        "unit": "Observation.valueQuantity.unit",
        "ref_low": "Observation.referenceRange.low",
        "ref_high": "Observation.referenceRange.high",
        "sampled_on": "Observation.effectiveDateTime",
    },
    "treatment_course": {
        "pseudonym": "MedicationAdministration.subject",
        "number": "MedicationAdministration.identifier",
        "radiopharmaceutical": "MedicationAdministration.medicationCodeableConcept",
        "started_on": "MedicationAdministration.effectiveDateTime",
    },
    "treatment_cycle": {
        "pseudonym": "MedicationAdministration.subject",
        "course": "MedicationAdministration.identifier",
        "number": "MedicationAdministration.identifier",
        "administered_at": "MedicationAdministration.effectiveDateTime",
        "administered_activity_mbq": "MedicationAdministration.dosage.dose",
        "setting": "MedicationAdministration.category",
    },
}


def _code(concept: Any, system: str) -> str | None:
    for coding in (concept or {}).get("coding", []) if isinstance(concept, dict) else []:
        if isinstance(coding, dict) and coding.get("system") == system:
            return str(coding.get("code", ""))
    return None


def _identifier(resource: dict, system: str) -> str:
    found = [i for i in resource.get("identifier", []) if isinstance(i, dict)]
    chosen = next((i for i in found if i.get("system") == system), found[0] if found else {})
    return str(chosen.get("value", ""))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _when(resource: dict) -> str:
    """effectiveDateTime, or the start of effectivePeriod."""
    period = resource.get("effectivePeriod") or {}
    return _text(resource.get("effectiveDateTime") or period.get("start"))


class _Reader:
    """One pass over the bundle's entries, collecting rows, their origin and problems."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.origin = Origin(name, columns=PATHS)
        self.rows: dict[str, list[dict[str, str]]] = {t: [] for t in PATHS}
        self.problems: list[Problem] = []
        self.by_reference: dict[str, dict] = {}
        self.cycles: list[tuple[int, dict[str, str], str]] = []  # entry, row, product

    def problem(self, index: int, path: str, reason: str) -> None:
        self.problems.append(Problem(self.name, None, path, reason, where=f"entry[{index}]"))

    def add(self, table: str, index: int, row: dict[str, str]) -> None:
        self.rows[table].append(row)
        self.origin.add(table, None, f"entry[{index}]")

    def target(self, index: int, resource: dict, element: str, kind: str) -> dict | None:
        path = f"{resource['resourceType']}.{element}"
        reference = (resource.get(element) or {}).get("reference")
        if not reference:
            self.problem(index, path, f"a reference to the {kind} is needed")
            return None
        found = self.by_reference.get(reference)
        if found is None or found.get("resourceType") != kind:
            self.problem(index, path, f"{reference!r} is not a {kind} of this bundle")
            return None
        return found

    def subject(self, index: int, resource: dict) -> str:
        patient = self.target(index, resource, "subject", "Patient")
        return "" if patient is None else _identifier(patient, PSEUDONYM)

    def organization(self, index: int, r: dict) -> None:
        code = _identifier(r, CENTRE)
        country = next(iter(r.get("address") or [{}]), {}).get("country")
        self.add(
            "centre",
            index,
            {"code": code, "name": _text(r.get("name")), "country": _text(country)},
        )

    def patient(self, index: int, r: dict) -> None:
        organization = self.target(index, r, "managingOrganization", "Organization")
        self.add(
            "patient",
            index,
            {
                "centre": "" if organization is None else _identifier(organization, CENTRE),
                "pseudonym": _identifier(r, PSEUDONYM),
                "birth_year": _text(r.get("birthDate"))[:4],
                "sex": _text(r.get("gender")),
            },
        )

    def condition(self, index: int, r: dict) -> None:
        code = r.get("code")
        cancer = _code(code, local("cancer_type")) or _FROM_SNOMED.get(_code(code, SNOMED) or "")
        if cancer is None:
            cancer = _text((code or {}).get("text"))
        notes = [n.get("text", "") for n in r.get("note", []) if isinstance(n, dict)]
        self.add(
            "diagnosis",
            index,
            {
                "pseudonym": self.subject(index, r),
                "cancer_type": cancer,
                "histology": "; ".join(notes),
                "diagnosed_on": _text(r.get("onsetDateTime"))[:10],
            },
        )

    def observation(self, index: int, r: dict) -> None:
        code = r.get("code")
        analyte = _code(code, local("analyte")) or _FROM_LOINC.get(_code(code, LOINC) or "")
        quantity = r.get("valueQuantity") or {}
        code_unit = _text(quantity.get("code"))
        unit = _FROM_UCUM.get(code_unit) or _text(quantity.get("unit")) or code_unit
        limits = next(iter(r.get("referenceRange") or [{}]), {})
        self.add(
            "lab_result",
            index,
            {
                "pseudonym": self.subject(index, r),
                "analyte": analyte or _text((code or {}).get("text")),
                "value": _text(quantity.get("value")),
                "unit": unit,
                "ref_low": _text((limits.get("low") or {}).get("value")),
                "ref_high": _text((limits.get("high") or {}).get("value")),
                "sampled_on": _when(r)[:10],
            },
        )

    def administration(self, index: int, r: dict) -> None:
        dose = (r.get("dosage") or {}).get("dose") or {}
        unit = dose.get("code") or dose.get("unit") or ""
        value = dose.get("value")
        if unit in DOSE_UNITS and isinstance(value, int | float):
            activity = repr(float(value) * DOSE_UNITS[unit])
        else:  # the activity parser names the unit it does not accept
            activity = f"{_text(value)} {unit}".strip()
        medication = r.get("medicationCodeableConcept")
        product = _code(medication, local("radiopharmaceutical"))
        course, _, number = _identifier(r, CYCLE).partition("/")
        row = {
            "pseudonym": self.subject(index, r),
            "course": course,
            "number": number,
            "administered_at": _when(r),
            "administered_activity_mbq": activity,
            "setting": _code(r.get("category"), TERMINOLOGY + "medication-admin-category") or "",
        }
        self.cycles.append((index, row, product or _text((medication or {}).get("text"))))

    def courses(self) -> None:
        """Cycles and their courses: numbered from the identifier, else by product and time."""
        if any(not row["course"] or not row["number"] for _, row, _ in self.cycles):
            _number(self.cycles)
        first: dict[tuple[str, str], tuple[int, dict, str]] = {}
        for index, row, product in sorted(self.cycles, key=lambda c: c[1]["administered_at"]):
            first.setdefault((row["pseudonym"], row["course"]), (index, row, product))
        for index, row, _ in self.cycles:
            self.add("treatment_cycle", index, row)
        for (pseudonym, course), (index, row, product) in first.items():
            values = {
                "pseudonym": pseudonym,
                "number": course,
                "radiopharmaceutical": product,
                "started_on": row["administered_at"][:10],
            }
            self.add("treatment_course", index, values)


def _number(cycles: list[tuple[int, dict, str]]) -> None:
    """Course = order of the product's first use for the patient; cycle = order in time."""
    ordered = sorted(cycles, key=lambda c: (c[1]["pseudonym"], c[1]["administered_at"]))
    courses: dict[tuple[str, str], int] = {}
    counts: dict[tuple[str, int], int] = {}
    for _, row, product in ordered:
        patient_courses = [k for k in courses if k[0] == row["pseudonym"]]
        course = courses.setdefault((row["pseudonym"], product), len(patient_courses) + 1)
        counts[(row["pseudonym"], course)] = counts.get((row["pseudonym"], course), 0) + 1
        row["course"], row["number"] = str(course), str(counts[(row["pseudonym"], course)])


def read_fhir(
    name: str, data: bytes
) -> tuple[dict[str, pd.DataFrame], list[Problem], Origin | None]:
    """Tables (text cells) from a Bundle, and where each row came from."""
    try:
        bundle = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, [Problem(name, None, None, f"not a FHIR JSON file: {exc}")], None
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        return {}, [Problem(name, None, "resourceType", "not a FHIR Bundle")], None
    if bundle.get("type") not in ("transaction", "collection"):
        reason = f"Bundle.type {bundle.get('type')!r}: a transaction or collection is imported"
        return {}, [Problem(name, None, "Bundle.type", reason)], None
    reader = _Reader(name)
    entries = bundle.get("entry") or []
    resources = []
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if kind not in IMPORTED:
            reader.problem(
                index,
                "resourceType",
                f"resource type {kind!r} is not imported (known: {', '.join(IMPORTED)})",
            )
            continue
        resources.append((index, resource))
        reader.by_reference[entry.get("fullUrl", "")] = resource
        reader.by_reference[f"{kind}/{resource.get('id', '')}"] = resource
    read = {
        "Organization": reader.organization,
        "Patient": reader.patient,
        "Condition": reader.condition,
        "Observation": reader.observation,
        "MedicationAdministration": reader.administration,
    }
    for index, resource in resources:
        read[resource["resourceType"]](index, resource)
    reader.courses()
    frames = {
        table: pd.DataFrame(rows, columns=[c.name for c in TEMPLATE[table]]).fillna("")
        for table, rows in reader.rows.items()
        if rows
    }
    return frames, reader.problems, reader.origin
