"""Dose-rate API and page: results, OpenAPI, and 422 problem documents for bad input."""

import pytest


def test_dose_rate_endpoint(client):
    response = client.post(
        "/api/v1/dose-rate",
        json={
            "product": "lu177-psma-617",
            "activity": "7.4 GBq",
            "distance": "2 m",
            "times": ["24 h", "48 h"],
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["times_h"] == [24.0, 48.0]
    assert body["coefficient"]["method"] in ("measured", "computed")
    assert body["dose_rate_usv_h"][0] > body["dose_rate_usv_h"][1]


@pytest.mark.parametrize(
    "body",
    [{"activity": 7400}, {"activity": "7400"}, {"activity": "7.4 GBq", "distance": 2}],
)
def test_bare_numbers_are_refused(client, body):
    response = client.post("/api/v1/dose-rate", json={"product": "lu177-psma-617", **body})
    assert response.status_code == 422
    assert "unit" in response.json()["detail"]


def test_a_bare_cutoff_is_refused(client):
    response = client.get("/api/v1/gamma-constant/Lu-177", params={"cutoff": "20"})
    assert response.status_code == 422


def test_gamma_constant_endpoint(client):
    body = client.get(
        "/api/v1/gamma-constant/Pb-212", params={"with_progeny": True, "cutoff": "15 keV"}
    ).json()
    assert body["cutoff_kev"] == 15.0
    assert body["progeny_activity_per_decay"]["Tl-208"] == pytest.approx(0.399, abs=0.002)


def test_openapi_lists_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths["/api/v1/dose-rate"]["post"]["operationId"] == "dose_rate"
    assert "/api/v1/gamma-constant/{nuclide}" in paths


@pytest.mark.parametrize(
    ("payload", "field", "text"),
    [
        ({"product": "lu177-psma", "activity": "7.4 GBq"}, "product", "did you mean"),
        ({"product": "lu177-psma-617", "activity": "-7.4 GBq"}, "activity", "more than zero"),
        (
            {"product": "lu177-psma-617", "activity": "7.4 GBq", "distance": "2 h"},
            "distance",
            "is a time",
        ),
        (
            {"product": "lu177-psma-617", "activity": "7.4 GBq", "times": ["1 m"]},
            "times",
            "distance",
        ),
    ],
)
def test_bad_input_is_a_problem_document(client, payload, field, text):
    response = client.post("/api/v1/dose-rate", json=payload)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 422
    assert field in (problem.get("field") or problem["detail"])
    assert text in (problem["detail"] + problem.get("hint", ""))


def test_unknown_nuclide_is_a_problem_document(client):
    response = client.get("/api/v1/gamma-constant/Lu-178")
    assert response.status_code == 422 and "Lu-177" in response.json()["hint"]


def test_page_form_and_plot(client):
    page = client.get("/dose-rate")
    assert page.status_code == 200 and '<label for="f-activity"' in page.text
    result = client.post(
        "/dose-rate",
        data={
            "product": "lu177-psma-617",
            "activity": "7.4 GBq",
            "distance": "2 m",
            "times": "24 h, 48 h",
        },
    )
    assert result.status_code == 200
    assert "at 24 h" in result.text and "Plotly" in result.text and '"type":"log"' in result.text


def test_page_shows_errors_beside_the_field(client):
    result = client.post("/dose-rate", data={"product": "lu177-psma-617", "activity": "7.4 m"})
    assert result.status_code == 422
    assert 'id="e-activity"' in result.text and "is a distance" in result.text
