"""Registry pages as a coordinator uses them: search, paging errors, the patient page."""

from __future__ import annotations

import re

import pytest

from registry.factories import sign_in


@pytest.mark.parametrize("query", ["PA-001", "pa-001", "PA", "a-00", " pa "])
def test_search_is_a_case_insensitive_part_of_the_pseudonym(registry_app, query):
    page = sign_in(registry_app, "editor_a").get("/registry", params={"pseudonym": query})
    assert page.status_code == 200
    assert ">PA-001</a>" in page.text and "PB-001" not in page.text  # still my centres only
    assert "1 patient match" in page.text


def test_search_without_a_match_says_so(registry_app):
    client = sign_in(registry_app, "editor_a")
    page = client.get("/registry", params={"pseudonym": "PB"})  # another centre's patient
    assert "no patient matches “PB” in your centres" in page.text
    assert "PB-001" not in page.text and "0 patients" not in page.text
    percent = client.get("/registry", params={"pseudonym": "%"})  # a wildcard is a character
    assert "no patient matches" in percent.text


@pytest.mark.parametrize("url", ["/registry?offset=abc", "/registry/audit?offset=-1"])
def test_a_bad_offset_is_an_html_error_page(registry_app, url):
    page = sign_in(registry_app, "admin").get(url)
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "is not a whole number of rows" in page.text


def _patient_page(client) -> str:
    """Centre A's patient with a lymph node measured, as its centre's editor sees it."""
    headers = {"Authorization": f"Bearer {client.world.tokens['admin']}"}
    pid = client.world.patient_a.id
    node = {
        "scanned_on": "2024-03-01",
        "modality": "ct",
        "lesion": "N1",
        "site": "lymph-node",
        "target": True,
        "long_axis_mm": 31.0,
        "short_axis_mm": 17.0,
    }
    added = client.post(
        f"/api/v1/registry/patient/{pid}/imaging_assessment", json=node, headers=headers
    )
    assert added.status_code == 201, added.text
    return sign_in(client, "editor_a").get(f"/registry/patient/{pid}").text


def test_every_row_has_an_edit_link_and_every_table_an_add_link(registry_app):
    page = _patient_page(registry_app)
    timeline = registry_app.get(
        f"/api/v1/registry/patient/{registry_app.world.patient_a.id}/timeline",
        headers={"Authorization": f"Bearer {registry_app.world.tokens['admin']}"},
    ).json()
    for table, rows in timeline["rows"].items():
        for row in rows:
            assert f'href="/registry/edit/{table}/{row["id"]}"' in page, table
    from rltcare.web.routes.registry_pages import ENTRY_TABLES

    pid = registry_app.world.patient_a.id
    for table in ENTRY_TABLES:
        assert f'href="/registry/patient/{pid}/add/{table}"' in page, table


def test_the_patient_page_reads_as_words_and_dates(registry_app):
    page = _patient_page(registry_app)
    assert "2024-01-10 09:30 UTC" in page and "+00:00" not in page
    assert "Prostate cancer" in page and "¹⁷⁷Lu-PSMA-617" in page
    assert "lu177-psma-617" not in page.split("</header>")[-1]
    node = re.search(r"<td>N1</td>.*?</tr>", page, re.S).group(0)
    assert "Lymph node" in node and "<strong>17</strong>" in node and "<td>31</td>" in node
    assert '"PSA (ng/mL, log scale)"' in page  # the marker plot's axis names the marker


def test_laboratory_rows_read_by_date_whatever_the_entry_order():
    from datetime import date
    from types import SimpleNamespace

    from rltcare.web.routes.registry_view import sections

    def lab(id_, day, analyte):
        return SimpleNamespace(
            id=id_, sampled_on=date(2024, 1, day), analyte=analyte, value=1.0, unit="g/dL",
            ref_low=None, ref_high=None,
        )  # fmt: skip

    found = {table: [] for table in [*_tables(), "treatment_course"]}
    found["lab_result"] = [lab(1, 20, "psa"), lab(2, 5, "hb"), lab(3, 5, "creatinine")]
    labs = next(s for s in sections(found) if s["table"] == "lab_result")
    assert [row_id for row_id, _ in labs["rows"]] == [3, 2, 1]


def _tables():
    from rltcare.web.routes.registry_view import SECTIONS

    return [table for table, *_ in SECTIONS]
