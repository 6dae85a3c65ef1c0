"""``/api/v1/outcomes/*``: the cohort analyses as JSON, and 422 problem documents."""

import pytest

D0 = "2024-01-01"


def psa(pid, later):
    return {
        "patient_id": pid,
        "start_date": D0,
        "values": [{"date": D0, "value": 10}] + [{"date": d, "value": v} for d, v in later],
    }


def psma(pid, volume, new):
    later = {"date": "2024-03-25", "tumour_volume_ml": volume, "new_lesions": new}
    return {"patient_id": pid, "scans": [{"date": D0, "tumour_volume_ml": 100}, later]}


def test_discordance(client):
    body = {
        "pcwg3": [
            psa("A", [("2024-03-25", 4), ("2024-04-22", 3)]),  # PR at week 12
            psa("B", [("2024-03-25", 9), ("2024-04-22", 9)]),  # SD
        ],
        "recip": [psma("A", 50, False), psma("B", 150, True)],  # PR, PD
    }
    response = client.post("/api/v1/outcomes/discordance", json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["patients"] == {
        "A": {"PCWG3": "PR", "RECIP": "PR"},
        "B": {"PCWG3": "SD", "RECIP": "PD"},
    }
    pair = data["agreement"]["pairs"][0]
    assert (pair["n"], pair["percent_agreement"]) == (2, 50.0)


def test_discordance_needs_two_criteria(client):
    response = client.post("/api/v1/outcomes/discordance", json={"recip": [psma("A", 50, False)]})
    assert response.status_code == 422
    assert response.json()["detail"] == "give data for at least two criteria"


def test_survival_kaplan_meier_with_numbers_at_risk(client):
    # Gehan 1965 6-MP arm (weeks), as in docs/outcomes.md: median 23 (13-not reached)
    weeks = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    event = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    subjects = [{"time_days": t, "event": e} for t, e in zip(weeks, event, strict=True)]
    body = {"subjects": subjects, "risk_times": [0, 10, 20, 30]}
    data = client.post("/api/v1/outcomes/survival", json=body).json()
    km = data["curves"]["all"]
    assert (km["median"], km["median_lower"], km["median_upper"]) == (23.0, 13.0, None)
    assert km["at_risk"] == {"0": 21, "10": 15, "20": 8, "30": 4}


def test_survival_by_group(client):
    subjects = [
        {"time_days": t, "event": 1, "group": g} for t, g in [(5, "a"), (9, "a"), (20, "b")]
    ]
    data = client.post("/api/v1/outcomes/survival", json={"subjects": subjects}).json()
    assert sorted(data["curves"]) == ["a", "b"]
    assert data["risk_times"][0] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subjects": []}, "subjects"),
        ({"subjects": [{"time_days": -1, "event": 1}]}, "subjects.0.time_days"),
        ({"subjects": [{"time_days": 3, "event": 2}]}, "subjects.0.event"),
    ],
)
def test_survival_bad_input(client, body, field):
    response = client.post("/api/v1/outcomes/survival", json=body)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(field)


FOLLOW_UP = [
    {"patient_id": "A", "start_date": "2024-01-08", "end_date": "2024-09-30", "died": False},
    {"patient_id": "B", "start_date": "2024-01-08", "end_date": "2024-03-01", "died": True},
]


def test_toxicity_cumulative_incidence(client):
    labs = [{"patient_id": "A", "date": "2024-03-25", "term": "platelet_count_decreased", "value": 41, "lln": 150}]  # fmt: skip
    body = {"labs": labs, "follow_up": FOLLOW_UP, "at": [90]}
    data = client.post("/api/v1/outcomes/toxicity", json=body).json()
    # day 53: B dies (2 at risk) → F_death = 0.5; day 77: A grade 3 (1 at risk) → F_tox = 0.5
    assert data["at"]["day 90"] == {"grade>=3": 0.5, "death": 0.5}
    assert data["grade_counts"] == {"platelet_count_decreased grade 3": 1}
    assert data["ctcae_version"] == "5.0" and data["verified"] is True


def test_toxicity_under_v6_warns_about_unverified_terms(client):
    labs = [
        {"patient_id": "A", "date": "2024-03-25", "term": "platelet_count_decreased", "value": 9, "lln": 150},
        {"patient_id": "A", "date": "2024-03-25", "term": "egfr_decreased", "value": 25, "lln": 90},
    ]  # fmt: skip
    body = {"labs": labs, "follow_up": FOLLOW_UP, "ctcae_version": "6.0"}
    data = client.post("/api/v1/outcomes/toxicity", json=body).json()
    assert data["grade_counts"]["platelet_count_decreased grade 4"] == 1  # v6.0: <10
    assert data["verified"] is False and "egfr_decreased NOT verified" in data["warning"]


def test_toxicity_unknown_term_is_a_problem(client):
    labs = [{"patient_id": "A", "date": "2024-03-25", "term": "platelets", "value": 41}]
    response = client.post("/api/v1/outcomes/toxicity", json={"labs": labs, "follow_up": FOLLOW_UP})
    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == "term" and "unknown CTCAE term 'platelets'" in problem["detail"]


def test_benchmark_funnel(client):
    centres = [
        {"centre": "Aarhus", "n": 40, "events": 20},
        {"centre": "Bologna", "n": 120, "events": 55},
        {"centre": "Crewe", "n": 300, "events": 140},
        {"centre": "Dresden", "n": 60, "events": 48},
    ]
    data = client.post("/api/v1/outcomes/benchmark", json={"centres": centres}).json()
    assert round(data["target"], 4) == 0.5058
    assert data["centres"][3]["signal"] == "above 99.8% limit"
    assert set(data["curve"]) == {"0.95", "0.998"}


@pytest.mark.parametrize(
    ("centres", "field"),
    [
        ([{"centre": "A", "n": 0, "events": 0}], "centres.0.n"),
        ([{"centre": "A", "n": 10, "events": 11}], "events"),
        (
            [
                {"centre": "A", "n": 10, "events": 1, "expected": 2},
                {"centre": "B", "n": 10, "events": 1},
            ],
            "centres[1].expected",
        ),
    ],
)
def test_benchmark_bad_input(client, centres, field):
    response = client.post("/api/v1/outcomes/benchmark", json={"centres": centres})
    assert response.status_code == 422
    problem = response.json()
    assert problem.get("field") == field or problem["detail"].startswith(field)


def test_operations_are_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {
        "outcomes_discordance",
        "outcomes_survival",
        "outcomes_toxicity",
        "outcomes_benchmark",
    } <= ids
