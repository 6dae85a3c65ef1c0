"""The cached patient page: each viewer gets their own CSRF token and sees writes at once."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from registry.factories import sign_in


def _csrf(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_each_viewer_gets_their_own_csrf_token_and_fresh_data(registry_app):
    pid = registry_app.world.patient_a.id
    admin = sign_in(TestClient(registry_app.app), "admin")
    editor = sign_in(TestClient(registry_app.app), "editor_a")
    first = admin.get(f"/registry/patient/{pid}").text
    second = editor.get(f"/registry/patient/{pid}").text  # served from the page cache
    assert _csrf(first) != _csrf(second)
    assert "csrf-" not in second.replace(_csrf(second), "")
    form = {
        "csrf": _csrf(second),
        "term": "Nausea",
        "ctcae_version": "5.0",
        "grade": "2",
        "onset_on": "2024-02-02",
        "attribution": "possible",
    }
    saved = editor.post(
        f"/registry/patient/{pid}/add/adverse_event", data=form, follow_redirects=False
    )
    assert saved.status_code == 303
    assert "Nausea" in admin.get(f"/registry/patient/{pid}").text
