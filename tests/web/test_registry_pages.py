"""Registry pages as a coordinator uses them: search, paging errors, the patient page."""

from __future__ import annotations

import pytest

from registry.factories import PASSWORD


def _signed_in(client, name: str):
    client.cookies.clear()
    response = client.post(
        "/registry/login",
        data={"username": name, "password": PASSWORD, "next": "/registry"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return client


@pytest.mark.parametrize("query", ["PA-001", "pa-001", "PA", "a-00", " pa "])
def test_search_is_a_case_insensitive_part_of_the_pseudonym(registry_app, query):
    page = _signed_in(registry_app, "editor_a").get("/registry", params={"pseudonym": query})
    assert page.status_code == 200
    assert ">PA-001</a>" in page.text and "PB-001" not in page.text  # still my centres only
    assert "1 patient match" in page.text


def test_search_without_a_match_says_so(registry_app):
    client = _signed_in(registry_app, "editor_a")
    page = client.get("/registry", params={"pseudonym": "PB"})  # another centre's patient
    assert "no patient matches “PB” in your centres" in page.text
    assert "PB-001" not in page.text and "0 patients" not in page.text
    percent = client.get("/registry", params={"pseudonym": "%"})  # a wildcard is a character
    assert "no patient matches" in percent.text


@pytest.mark.parametrize("url", ["/registry?offset=abc", "/registry/audit?offset=-1"])
def test_a_bad_offset_is_an_html_error_page(registry_app, url):
    page = _signed_in(registry_app, "admin").get(url)
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "is not a whole number of rows" in page.text
