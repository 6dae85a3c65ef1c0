"""The FHIR export against the structural requirements of the mCODE STU4 (4.0.0) profiles it
claims, and of their US Core / FHIR R4 parents, as read from the profiles' FSH source
(HL7/fhir-mCODE-ig: SD_Patient, SD_Condition, SD_Medications; TumorMarkerTest) and the
R4 specification. No validator is run (no network); these are the rules checked."""

from __future__ import annotations

import re

import pytest

from rltcare.registry.access import SYSTEM
from rltcare.registry.demo import generate
from rltcare.registry.exporters import export_frames
from rltcare.registry.exporters.fhir import to_bundle
from rltcare.registry.importers import import_tables
from rltcare.registry.importers.fhir_layout import MCODE_VERSION, UCUM_CODES

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
FHIR_DATE = re.compile(r"^\d{4}(-\d\d(-\d\d)?)?$")
FHIR_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    from rltcare.registry import migrate
    from rltcare.registry.db import make_engine, make_sessionmaker
    from rltcare.settings import Settings

    engine = make_engine(Settings(data_dir=tmp_path_factory.mktemp("mcode")))
    migrate.upgrade(engine)
    with make_sessionmaker(engine)() as session:
        import_tables(session=session, caller=SYSTEM, frames=generate(patients=15, seed=3))
        yield to_bundle(export_frames(session=session, caller=SYSTEM))
    engine.dispose()


def _of(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _profiled(bundle, profile):
    return [
        e["resource"]
        for e in bundle["entry"]
        if MCODE + profile in e["resource"].get("meta", {}).get("profile", [])
    ]


def _codes(concept, system):
    return {c["code"] for c in concept.get("coding", []) if c.get("system") == system}


def _target(bundle, reference):
    found = [e["resource"] for e in bundle["entry"] if e["fullUrl"] == reference["reference"]]
    assert len(found) == 1, reference
    return found[0]


def test_profile_version_is_stu4():
    assert MCODE_VERSION == "4.0.0"


def test_bundle_structure(bundle):
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(urls)) == len(urls)
    for entry in bundle["entry"]:
        assert FHIR_ID.match(entry["resource"]["id"])
        assert entry["fullUrl"].endswith("/" + entry["resource"]["id"])


def test_cancer_patient(bundle):
    patients = _of(bundle, "Patient")
    assert patients and patients == _profiled(bundle, "mcode-cancer-patient")
    for p in patients:
        assert p["identifier"] and all(i["system"] and i["value"] for i in p["identifier"])
        # US Core: a name, or a data-absent-reason saying why not (us-core-6)
        for name in p["name"]:
            reasons = [x for x in name.get("extension", []) if x["url"].endswith("absent-reason")]
            assert name.get("family") or name.get("given") or reasons
            assert all(r["valueCode"] == "masked" for r in reasons)
        assert p["gender"] in ("male", "female", "other", "unknown")
        assert FHIR_DATE.match(p["birthDate"])
        assert _target(bundle, p["managingOrganization"])["resourceType"] == "Organization"


def test_primary_cancer_condition(bundle):
    conditions = _of(bundle, "Condition")
    assert conditions and conditions == _profiled(bundle, "mcode-primary-cancer-condition")
    for c in conditions:
        categories = set().union(
            *(_codes(x, TERMINOLOGY + "condition-category") for x in c["category"])
        )
        assert "problem-list-item" in categories  # US Core problems slice
        assert _codes(c["clinicalStatus"], TERMINOLOGY + "condition-clinical") == {"active"}
        assert _codes(c["verificationStatus"], TERMINOLOGY + "condition-ver-status") == {
            "confirmed"
        }
        assert c["code"].get("coding") or c["code"].get("text")
        if c["code"]["text"] == "prostate":
            assert _codes(c["code"], "http://snomed.info/sct") == {"399068003"}
        assert _target(bundle, c["subject"])["resourceType"] == "Patient"
        assert FHIR_DATE.match(c["onsetDateTime"])


def test_tumour_marker_tests(bundle):
    markers = _profiled(bundle, "mcode-tumor-marker-test")
    assert markers
    for o in markers:
        assert o["resourceType"] == "Observation" and o["status"] == "final"
        categories = [x["coding"][0] for x in o["category"]]
        assert {"system": TERMINOLOGY + "observation-category", "code": "laboratory"} in categories
        assert any(c["code"] == "250724005" for c in categories)  # tumour marker measurement
        assert _codes(o["code"], "http://loinc.org") <= {"2857-1", "9811-1"}
        assert _codes(o["code"], "http://loinc.org")
        assert _target(bundle, o["subject"])["resourceType"] == "Patient"
        assert FHIR_DATE.match(o["effectiveDateTime"])
        quantity = o["valueQuantity"]
        assert quantity["system"] == "http://unitsofmeasure.org" and quantity["code"] == "ng/mL"


def test_every_quantity_is_ucum_and_every_lab_but_egfr_has_loinc(bundle):
    for o in _of(bundle, "Observation"):
        if o["code"]["text"] != "egfr":
            assert len(_codes(o["code"], "http://loinc.org")) == 1
        quantity = o["valueQuantity"]
        assert quantity["system"] == "http://unitsofmeasure.org"
        assert quantity["code"] in UCUM_CODES.values()
        assert {"laboratory"} <= _codes(o["category"][0], TERMINOLOGY + "observation-category")


def test_cancer_related_medication_administration(bundle):
    given = _of(bundle, "MedicationAdministration")
    assert given and given == _profiled(bundle, "mcode-cancer-related-medication-administration")
    for m in given:
        assert m["status"] in ("in-progress", "not-done", "on-hold", "completed")
        assert m["medicationCodeableConcept"]["text"]
        subject = _target(bundle, m["subject"])
        assert MCODE + "mcode-cancer-patient" in subject["meta"]["profile"]
        assert FHIR_DATETIME.match(m["effectiveDateTime"])
        # mcode-reason-required: reasonCode or reasonReference (a primary cancer condition)
        reason = _target(bundle, m["reasonReference"][0])
        assert MCODE + "mcode-primary-cancer-condition" in reason["meta"]["profile"]
        assert reason["subject"] == m["subject"]
        assert _codes(m["category"], TERMINOLOGY + "medication-admin-category") <= {
            "inpatient",
            "outpatient",
        }
        dose = m["dosage"]["dose"]
        assert (dose["system"], dose["code"], dose["unit"]) == (
            "http://unitsofmeasure.org",
            "GBq",
            "GBq",
        )
        assert 1 < dose["value"] < 15
