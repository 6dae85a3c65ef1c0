"""Test data: two centres with one patient each, and an account per role."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from rltcare.registry import auth, service
from rltcare.registry.access import SYSTEM
from rltcare.registry.schema import SCHEMAS

PASSWORD = "correct horse battery"


def add(session, table, patient_id=None, **values):
    data = SCHEMAS[table].Create(**values)
    return service.create_row(
        session=session, caller=SYSTEM, table=table, data=data, patient_id=patient_id
    )


def add_patient(session, centre_id, pseudonym):
    patient = add(
        session, "patient", centre_id=centre_id, pseudonym=pseudonym, birth_year=1950, sex="male"
    )
    pid = patient.id
    add(session, "diagnosis", pid, cancer_type="prostate", diagnosed_on="2018-03-01")
    course = add(
        session,
        "treatment_course",
        pid,
        number=1,
        radiopharmaceutical="lu177-psma-617",
        started_on="2024-01-10",
    )
    add(
        session,
        "treatment_cycle",
        pid,
        course_id=course.id,
        number=1,
        administered_at=dt.datetime(2024, 1, 10, 9, 30, tzinfo=dt.UTC),
        administered_activity_mbq="7.4 GBq",
        setting="outpatient",
    )
    add(
        session, "lab_result", pid, analyte="psa", value=42.0, unit="ng/mL", sampled_on="2024-01-09"
    )
    return patient


def make_world(session):
    a = add(session, "centre", code="A", name="Centre A", country="DE")
    b = add(session, "centre", code="B", name="Centre B", country="FR")
    world = SimpleNamespace(centre_a=a, centre_b=b)
    world.patient_a = add_patient(session, a.id, "PA-001")
    world.patient_b = add_patient(session, b.id, "PB-001")
    world.users = {}
    for name, role, centres in [
        ("admin", "administrator", []),
        ("editor_a", "centre-editor", ["A"]),
        ("viewer_a", "centre-viewer", ["A"]),
        ("editor_b", "centre-editor", ["B"]),
        ("analyst", "analyst", []),
        ("auditor", "auditor", []),
    ]:
        user = auth.create_user(
            session=session,
            actor=SYSTEM,
            username=name,
            password=PASSWORD,
            role=role,
            centres=centres,
        )
        world.users[name] = user
    world.callers = {name: auth.caller_for(user) for name, user in world.users.items()}
    return world


def bearer(client, name: str) -> dict[str, str]:
    """The Authorization header of a world account (see tests/web/conftest.py)."""
    return {"Authorization": f"Bearer {client.world.tokens[name]}"}


def sign_in(client, name: str):
    """``client`` signed in to the web pages as a world account (any earlier session dropped)."""
    client.cookies.clear()
    response = client.post(
        "/registry/login",
        data={"username": name, "password": PASSWORD, "next": "/registry"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client
