"""Registry API and pages: tokens, conflicts over HTTP, rate limiting, CSRF, escaping."""

from __future__ import annotations

import re

from registry.factories import PASSWORD, bearer


def test_token_login_and_me(registry_app):
    response = registry_app.post(
        "/api/v1/registry/token", json={"username": "editor_a", "password": PASSWORD}
    )
    assert response.status_code == 200
    me = registry_app.get(
        "/api/v1/registry/me", headers={"Authorization": f"Bearer {response.json()['token']}"}
    )
    assert me.json()["role"] == "centre-editor"
    assert registry_app.get("/api/v1/registry/patient").status_code == 401


def test_stale_edit_answers_409(registry_app):
    url = f"/api/v1/registry/patient/{registry_app.world.patient_a.id}"
    headers = bearer(registry_app, "editor_a")
    assert (
        registry_app.patch(
            url, json={"version": 1, "birth_year": 1951}, headers=headers
        ).status_code
        == 200
    )
    stale = registry_app.patch(url, json={"version": 1, "birth_year": 1952}, headers=headers)
    assert stale.status_code == 409
    assert stale.json()["title"] == "Edit conflict"


def test_bad_value_answers_422_naming_the_field(registry_app):
    url = f"/api/v1/registry/patient/{registry_app.world.patient_a.id}/lab_result"
    body = {"analyte": "psa", "value": -1, "unit": "ng/mL", "sampled_on": "2024-01-01"}
    response = registry_app.post(url, json=body, headers=bearer(registry_app, "editor_a"))
    assert response.status_code == 422
    assert "implausible" in response.text


def test_login_is_rate_limited(registry_app):
    for _ in range(5):
        assert (
            registry_app.post(
                "/api/v1/registry/token", json={"username": "admin", "password": "wrong password"}
            ).status_code
            == 401
        )
    blocked = registry_app.post(
        "/api/v1/registry/token", json={"username": "admin", "password": PASSWORD}
    )
    assert blocked.status_code == 429


def _sign_in(client, username="editor_a"):
    response = client.post(
        "/registry/login",
        data={"username": username, "password": PASSWORD, "next": "/registry"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    return client.get("/registry")


def test_pages_list_my_patients_and_show_the_timeline(registry_app):
    page = _sign_in(registry_app)
    assert "PA-001" in page.text and "PB-001" not in page.text
    patient = registry_app.get(f"/registry/patient/{registry_app.world.patient_a.id}")
    assert (
        patient.status_code == 200 and "Cycles" in patient.text and "plotly" in patient.text.lower()
    )
    assert (
        registry_app.get(f"/registry/patient/{registry_app.world.patient_b.id}").status_code == 404
    )


def test_forms_need_the_csrf_token_and_escape_free_text(registry_app):
    _sign_in(registry_app)
    pid = registry_app.world.patient_a.id
    form = registry_app.get(f"/registry/patient/{pid}/add/adverse_event").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    evil = "<script>alert(1)</script>"
    data = {
        "term": "Nausea",
        "ctcae_version": "5.0",
        "grade": "2",
        "onset_on": "2024-02-01",
        "attribution": "possible",
        "notes": evil,
    }
    assert (
        registry_app.post(
            f"/registry/patient/{pid}/add/adverse_event", data=data, follow_redirects=False
        ).status_code
        == 403
    )
    saved = registry_app.post(
        f"/registry/patient/{pid}/add/adverse_event",
        data={**data, "csrf": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = registry_app.get(f"/registry/patient/{pid}").text
    assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_form_errors_show_beside_the_field(registry_app):
    _sign_in(registry_app)
    pid = registry_app.world.patient_a.id
    form = registry_app.get(f"/registry/patient/{pid}/add/lab_result").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    data = {
        "analyte": "psa",
        "value": "abc",
        "unit": "ng/mL",
        "sampled_on": "2024-02-01",
        "csrf": csrf,
    }
    response = registry_app.post(f"/registry/patient/{pid}/add/lab_result", data=data)
    assert response.status_code == 422
    assert 'id="e-value"' in response.text


def test_import_page_previews_problems(registry_app):
    _sign_in(registry_app)
    csrf = re.search(
        r'name="csrf" value="([^"]+)"', registry_app.get("/registry/import").text
    ).group(1)
    csv = b"pseudonym,analyte,value,unit,sampled_on\nPA-001,psa,-1,ng/mL,2024-02-01\n"
    response = registry_app.post(
        "/registry/import",
        data={"csrf": csrf, "apply": "yes"},
        files={"files": ("lab_result.csv", csv)},
    )
    assert response.status_code == 422
    assert "lab_result.csv" in response.text and "implausible" in response.text


def test_edit_form_reports_a_conflicting_save(registry_app):
    _sign_in(registry_app)
    pid = registry_app.world.patient_a.id
    form = registry_app.get(f"/registry/edit/patient/{pid}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    assert 'name="version" value="1"' in form
    # Someone else saves first, through the API.
    headers = bearer(registry_app, "editor_a")
    registry_app.patch(
        f"/api/v1/registry/patient/{pid}", json={"version": 1, "birth_year": 1960}, headers=headers
    )
    response = registry_app.post(
        f"/registry/edit/patient/{pid}", data={"csrf": csrf, "version": "1", "birth_year": "1970"}
    )
    assert response.status_code == 409
    assert "reload it and try again" in response.text
    row = registry_app.get(f"/api/v1/registry/patient/{pid}", headers=headers).json()
    assert (row["birth_year"], row["version"]) == (1960, 2)
    saved = registry_app.post(
        f"/registry/edit/patient/{pid}",
        data={"csrf": csrf, "version": "2", "birth_year": "1970"},
        follow_redirects=False,
    )
    assert saved.status_code == 303


def test_import_page_takes_a_fhir_bundle_and_names_the_entry(registry_app):
    import json

    _sign_in(registry_app)
    page = registry_app.get("/registry/import").text
    assert 'value="fhir"' in page and "format=xlsx" in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {}}]}
    response = registry_app.post(
        "/registry/import",
        data={"csrf": csrf, "apply": "no", "format": "fhir"},
        files={"files": ("bundle.json", json.dumps(bundle).encode())},
    )
    assert response.status_code == 422
    assert "entry[0]" in response.text and "is not imported" in response.text


def test_export_downloads_each_format_and_imports_back_as_a_preview(registry_app):
    import io
    import zipfile

    headers = bearer(registry_app, "editor_a")
    bundle = registry_app.get("/api/v1/registry/export", headers=headers)
    assert bundle.headers["content-type"] == "application/fhir+json"
    assert "PA-001" in bundle.text and "PB-001" not in bundle.text  # centre A only
    redcap = registry_app.get("/api/v1/registry/export?format=redcap", headers=headers)
    names = zipfile.ZipFile(io.BytesIO(redcap.content)).namelist()
    assert sorted(names) == ["dictionary.csv", "records.csv"]
    workbook = registry_app.get("/api/v1/registry/export?format=xlsx", headers=headers)
    assert workbook.content[:2] == b"PK"
    assert (
        registry_app.get("/api/v1/registry/export?format=pdf", headers=headers).status_code == 422
    )
    # The workbook names patients that exist: a preview reports them as duplicates, writes nothing.
    preview = registry_app.post(
        "/api/v1/registry/import",
        data={"dry_run": "true", "format": "xlsx"},
        files={"files": ("registry.xlsx", workbook.content)},
        headers=bearer(registry_app, "admin"),
    )
    assert preview.status_code == 422
    assert any("already registered" in e["reason"] for e in preview.json()["errors"])
