from pathlib import Path

MODEL = (
    Path(__file__).resolve().parents[1] / "economics" / "data" / "three_strategies.toml"
).read_text()


def test_api_runs_a_model(client):
    response = client.post(
        "/api/v1/economics/run", json={"model_toml": MODEL, "psa": 200, "seed": 2}
    )
    assert response.status_code == 200
    data = response.json()
    assert [s["strategy"] for s in data["deterministic"]["strategies"]] == ["a", "b", "c"]
    assert data["psa"]["iterations"] == 200
    assert len(data["budget_impact"]["years"]) == 5
    again = client.post("/api/v1/economics/run", json={"model_toml": MODEL, "psa": 200, "seed": 2})
    assert again.json() == data


def test_api_bad_model_is_a_problem_document(client):
    bad = MODEL.replace('horizon = "20 years"', 'horizon = "1 week"')
    response = client.post("/api/v1/economics/run", json={"model_toml": bad})
    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == "model.horizon"
    assert "shorter than one cycle" in problem["detail"]


def test_api_is_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert "economics_run" in ids


def test_page_runs_and_shows_plots(client):
    assert client.get("/economics").status_code == 200
    page = client.post("/economics", data={"model_toml": MODEL, "psa": "100", "seed": "1"})
    assert page.status_code == 200
    assert "Cost-effectiveness plane" in page.text
    assert "extendedly dominated" in page.text


def test_page_shows_errors_beside_the_field(client):
    page = client.post(
        "/economics",
        data={"model_toml": MODEL.replace("0.75, se = 0.03", "1.5, se = 0.03"), "psa": "0"},
    )
    assert page.status_code == 422
    assert 'id="e-model_toml"' in page.text
    page = client.post("/economics", data={"model_toml": MODEL, "psa": "-3"})
    assert 'id="e-psa"' in page.text


def test_page_loads_the_packaged_reference_models(client):
    page = client.get("/economics")
    assert page.status_code == 200
    assert "VISION: Lu-PSMA-617 + SoC vs SoC" in page.text  # the model box is filled
    assert '<option value="netter1_lutathera"' in page.text
    other = client.get("/economics", params={"example": "netter1_lutathera"})
    assert "NETTER-1: Lutathera" in other.text
    missing = client.get("/economics", params={"example": "nope"})
    assert missing.status_code == 422 and "vision_lu_psma" in missing.text


def test_page_labels_its_tables_and_shows_the_published_caveat(client):
    from rltcare.economics.example_models import example_text

    page = client.post(
        "/economics", data={"model_toml": example_text("vision_lu_psma"), "psa": "50"}
    )
    assert page.status_code == 200, page.text
    for heading in ("Base case", "Incremental analysis", "Probabilistic sensitivity analysis"):
        assert f"<h3>{heading}</h3>" in page.text
    assert "ICER (USD per QALY)" in page.text and "USD per patient" in page.text
    # the caveat comes from the model file's [model.published], not from the template
    assert "Published ICER: 200,708 USD per QALY" in page.text
    assert "$42,500 per 7.4 GBq dose" in page.text
    plain = client.post("/economics", data={"model_toml": MODEL, "psa": "0"})
    assert "Published ICER" not in plain.text
