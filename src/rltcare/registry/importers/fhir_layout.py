"""The registry in FHIR R4 terms, shared by the bundle export and the bundle import.

Profiles are those of mCODE STU4 (4.0.0, hl7.fhir.us.mcode); canonical URLs are
version-independent. Codes: SNOMED CT for the cancer and the tumour-marker
category, LOINC for PSA and chromogranin A, UCUM for every quantity. Registry
codes travel as an extra coding in an ``urn:rltcare:`` system so that an export
imports again without loss (a receiver may ignore those codings).
"""

from __future__ import annotations

MCODE_VERSION = "4.0.0"
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
PROFILE = {
    "Patient": MCODE + "mcode-cancer-patient",
    "Condition": MCODE + "mcode-primary-cancer-condition",
    "Observation": MCODE + "mcode-tumor-marker-test",
    "MedicationAdministration": MCODE + "mcode-cancer-related-medication-administration",
}
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
PSEUDONYM = "urn:rltcare:pseudonym"
CENTRE = "urn:rltcare:centre"
CYCLE = "urn:rltcare:course-cycle"  # identifier value "<course>/<cycle>"


def local(vocabulary: str) -> str:
    """The coding system of a registry vocabulary (``urn:rltcare:code:analyte``)."""
    return f"urn:rltcare:code:{vocabulary}"


#: LOINC codes of the tumour markers (serum or plasma, mass/volume).
MARKERS = {
    "psa": ("2857-1", "Prostate specific Ag [Mass/volume] in Serum or Plasma"),
    "cga": ("9811-1", "Chromogranin A [Mass/volume] in Serum or Plasma"),
}
#: LOINC codes of the other analytes in their canonical units (eGFR has none: the
#: registry does not record which equation gave it).
LAB_LOINC = {
    "hb": ("718-7", "Hemoglobin [Mass/volume] in Blood"),
    "wbc": ("6690-2", "Leukocytes [#/volume] in Blood by Automated count"),
    "anc": ("751-8", "Neutrophils [#/volume] in Blood by Automated count"),
    "plt": ("777-3", "Platelets [#/volume] in Blood by Automated count"),
    "creatinine": ("14682-9", "Creatinine [Moles/volume] in Serum or Plasma"),
    "alp": ("6768-6", "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma"),
    "ldh": ("2532-0", "Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma"),
}
#: SNOMED CT disorders for the registry's cancer types (only those checked; others are text).
CANCER = {"prostate": ("399068003", "Malignant tumor of prostate")}
TUMOUR_MARKER_CATEGORY = ("250724005", "Tumor marker measurement")
#: UCUM code of each canonical laboratory unit (rltcare.registry.vocab.LAB_UNITS).
UCUM_CODES = {
    "ng/mL": "ng/mL",
    "g/dL": "g/dL",
    "10^9/L": "10*9/L",
    "µmol/L": "umol/L",
    "mL/min/1.73m2": "mL/min/{1.73_m2}",
    "U/L": "U/L",
}
DOSE_UNITS = {"GBq": 1000.0, "MBq": 1.0}  # UCUM activity codes -> MBq
#: Resource types the import reads; any other is a problem.
IMPORTED = ("Organization", "Patient", "Condition", "Observation", "MedicationAdministration")
