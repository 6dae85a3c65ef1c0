"""Registry forms: new patient and child rows, messages beside fields, clearing, locking, CSRF."""

from __future__ import annotations

import re

import pytest

from registry.factories import PASSWORD


@pytest.fixture
def editor(registry_app):
    response = registry_app.post(
        "/registry/login",
        data={"username": "editor_a", "password": PASSWORD, "next": "/registry"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return registry_app


def _csrf(client, url):
    page = client.get(url)
    assert page.status_code == 200, page.text[:300]
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1), page.text


def test_new_patient_form_creates_and_lists_only_my_centres(editor):
    csrf, page = _csrf(editor, "/registry/new-patient")
    assert "A – Centre A" in page and "Centre B" not in page
    centre = editor.world.centre_a.id
    form = {
        "csrf": csrf,
        "centre_id": str(centre),
        "pseudonym": "PA-902",
        "birth_year": "1949",
        "sex": "male",
        "notes": "<script>alert(1)</script>",
    }
    saved = editor.post("/registry/new-patient", data=form, follow_redirects=False)
    assert saved.status_code == 303
    shown = editor.get(saved.headers["location"]).text
    assert "PA-902" in shown and "&lt;script&gt;" in shown and "<script>alert" not in shown


def test_each_message_stands_beside_its_field(editor):
    csrf, _ = _csrf(editor, "/registry/new-patient")
    form = {
        "csrf": csrf,
        "centre_id": str(editor.world.centre_a.id),
        "pseudonym": "PA-001",
        "birth_year": "1850",
        "sex": "x",
    }
    page = editor.post("/registry/new-patient", data=form)
    assert page.status_code == 422
    assert re.search(r'id="e-birth_year"[^>]*>[^<]*must be at least 1900', page.text)
    assert 'class="field invalid"' in page.text and "sex" in page.text
    form.update(birth_year="1950", sex="male")  # now only the duplicate pseudonym is wrong
    page = editor.post("/registry/new-patient", data=form)
    assert page.status_code == 422 and re.search(r'id="e-pseudonym"[^>]*>[^<]*already', page.text)


def test_another_centre_cannot_be_chosen(editor):
    csrf, _ = _csrf(editor, "/registry/new-patient")
    form = {
        "csrf": csrf,
        "centre_id": str(editor.world.centre_b.id),
        "pseudonym": "PB-903",
        "birth_year": "1950",
        "sex": "male",
    }
    assert editor.post("/registry/new-patient", data=form).status_code == 404


@pytest.mark.parametrize(
    ("table", "form"),
    [
        ("diagnosis", {"cancer_type": "prostate", "diagnosed_on": "2017-01-01", "gleason": "8"}),
        ("prior_treatment", {"line": "1", "category": "arpi", "agent": "enzalutamide"}),
        (
            "eligibility_imaging",
            {
                "tracer": "ga68-psma-11",
                "scanned_on": "2023-12-01",
                "positive": "true",
                "score_system": "promise",
            },
        ),
        (
            "treatment_course",
            {"number": "2", "radiopharmaceutical": "lu177-psma-617", "started_on": "2024-06-01"},
        ),
        (
            "imaging_assessment",
            {
                "scanned_on": "2024-03-01",
                "modality": "ct",
                "lesion": "L1",
                "site": "bone",
                "target": "false",
            },
        ),
    ],
)
def test_child_rows_can_be_added(editor, table, form):
    pid = editor.world.patient_a.id
    csrf, _ = _csrf(editor, f"/registry/patient/{pid}/add/{table}")
    response = editor.post(
        f"/registry/patient/{pid}/add/{table}", data={"csrf": csrf, **form}, follow_redirects=False
    )
    assert response.status_code == 303, response.text[-2000:]


def test_a_cycle_picks_its_course_from_the_patients_courses(editor):
    pid = editor.world.patient_a.id
    csrf, page = _csrf(editor, f"/registry/patient/{pid}/add/treatment_cycle")
    assert "course 1 (¹⁷⁷Lu-PSMA-617)" in page
    form = {
        "csrf": csrf,
        "course_id": re.search(r'<option value="(\d+)">course 1', page).group(1),
        "number": "2",
        "administered_at": "2024-02-21T09:00+01:00",
        "administered_activity_mbq": "740 GBq",
        "setting": "outpatient",
    }
    page = editor.post(f"/registry/patient/{pid}/add/treatment_cycle", data=form)
    assert page.status_code == 422 and re.search(r'id="e-administered_activity_mbq"', page.text)


def test_an_edit_can_clear_an_optional_field_and_keeps_locking(editor):
    pid = editor.world.patient_a.id
    url = f"/registry/edit/patient/{pid}"
    csrf, _ = _csrf(editor, url)
    base = {
        "csrf": csrf,
        "centre_id": str(editor.world.centre_a.id),
        "pseudonym": "PA-001",
        "birth_year": "1950",
        "sex": "male",
    }
    assert (
        editor.post(
            url, data={**base, "version": "1", "notes": "to be removed"}, follow_redirects=False
        ).status_code
        == 303
    )
    assert (
        editor.post(
            url, data={**base, "version": "2", "notes": ""}, follow_redirects=False
        ).status_code
        == 303
    )
    row = editor.get(
        f"/api/v1/registry/patient/{pid}",
        headers={"Authorization": f"Bearer {editor.world.tokens['admin']}"},
    ).json()
    assert row["notes"] is None and row["version"] == 3
    stale = editor.post(url, data={**base, "version": "2", "birth_year": "1951"})
    assert stale.status_code == 409 and "reload it and try again" in stale.text
    cleared_required = editor.post(url, data={**base, "version": "3", "birth_year": ""})
    assert cleared_required.status_code == 422 and 'id="e-birth_year"' in cleared_required.text


def test_forms_refuse_a_missing_csrf_token(editor):
    pid = editor.world.patient_a.id
    form = {"cancer_type": "prostate", "diagnosed_on": "2017-01-01"}
    assert editor.post(f"/registry/patient/{pid}/add/diagnosis", data=form).status_code == 403
    assert editor.post("/registry/new-patient", data={"pseudonym": "Z"}).status_code == 403


def test_a_name_is_refused_as_a_pseudonym_beside_its_field(editor):
    csrf, _ = _csrf(editor, "/registry/new-patient")
    form = {
        "csrf": csrf,
        "centre_id": str(editor.world.centre_a.id),
        "pseudonym": "Max Mustermann",
        "birth_year": "1950",
        "sex": "male",
    }
    page = editor.post("/registry/new-patient", data=form)
    assert page.status_code == 422
    assert re.search(r'id="e-pseudonym"[^>]*>[^<]*is not a pseudonym', page.text)
    api = editor.post(
        "/api/v1/registry/patient",
        json={k: v for k, v in form.items() if k != "csrf"} | {"birth_year": 1950},
        headers={"Authorization": f"Bearer {editor.world.tokens['editor_a']}"},
    )
    assert api.status_code == 422 and "pseudonym" in api.text and "is not a pseudonym" in api.text
