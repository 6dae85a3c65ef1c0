"""The /outcomes page and report from the registry cohort of the signed-in user's centres."""

from __future__ import annotations

import re

from registry.factories import PASSWORD, sign_in


def test_signed_out_page_links_to_sign_in(registry_app):
    page = registry_app.get("/outcomes")
    assert page.status_code == 200
    assert 'href="/registry/login?next=/outcomes"' in page.text
    assert 'name="registry"' not in page.text
    refused = registry_app.get("/outcomes?registry=1")
    assert refused.status_code == 422 and "sign in to the registry" in refused.text


def test_sign_in_returns_to_a_local_page_only(registry_app):
    """After signing in the user comes back to the page that sent them, never to another host."""
    for target, landing in [
        ("/outcomes", "/outcomes"),
        ("//evil.example/x", "/registry"),
        ("https://evil.example/", "/registry"),
    ]:
        registry_app.cookies.clear()
        response = registry_app.post(
            "/registry/login",
            data={"username": "viewer_a", "password": PASSWORD, "next": target},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["location"] == landing


def test_centre_viewer_analyses_only_their_centre(registry_app):
    sign_in(registry_app, "viewer_a")
    page = registry_app.get("/outcomes")
    assert "Use the registry cohort (your centres)" in page.text and "viewer_a" in page.text
    result = registry_app.get("/outcomes?registry=1")
    assert result.status_code == 200, result.text
    assert "registry: psa" in result.text and 'id="registry-absent"' in result.text
    assert 'id="registry-gaps"' in result.text and "not stored" in result.text
    assert "PA-001" in result.text and "PB-001" not in result.text
    posted = registry_app.post("/outcomes", data={"registry": "1"})
    assert posted.status_code == 200 and "PB-001" not in posted.text
    report = registry_app.get("/outcomes/report?registry=1")
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    assert "PA-001" in report.text and "PB-001" not in report.text
    assert "Registry data gaps" in report.text


def test_analyst_sees_keyed_pseudonyms(registry_app):
    sign_in(registry_app, "analyst")
    result = registry_app.get("/outcomes?registry=1")
    assert result.status_code == 200, result.text
    assert "PA-001" not in result.text and "PB-001" not in result.text
    assert len(set(re.findall(r"\bA-[0-9a-f]{12}\b", result.text))) == 2


def test_auditor_is_refused(registry_app):
    sign_in(registry_app, "auditor")
    result = registry_app.get("/outcomes?registry=1")
    assert result.status_code == 422 and "cannot read patient data" in result.text
