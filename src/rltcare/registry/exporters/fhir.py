"""Export as a FHIR R4 ``collection`` Bundle, following mCODE where it fits.

Patients (pseudonym as identifier, year of birth), primary cancer conditions,
tumour-marker observations (PSA, chromogranin A) and one MedicationAdministration
per RLT cycle with the dose in GBq. Other laboratory results are plain laboratory
Observations. The bundle is not validated against the mCODE profiles it names.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
#: LOINC codes of the tumour markers (serum or plasma, mass/volume).
MARKERS = {
    "psa": ("2857-1", "Prostate specific Ag [Mass/volume] in Serum or Plasma"),
    "cga": ("9811-1", "Chromogranin A [Mass/volume] in Serum or Plasma"),
}
CANCER = {
    "prostate": {"system": SNOMED, "code": "399068003", "display": "Malignant tumor of prostate"}
}
GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


def _id(kind: str, *parts: Any) -> str:
    return kind + "-" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:20]


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "fullUrl": f"urn:rltcare:{resource['resourceType']}/{resource['id']}",
        "resource": resource,
    }


def _ref(pseudonym: str) -> dict[str, str]:
    return {"reference": f"urn:rltcare:Patient/{_id('p', pseudonym)}"}


def to_bundle(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """A Bundle from export frames (see :func:`rltcare.registry.exporters.export_frames`)."""
    entries = []
    for row in frames["patient"].itertuples():
        entries.append(
            _entry(
                {
                    "resourceType": "Patient",
                    "id": _id("p", row.pseudonym),
                    "identifier": [{"system": "urn:rltcare:pseudonym", "value": row.pseudonym}],
                    "gender": GENDER[row.sex],
                    "birthDate": str(int(row.birth_year)),
                }
            )
        )
    for i, row in enumerate(frames["diagnosis"].itertuples()):
        code = {"coding": [CANCER[row.cancer_type]]} if row.cancer_type in CANCER else {}
        code["text"] = (
            row.cancer_type
            if not row.histology or pd.isna(row.histology)
            else f"{row.cancer_type}: {row.histology}"
        )
        entries.append(
            _entry(
                {
                    "resourceType": "Condition",
                    "id": _id("c", row.pseudonym, i),
                    "meta": {"profile": [MCODE + "mcode-primary-cancer-condition"]},
                    "subject": _ref(row.pseudonym),
                    "code": code,
                    "onsetDateTime": str(row.diagnosed_on),
                }
            )
        )
    for i, row in enumerate(frames["lab_result"].itertuples()):
        resource = {
            "resourceType": "Observation",
            "id": _id("o", row.pseudonym, i),
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "laboratory",
                        }
                    ]
                }
            ],
            "subject": _ref(row.pseudonym),
            "effectiveDateTime": str(row.sampled_on),
            "valueQuantity": {"value": float(row.value), "unit": row.unit},
        }
        if row.analyte in MARKERS:
            code, display = MARKERS[row.analyte]
            resource["meta"] = {"profile": [MCODE + "mcode-tumor-marker-test"]}
            resource["code"] = {"coding": [{"system": LOINC, "code": code, "display": display}]}
            resource["valueQuantity"] |= {"system": UCUM, "code": "ng/mL"}
        else:
            resource["code"] = {"text": row.analyte}
        entries.append(_entry(resource))
    for row in frames["treatment_cycle"].itertuples():
        course = frames["treatment_course"]
        product = course.loc[
            (course["pseudonym"] == row.pseudonym) & (course["number"] == row.course),
            "radiopharmaceutical",
        ]
        entries.append(
            _entry(
                {
                    "resourceType": "MedicationAdministration",
                    "id": _id("m", row.pseudonym, row.course, row.number),
                    "status": "completed",
                    "medicationCodeableConcept": {
                        "text": product.iloc[0] if len(product) else "radioligand"
                    },
                    "subject": _ref(row.pseudonym),
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
            )
        )
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}
