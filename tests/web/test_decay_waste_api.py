"""``/api/v1/decay``, ``/api/v1/order``, ``/api/v1/waste`` and the pages."""

import re

import numpy as np
import pytest

ORDER = {
    "product": "lu177-psma-617",
    "activity": "7.4 GBq",
    "administration": "2026-12-01T10:00+01:00",
    "calibration": "2026-11-30T12:00+01:00",
}


def test_endpoints_are_in_openapi(client):
    operations = {
        op["operationId"]
        for path in client.get("/api/v1/openapi.json").json()["paths"].values()
        for op in path.values()
    }
    assert {"decay", "order", "waste_release", "waste_storage"} <= operations


def test_decay_endpoint(client):
    response = client.post(
        "/api/v1/decay", json={"nuclide": "Ac-225", "activity": "8 MBq", "after": ["10 d", "24 h"]}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["times_h"] == [240.0, 24.0]
    assert data["activities_mbq"]["Ac-225"][0] == pytest.approx(4.0, rel=2e-3)


def test_order_endpoint_and_shelf_life_problem(client):
    response = client.post("/api/v1/order", json=ORDER)
    assert response.status_code == 200
    assert response.json()["activity_at_calibration_mbq"] == pytest.approx(8142.3, abs=0.1)
    late = client.post("/api/v1/order", json=ORDER | {"administration": "2026-12-11T10:00+01:00"})
    assert late.status_code == 422
    assert late.headers["content-type"].startswith("application/problem+json")
    assert late.json()["type"].endswith("not-achievable")


def test_order_rejects_naive_timestamp(client):
    response = client.post("/api/v1/order", json=ORDER | {"calibration": "2026-11-30T12:00"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "calibration"


def test_waste_endpoints(client):
    body = {"nuclides": {"Lu-177m": "1.5 MBq"}, "mass": "5 kg", "clearance": "10 Bq/g"}
    response = client.post("/api/v1/waste", json=body)
    assert response.status_code == 200
    assert response.json()["storage_time_d"] == pytest.approx(834.3, abs=0.1)
    storage = client.post("/api/v1/waste/storage", json=body | {"containers_per_week": 2})
    assert storage.status_code == 200
    assert storage.json()["steady_state_containers"] == 2 * 120  # ceil(834.3 / 7) weeks


def test_waste_unknown_nuclide_problem(client):
    body = {"nuclides": {"Lu-178": "1 MBq"}, "mass": "5 kg", "clearance": "10 Bq/g"}
    response = client.post("/api/v1/waste", json=body)
    assert response.status_code == 422
    assert "Lu-177" in response.json()["hint"]


def test_activity_with_time_unit_is_422(client):
    response = client.post(
        "/api/v1/decay", json={"nuclide": "Lu-177", "activity": "10 d", "after": ["1 d"]}
    )
    assert response.status_code == 422
    assert "activity" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "form", "expected"),
    [
        ("/decay", {"nuclide": "Ac-225", "activity": "8 MBq", "until": "30 d"}, "Bi-213"),
        ("/order", ORDER, "8142"),
        (
            "/waste",
            {
                "nuclide": "Lu-177m",
                "activity": "1.5 MBq",
                "mass": "5 kg",
                "clearance": "10 Bq/g",
                "containers_per_week": "2",
            },
            "834.3",
        ),
    ],
)
def test_pages_render_result_and_plot(client, path, form, expected):
    assert client.get(path).status_code == 200
    page = client.post(path, data=form)
    assert page.status_code == 200
    assert expected in page.text
    assert "plotly" in page.text.lower()


def test_page_shows_error_beside_field(client):
    page = client.post("/decay", data={"nuclide": "Lu-177", "activity": "8 s", "until": "1 d"})
    assert page.status_code == 200
    assert 'id="e-activity"' in page.text and "is a time, but an activity" in page.text


def test_waste_by_jurisdiction(client):
    body = {"nuclides": {"Lu-177": "5 GBq", "Lu-177m": "1 MBq"}, "mass": "5 kg"}
    missing = client.post("/api/v1/waste", json=body | {"jurisdiction": "it"})
    assert missing.status_code == 422
    assert "Lu-177m" in missing.json()["detail"]
    response = client.post(
        "/api/v1/waste", json=body | {"jurisdiction": "it", "levels": {"Lu-177m": "1 Bq/g"}}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["jurisdiction"] == "it"
    assert data["nuclide_levels_bq_g"] == {"Lu-177": 90.0, "Lu-177m": 1.0}
    assert data["dominant_nuclide"] == "Lu-177m"


def test_waste_us_rule_instead_of_a_date(client):
    body = {"nuclides": {"I-131": "1 GBq"}, "mass": "5 kg", "jurisdiction": "us"}
    response = client.post("/api/v1/waste", json=body)
    assert response.status_code == 200
    data = response.json()
    assert "storage_time_d" not in data
    assert data["max_half_life_d"] == 120.0 and "background" in data["rule"]
    storage = client.post("/api/v1/waste/storage", json=body | {"containers_per_week": 1})
    assert storage.status_code == 200 and storage.json()["jurisdiction"] == "us"


def test_waste_page_with_jurisdiction(client):
    form = {"nuclide": "Lu-177", "activity": "5 GBq", "mass": "5 kg", "jurisdiction": "de"}
    page = client.post("/waste", data=form)
    assert page.status_code == 200
    assert "88.32" in page.text and "Lu-177 100" in page.text
    page = client.post("/waste", data=form | {"jurisdiction": "us"})
    assert "cannot tell it from background" in page.text
    page = client.post("/waste", data=form | {"jurisdiction": ""})
    assert "give a clearance level or a jurisdiction" in page.text


def test_order_page_refuses_a_nuclide_other_than_the_products(client):
    form = {
        "product": "lu177-psma-617",
        "nuclide": "Ac-225",
        "activity": "7.4 GBq",
        "administration": "2026-12-01T10:00+01:00",
        "calibration": "2026-11-30T12:00+01:00",
    }
    page = client.post("/order", data=form)
    assert "is Lu-177, not Ac-225" in page.text and "not both" in page.text
    api = client.post("/api/v1/order", json=form)
    assert api.status_code == 422 and api.json()["field"] == "nuclide"


def test_decay_plot_samples_densely_enough_to_show_ingrowth():
    """Ac-225 daughters grow in within hours: the plot has points in the first hour of 30 d."""
    from rltcare.web.routes.decay import plot_times_h

    times = plot_times_h(720.0)
    assert times[0] == 0.0 and times[-1] == pytest.approx(720.0)
    assert (times[(times > 0) & (times < 1.0)]).size >= 20
    assert np.all(np.diff(times) > 0)


def test_release_plot_axis_fits_the_curve_and_threshold(client):
    page = client.post(
        "/release",
        data={
            "jurisdiction": "de",
            "product": "lu177-psma-617",
            "activity": "7.4 GBq",
            "cycles_per_year": "4",
            "elapsed": "0 h",
        },
    ).text
    assert "H*(10) rate at 2 m" in page
    low, high = map(float, re.search(r'"range":\[([-\d.e]+),([-\d.e]+)\]', page).groups())
    assert 10**high < 100  # the curve peaks near 10 µSv/h; it ran to ~5000 before
    assert 10**low < 1
