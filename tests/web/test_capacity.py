"""Capacity planner API and pages."""

from __future__ import annotations

import time

SCENARIO = """
[simulation]
horizon = "1 year"
warm_up = "4 weeks"

[[indication]]
name = "mcrpc"
referrals_per_week = 2
cycles = 4
interval = "6 weeks"
care = "inpatient"
resource = "rooms"
length_of_stay = { model = "fixed", hours = 48 }

[[resource]]
name = "rooms"
kind = "bed"
units = 3
"""


def test_simulate_api(client) -> None:
    response = client.post(
        "/api/v1/capacity/simulate", json={"scenario_toml": SCENARIO, "replications": 3}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["replications"] == 3
    assert body["kpis"]["cycles_per_year"]["n"] == 3
    more = client.post(
        "/api/v1/capacity/simulate",
        json={"scenario_toml": SCENARIO, "replications": 3, "extra_units": 2, "referral_scale": 2},
    ).json()
    assert (
        more["kpis"]["referrals_per_year"]["mean"]
        > 1.5 * body["kpis"]["referrals_per_year"]["mean"]
    )


def test_simulate_api_bad_scenario_is_a_problem(client) -> None:
    response = client.post(
        "/api/v1/capacity/simulate",
        json={"scenario_toml": SCENARIO.replace('resource = "rooms"', 'resource = "roomz"')},
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["field"] == "indication[0].resource"
    assert "unknown resource 'roomz'" in problem["detail"]


def test_background_job_and_report(client) -> None:
    job = client.post(
        "/api/v1/capacity/jobs", json={"scenario_toml": SCENARIO, "replications": 2}
    ).json()
    for _ in range(200):
        status = client.get(f"/api/v1/capacity/jobs/{job['id']}").json()
        if status["state"] != "running":
            break
        time.sleep(0.05)
    assert status["state"] == "done"
    assert status["done"] == 2
    assert status["run_id"] is None
    assert "rltcare registry migrate" in status["store_error"]  # this app's database is empty
    page = client.get(f"/capacity/jobs/{job['id']}")
    assert page.status_code == 200
    assert "<progress" in page.text
    assert "rltcare registry migrate" in page.text
    report = client.get(f"/capacity/jobs/{job['id']}/report")
    assert "Reporting (STRESS-DES)" in report.text
    assert client.get("/api/v1/capacity/jobs/nope").status_code == 404


def test_planner_page_and_form(client) -> None:
    page = client.get("/capacity")
    assert page.status_code == 200
    assert 'for="f-scenario_toml"' in page.text
    bad = client.post(
        "/capacity", data={"scenario_toml": "[simulation\n", "replications": "2", "seed": "1"}
    )
    assert bad.status_code == 422
    assert "not valid TOML" in bad.text
    bad = client.post("/capacity", data={"scenario_toml": SCENARIO, "replications": "0"})
    assert bad.status_code == 422
    assert 'id="e-replications"' in bad.text
    ok = client.post(
        "/capacity", data={"scenario_toml": SCENARIO, "replications": "2"}, follow_redirects=False
    )
    assert ok.status_code == 303
    assert ok.headers["location"].startswith("/capacity/jobs/")
