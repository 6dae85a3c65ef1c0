"""The /outcomes and /assess pages: forms render, uploads work, errors show beside the field."""

import re
from pathlib import Path

import pytest

from rltcare.cohort.source import DEMO
from rltcare.cohort.tables import MAX_BYTES
from rltcare.web.routes.response import EXAMPLE_FILES

OUTCOMES = Path(DEMO / "outcomes")
RESPONSE = Path(DEMO / "response")


def error_of(page: str, field: str) -> str:
    found = re.search(rf'id="e-{field}"[^>]*>([^<]*)<', page)
    assert found, f"no error shown beside {field}"
    return found.group(1).replace("&#39;", "'")


def test_cohort_form_renders_with_labelled_fields(client):
    page = client.get("/outcomes")
    assert page.status_code == 200
    for name in ("psa", "lesions", "survival", "labs", "follow_up", "centres", "landmark_weeks"):
        assert f'<label for="f-{name}">' in page.text and f'id="f-{name}"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert "plotly-graph-div" not in page.text


def test_demo_cohort_shows_every_plot_and_table(client):
    page = client.get("/outcomes?demo=1")
    assert page.status_code == 200
    assert page.text.count('class="plotly-graph-div"') == 6
    for section in ("waterfall", "swimmer", "survival", "discordance", "toxicity", "funnel"):
        assert f'<section id="{section}">' in page.text
    assert "Numbers at risk" in page.text and "Pairwise agreement" in page.text


def test_ctcae_v6_page_names_the_version_and_warns_only_for_unverified_terms(client):
    page = client.post("/outcomes", data={"demo": "1", "ctcae_version": "6.0"})
    assert page.status_code == 200, page.text
    assert "CTCAE v6.0" in page.text
    assert 'id="ctcae-warning"' not in page.text  # the demo's terms are all verified in v6.0
    labs = "patient_id,date,term,value,lln\nA,2024-03-01,egfr_decreased,25,90\n"
    files = {"labs": ("labs.csv", labs.encode(), "text/csv")}
    page = client.post("/outcomes", files=files, data={"demo": "1", "ctcae_version": "6.0"})
    assert page.status_code == 200, page.text
    assert 'id="ctcae-warning"' in page.text and "egfr_decreased NOT verified" in page.text


def test_upload_runs_the_analysis(client):
    files = {
        "psa": ("psa.csv", (OUTCOMES / "cohort_psa.csv").read_bytes(), "text/csv"),
        "psma": ("psma.csv", (OUTCOMES / "cohort_psma.csv").read_bytes(), "text/csv"),
    }
    page = client.post("/outcomes", files=files, data={"landmark_weeks": "12"})
    assert page.status_code == 200, page.text
    assert '<section id="waterfall">' in page.text and '<section id="discordance">' in page.text
    assert '<section id="funnel">' not in page.text  # no centres uploaded
    assert "<td>psa.csv</td>" in page.text


def test_upload_errors_name_file_row_column_beside_the_field(client):
    bad = b"centre,n,events\nA,40,20\nB,60,sixty\n"
    page = client.post("/outcomes", files={"centres": ("mine.csv", bad, "text/csv")})
    assert page.status_code == 422
    assert (
        error_of(page.text, "centres")
        == "mine.csv, line 3, field 'events': 'sixty' is not a number"
    )


def test_upload_size_limit(client):
    big = b"centre,n,events\n" + b"A,1,1\n" * (MAX_BYTES // 6 + 1)
    page = client.post("/outcomes", files={"centres": ("big.csv", big, "text/csv")})
    assert page.status_code == 422
    assert "the limit is 2 MB" in error_of(page.text, "centres")


def test_option_errors_show_beside_the_option(client):
    page = client.post("/outcomes", data={"demo": "1", "landmark_weeks": "-3"})
    assert page.status_code == 422
    assert "must be more than 0 weeks" in error_of(page.text, "landmark_weeks")
    page = client.post("/outcomes", data={"demo": "1", "group_column": "region"})
    assert "missing column 'region'" in error_of(page.text, "survival")


def test_nothing_chosen(client):
    page = client.post("/outcomes", data={"landmark_weeks": "12"})
    assert page.status_code == 422
    assert "choose at least one file" in page.text


def test_assess_page_prefills_an_example_and_assesses_it(client):
    page = client.get("/assess?criterion=recip")
    assert page.status_code == 200
    assert "Q01,2024-01-04,412.0" in page.text
    data = (RESPONSE / "psma.csv").read_text()
    page = client.post("/assess", data={"criterion": "recip", "data": data})
    assert page.status_code == 200
    assert "Q02: SD" in page.text and "PD needs both" in page.text
    assert page.text.count('class="plotly-graph-div"') == 3


@pytest.mark.parametrize("criterion", list(EXAMPLE_FILES))
def test_assess_page_loads_each_packaged_example(client, criterion):
    first_row = (RESPONSE / EXAMPLE_FILES[criterion]).read_text().splitlines()[1]
    assert first_row in client.get(f"/assess?criterion={criterion}").text


def test_assess_page_error_beside_the_data(client):
    data = "patient_id,start_date,date,value\nP,2024-01-01,2024-02-30,4\n"
    page = client.post("/assess", data={"criterion": "pcwg3", "data": data})
    assert page.status_code == 422
    assert error_of(page.text, "data").startswith("pasted data, line 2, field 'date'")
    page = client.post("/assess", data={"criterion": "pcwg3", "data": ""})
    assert page.status_code == 422
    assert 'id="e-data"' in page.text


def test_nav_links_the_pages(client):
    page = client.get("/")
    assert 'href="/outcomes"' in page.text and 'href="/assess"' in page.text


def test_report_download(client):
    response = client.get("/outcomes/report?demo=1")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert '<section id="methods">' in response.text
    assert not re.search(r"<script[^>]+src=[\"']?https?:", response.text)
    files = {"centres": ("c.csv", b"centre,n,events\nA,4,x\n", "text/csv")}
    page = client.post("/outcomes/report", files=files)
    assert page.status_code == 422
    assert "'x' is not a number" in error_of(page.text, "centres")
