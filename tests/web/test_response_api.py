"""``POST /api/v1/assess/{criterion}``: one patient's series in, the engine's Response out;
bad input is a 422 problem document naming the field."""

import pytest

D0 = "2024-01-01"
BODIES = {
    "pcwg3": (
        {
            "patient_id": "P",
            "start_date": D0,
            "values": [
                {"date": D0, "value": 20},
                {"date": "2024-03-25", "value": 8},
                {"date": "2024-04-22", "value": 6},
            ],
        },
        "PR",
    ),
    "recist": (
        {
            "patient_id": "R",
            "observations": [
                {"lesion_id": "L1", "date": D0, "organ": "liver", "diameter": 40},
                {"lesion_id": "L1", "date": "2024-03-01", "organ": "liver", "diameter": 28},
            ],
        },
        "PR",  # exactly −30%
    ),
    "percist": (
        {
            "scans": [
                {"date": D0, "sul_peak": 9.4, "liver_sul_mean": 2.1, "liver_sul_sd": 0.3},
                {"date": "2024-02-27", "sul_peak": 5.1, "liver_sul_mean": 2.2},
            ]
        },
        "PMR",
    ),
    "eortc": (
        {"scans": [{"date": D0, "suv": 10}, {"date": "2024-01-30", "suv": 8.3, "cycles_given": 1}]},
        "PMR",
    ),
    "recip": (
        {
            "scans": [
                {"date": D0, "tumour_volume_ml": 100},
                {"date": "2024-03-01", "tumour_volume_ml": 130},
            ]
        },
        "SD",  # +30% without new lesions: PD needs both
    ),
}


@pytest.mark.parametrize("criterion", list(BODIES))
def test_assess_one_patient(client, criterion):
    body, expected = BODIES[criterion]
    response = client.post(f"/api/v1/assess/{criterion}", json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["category"] == expected
    assert data["version"] and data["rules"]


def test_options_beside_the_series(client):
    body = dict(BODIES["recip"][0], variant="visual")
    body["scans"] = [dict(s, visual="increase") for s in body["scans"]]
    data = client.post("/api/v1/assess/recip", json=body).json()
    assert data["options"] == {"variant": "visual"}
    eortc = dict(BODIES["eortc"][0], one_cycle_pmr_pct=20)
    assert client.post("/api/v1/assess/eortc", json=eortc).json()["category"] == "SMD"  # −17%


def test_not_evaluable_is_an_answer_not_an_error(client):
    body = {"start_date": D0, "values": [{"date": D0, "value": 5}]}
    data = client.post("/api/v1/assess/pcwg3", json=body).json()
    assert data["category"] == "NE"
    assert "only one PSA value" in data["reason"]


@pytest.mark.parametrize(
    ("criterion", "body", "field"),
    [
        ("pcwg3", {"start_date": D0, "values": [{"date": D0, "value": -1}]}, "values.0.value"),
        ("pcwg3", {"start_date": "01/02/2024", "values": []}, "start_date"),
        ("recist", {"observations": [{"lesion_id": "L", "date": D0}]}, "observations.0.organ"),
        ("eortc", dict(BODIES["eortc"][0], one_cycle_pmr_pct=40), "one_cycle_pmr_pct"),
        ("recip", dict(BODIES["recip"][0], variant="guess"), "variant"),
        ("percist", {"scans": [{"date": D0, "sulpeak": 3}]}, "scans.0.sulpeak"),
    ],
)
def test_bad_input_is_a_problem_document(client, criterion, body, field):
    response = client.post(f"/api/v1/assess/{criterion}", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["detail"].startswith(field)


def test_operations_are_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {f"assess_{c}" for c in BODIES} <= ids
