"""A centre user cannot read or change another centre's patients through ANY registry route.

The test walks every route of the app under /api/v1/registry and /registry and
fails on a route it does not know how to call, so that a new route must be added here.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from registry.factories import bearer, sign_in
from rltcare.web.routes import ROUTERS

ROUTES = sorted(
    (route.path, method)
    for router in ROUTERS
    for route in router.routes
    if isinstance(route, APIRoute) and route.path.startswith(("/api/v1/registry", "/registry"))
    for method in route.methods
)
NO_PATIENT_DATA = {
    ("/api/v1/registry/token", "POST"),
    ("/api/v1/registry/me", "GET"),
    ("/registry/login", "GET"),
    ("/registry/login", "POST"),
    ("/registry/logout", "POST"),
}
BODIES = {
    "lab_result": {"analyte": "psa", "value": 1, "unit": "ng/mL", "sampled_on": "2024-02-01"},
    "patient": {"centre_id": 1, "pseudonym": "X-1", "birth_year": 1950, "sex": "male"},
}


def _row_of_patient_a(client, table: str) -> int:
    """The id of a row of centre A's patient in ``table`` (created if the world has none)."""
    admin = bearer(client, "admin")
    pid = client.world.patient_a.id
    if table == "patient":
        return pid
    if table == "centre":
        return client.world.centre_a.id
    rows = client.get(
        f"/api/v1/registry/{table}", params={"patient_id": pid}, headers=admin
    ).json()["data"]
    if rows:
        return rows[0]["id"]
    return -1


def _call(client, path: str, method: str):
    """Call ``path`` as centre B's editor, aimed at centre A's patient."""
    headers = bearer(client, "editor_b")
    pid = client.world.patient_a.id
    table = (
        path.split("/")[4]
        if path.startswith("/api/v1/registry/") and len(path.split("/")) > 4
        else None
    )
    if "{patient_id}" in path and path.count("/") >= 6 and not path.endswith("timeline"):
        table = path.rsplit("/", 1)[1]
    if "{table}" in path:
        table = "lab_result"
    url = path.replace("{patient_id}", str(pid))
    if "{row_id}" in url:
        url = url.replace("{row_id}", str(_row_of_patient_a(client, table)))
    url = url.replace("{table}", "lab_result")
    if method == "GET":
        return client.get(url, headers=headers)
    if method == "DELETE":
        return client.delete(url, params={"version": 1}, headers=headers)
    if method == "PATCH":
        return client.patch(url, json={"version": 1}, headers=headers)
    if path == "/api/v1/registry/import":
        csv = b"pseudonym,analyte,value,unit,sampled_on\nPA-001,psa,1,ng/mL,2024-02-01\n"
        return client.post(url, files={"files": ("lab_result.csv", csv)}, headers=headers)
    body = BODIES.get(table, BODIES["lab_result"]) if table else {}
    return client.post(url, json=body, headers=headers)


@pytest.mark.parametrize(("path", "method"), ROUTES)
def test_centre_b_cannot_reach_centre_a(registry_app, path, method):
    if (path, method) in NO_PATIENT_DATA:
        pytest.skip("route holds no patient data")
    before = registry_app.get(
        f"/api/v1/registry/patient/{registry_app.world.patient_a.id}/timeline",
        headers=bearer(registry_app, "admin"),
    ).json()
    response = _call(registry_app, path, method)
    aimed = "{row_id}" in path or "{patient_id}" in path or method != "GET"
    if aimed:  # a page's POST without a CSRF token is refused before anything else
        assert response.status_code in (403, 404, 422), response.text[:300]
    else:  # a listing: answers, but only with the caller's own centre
        assert response.status_code in (200, 403), response.text[:300]
    if path == "/api/v1/registry/import":  # the file named PA-001; the answer reveals nothing more
        assert "unknown pseudonym 'PA-001'" in response.json()["errors"][0]["reason"]
    else:
        assert "PA-001" not in response.text
    after = registry_app.get(
        f"/api/v1/registry/patient/{registry_app.world.patient_a.id}/timeline",
        headers=bearer(registry_app, "admin"),
    ).json()
    assert after == before


