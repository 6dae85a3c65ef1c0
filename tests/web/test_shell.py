"""The web shell: pages render, plotly.js is served locally, errors are RFC 9457 documents."""


def test_home_and_catalog_pages(client):
    home = client.get("/")
    assert home.status_code == 200
    assert '<script src="/vendor/plotly.min.js">' in home.text
    page = client.get("/catalog")
    assert page.status_code == 200 and "Lu-177" in page.text
    assert client.get("/catalog/Lu-177").status_code == 200


def test_plotly_is_served_without_a_cdn(client):
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert "plotly.js" in response.text[:200]


def test_openapi_lists_the_catalog_operations(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation_ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"catalog_list", "catalog_record"} <= operation_ids


def test_unknown_name_is_a_problem_document(client):
    response = client.get("/api/v1/catalog/record/Lu-178")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["title"] == "Unknown name"
    assert "Lu-177" in problem["hint"]


def test_html_error_page_escapes_input(client):
    response = client.get("/catalog/<script>alert(1)</script>")
    assert response.status_code in (404, 422)
    assert "<script>alert(1)</script>" not in response.text


def test_database_file_is_created_on_first_start(client, settings):
    assert (settings.data_dir / "rltcare.db").exists()


HTML = {"accept": "text/html,application/xhtml+xml"}


def test_an_unknown_page_is_the_html_error_page_for_a_browser(client):
    response = client.get("/nonexistent", headers=HTML)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "That did not work" in response.text and "no such page" in response.text
    job = client.get("/capacity/jobs/zzz", headers=HTML)
    assert job.status_code == 404 and "That did not work" in job.text


def test_an_unknown_api_path_stays_a_problem_document(client):
    response = client.get("/api/v1/nonexistent", headers=HTML)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_a_page_rejecting_its_query_is_the_html_error_page(settings):
    """As /capacity/compare with no run ticked: readable, not a raw problem document."""
    from typing import Annotated

    from fastapi import Query
    from fastapi.testclient import TestClient

    from rltcare.web.app import create_app

    app = create_app(settings)

    @app.get("/needs-ids")
    def needs_ids(ids: Annotated[list[str], Query()]):
        return ids

    response = TestClient(app).get("/needs-ids", headers=HTML)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "is required" in response.text and "Field required" not in response.text


def test_form_messages_are_readable_with_their_units(client):
    form = {"jurisdiction": "de", "product": "lu177-psma-617", "activity": "7.4 GBq"}
    response = client.post("/release", data={**form, "cycles_per_year": "0"})
    assert "must be at least 1" in response.text
    assert "Input should be" not in response.text


def test_an_engine_error_beside_its_field_has_no_field_prefix(client):
    response = client.post(
        "/decay", data={"nuclide": "Lu-178", "activity": "8 MBq", "until": "10 d"}
    )
    assert "unknown nuclide" in response.text
    assert "field &#39;nuclide&#39;" not in response.text and "field 'nuclide'" not in response.text


def test_home_page_has_a_card_for_every_capability(client):
    page = client.get("/").text
    for path in ("/capacity", "/national", "/registry", "/assess", "/outcomes", "/economics"):
        assert f'<li><a href="{path}">' in page, path
    assert "as they arrive" not in page


def test_favicon_is_linked_and_served(client):
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/").text
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and "<svg" in icon.text
