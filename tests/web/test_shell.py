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