def test_every_route_is_covered():
    assert len(ROUTES) >= 5 * 13


@pytest.mark.parametrize(
    ("table", "params"),
    [
        ("patient", {"sex": "male", "cancer_type": "prostate", "sort": "-birth_year"}),
        ("patient", {"radiopharmaceutical": "lu177-psma-617", "birth_year_min": 1900}),
        ("treatment_cycle", {"radiopharmaceutical": "lu177-psma-617", "sort": "administered_at"}),
        ("treatment_cycle", {"administered_from": "2024-01-10", "administered_to": "2024-01-10"}),
        ("lab_result", {"analyte": "psa", "sampled_from": "2000-01-01", "sort": "-value"}),
        ("adverse_event", {"grade_min": 1}),
        ("diagnosis", {"updated_since": "2000-01-01T00:00:00Z"}),
    ],
)
def test_listing_filters_only_narrow_to_the_callers_centres(registry_app, table, params):
    """Filters matching centre A's patient, sent by centre B's editor, find only B's rows."""
    a = registry_app.world.patient_a.id
    headers = bearer(registry_app, "editor_b")
    for extra in ({}, {} if table == "patient" else {"patient_id": a}):
        response = registry_app.get(
            f"/api/v1/registry/{table}", params={**params, **extra}, headers=headers
        )
        assert response.status_code == 200, response.text
        rows = response.json()["data"]
        assert all((r["id"] if table == "patient" else r["patient_id"]) != a for r in rows)
        assert "PA-001" not in response.text
        if extra:
            assert rows == []


@pytest.mark.parametrize("name", ["viewer_a", "analyst", "auditor"])
def test_read_only_roles_get_no_entry_or_edit_form(registry_app, name):
    """A role that cannot write is refused the form itself (403, an HTML page), and its save."""
    client = sign_in(registry_app, name)
    pid = client.world.patient_a.id
    lab = _row_of_patient_a(client, "lab_result")
    for url in (
        f"/registry/edit/patient/{pid}",
        f"/registry/edit/lab_result/{lab}",
        f"/registry/patient/{pid}/add/lab_result",
        "/registry/new-patient",
    ):
        page = client.get(url)
        assert page.status_code == 403, (url, page.status_code)
        assert page.headers["content-type"].startswith("text/html")
        assert "Save</button>" not in page.text
    start = client.get("/registry/audit" if name == "auditor" else "/registry").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', start).group(1)
    saved = client.post(
        f"/registry/edit/patient/{pid}", data={"csrf": csrf, "version": "1", "birth_year": "x"}
    )
    assert saved.status_code == 403  # refused as a role, not as a wrong value (422)


@pytest.mark.parametrize(
    ("name", "shown", "hidden"),
    [
        ("admin", ["Patients", "Import", "Audit log"], []),
        ("editor_a", ["Patients", "Import"], ["Audit log"]),
        ("viewer_a", ["Patients", "Export"], ["Import", "Audit log"]),
        ("analyst", ["Patients", "Export"], ["Import", "Audit log"]),
        ("auditor", ["Audit log"], ["Patients", "Import", "Export"]),
    ],
)
def test_the_bar_offers_only_pages_the_role_can_use(registry_app, name, shown, hidden):
    client = sign_in(registry_app, name)
    start = "/registry/audit" if name == "auditor" else "/registry"
    bar = re.search(r'class="registry-bar">(.*?)</form>', client.get(start).text, re.S).group(1)
    links = {label: href for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', bar)}
    assert all(label in links for label in shown) and not any(label in links for label in hidden)
    for href in links.values():
        assert client.get(href).status_code == 200, href
