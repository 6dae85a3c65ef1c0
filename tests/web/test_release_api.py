"""POST /api/v1/release and /api/v1/restrictions, and the /release and /restrictions pages."""

import pytest

from rltcare.physics.release import ReleaseResult

BODY = {
    "jurisdiction": "de",
    "product": "lu177-psma-617",
    "activity": "7.4 GBq",
    "cycles_per_year": 4,
}


def test_release_endpoint(client):
    response = client.post("/api/v1/release", json=BODY)
    assert response.status_code == 200
    result = ReleaseResult.model_validate(response.json())
    assert result.earliest_discharge_h == 48.0 and result.binding_criterion == "minimum-stay"


@pytest.mark.parametrize(
    ("field", "bare"), [("activity", 7400), ("activity", "7.4"), ("elapsed", 72), ("elapsed", "72")]
)
def test_a_bare_number_is_refused_as_on_the_command_line(client, field, bare):
    """'7.4' could be MBq or GBq: the API refuses it, with an example, as the CLI does."""
    response = client.post("/api/v1/release", json={**BODY, field: bare})
    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == field
    assert "unit" in problem["detail"]
    assert "e.g." in problem["hint"] or "write it as" in problem["hint"]


def test_the_release_form_refuses_a_bare_activity_beside_the_field(client):
    form = {"jurisdiction": "de", "product": "lu177-psma-617", "activity": "7.4"}
    response = client.post("/release", data={**form, "cycles_per_year": "4", "elapsed": "0 h"})
    assert response.status_code == 422
    assert "has no unit" in response.text
    assert "7.4 GBq" in response.text  # the hint's example


def test_restrictions_endpoint(client):
    response = client.post("/api/v1/restrictions", json={**BODY, "jurisdiction": "uk"})
    assert response.status_code == 200
    assert {r["group"] for r in response.json()["restrictions"]} >= {"partner", "children"}


def test_openapi_lists_both(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths["/api/v1/release"]["post"]["operationId"] == "release"
    assert paths["/api/v1/restrictions"]["post"]["operationId"] == "restrictions"


def test_unknown_jurisdiction_is_422_problem(client):
    response = client.post("/api/v1/release", json={**BODY, "jurisdiction": "dee"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == "jurisdiction" and "did you mean de" in problem["hint"]


def test_negative_activity_is_422(client):
    response = client.post("/api/v1/release", json={**BODY, "activity": "-1 GBq"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "activity"


def test_implausible_activity_is_422_naming_the_field(client):
    response = client.post("/api/v1/release", json={**BODY, "activity": "7.4 TBq"})
    assert response.status_code == 422
    assert response.json()["field"] == "activity"
    assert "more than 10 times" in response.json()["detail"]


def test_release_page_plots_threshold_and_discharge(client):
    assert client.get("/release").status_code == 200
    response = client.post("/release", data={**BODY, "cycles_per_year": "4", "elapsed": "0 h"})
    assert response.status_code == 200
    assert "earliest discharge 48.0 h" in response.text
    assert "threshold 3.5" in response.text
    assert '<label for="f-activity">' in response.text


def test_release_page_shows_error_beside_field(client):
    response = client.post("/release", data={**BODY, "activity": "7.4 h"})
    assert response.status_code == 422
    assert 'id="e-activity"' in response.text


def test_restrictions_page(client):
    assert client.get("/restrictions").status_code == 200
    response = client.post("/restrictions", data={**BODY, "jurisdiction": "uk"})
    assert response.status_code == 200
    assert "Sleep apart" in response.text


def test_restrictions_table_says_which_constraint_is_per_cycle(client):
    """de: 1 mSv a year for the public shared by 4 cycles, next to per-episode constraints."""
    form = {**BODY, "cycles_per_year": "4", "elapsed": "0 h"}
    page = client.post("/restrictions", data=form).text
    assert "mSv a year ÷ 4 cycles = 0.25 mSv per cycle" in page
    assert "mSv per episode" in page
