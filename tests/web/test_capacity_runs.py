"""Stored capacity runs: a job is stored, listed, shown, compared; errors are problems."""

from __future__ import annotations

import time

import pytest

from registry.factories import bearer
from web.test_capacity import SCENARIO


def _run(client, **settings) -> int:
    """Start a background job, wait for it, and return its stored run's id."""
    body = {"scenario_toml": SCENARIO, "replications": 3, "seed": 7} | settings
    job = client.post("/api/v1/capacity/jobs", json=body)
    assert job.status_code == 202, job.text
    for _ in range(2400):
        status = client.get(f"/api/v1/capacity/jobs/{job.json()['id']}").json()
        if status["state"] != "running":
            break
        time.sleep(0.05)
    assert status["state"] == "done", status
    assert status["store_error"] is None
    return status["run_id"]


@pytest.fixture
def runs(registry_app):
    """Three stored runs: a baseline, one more room (same seed), and another seed."""
    ids = [
        _run(registry_app, title="baseline"),
        _run(registry_app, extra_units=1),
        _run(registry_app, seed=8, title="other seed"),
    ]
    return registry_app, ids


def test_run_is_stored_listed_and_shown(runs) -> None:
    client, (base, more, other) = runs
    listed = client.get("/api/v1/capacity/runs").json()
    assert [r["id"] for r in listed] == [other, more, base]
    assert [r["title"] for r in listed] == [
        "other seed",
        "RLT service (+1 rooms/chairs)",
        "baseline",
    ]
    assert listed[2]["scenario_title"] == "RLT service"
    assert listed[2]["parameters"] == {"referral_scale": 1.0, "extra_units": 0}
    wait = listed[2]["main_kpis"]["wait_first_cycle_mean_d"]
    assert wait["n"] == 3 and wait["low"] <= wait["mean"] <= wait["high"]
    detail = client.get(f"/api/v1/capacity/runs/{base}").json()
    assert detail["scenario_toml"] == SCENARIO
    assert detail["result"]["kpis"]["cycles_per_year"]["n"] == 3
    assert detail["seed"] == 7 and detail["status"] == "done"
    page = client.get("/capacity/runs")
    assert page.status_code == 200
    assert f'aria-label="compare run {base}"' in page.text and "baseline" in page.text
    run_page = client.get(f"/capacity/runs/{base}")
    assert run_page.status_code == 200
    assert f'<iframe src="/capacity/runs/{base}/report"' in run_page.text
    report = client.get(f"/capacity/runs/{base}/report")
    assert "Reporting (STRESS-DES)" in report.text
    assert '<script src="/vendor/plotly.min.js"></script>' in report.text
    assert len(report.text) < 1_000_000  # plotly.js is not stored with every run


def test_compare_pairs_runs_that_share_seed_and_replications(runs) -> None:
    client, (base, more, other) = runs
    body = client.get(f"/api/v1/capacity/runs/compare?ids={base},{more},{other}").json()
    assert [r["id"] for r in body["runs"]] == [base, more, other]
    titles = [s["title"] for s in body["comparison"]["scenarios"]]
    assert titles[0] == f"#{base} baseline"
    assert list(body["comparison"]["differences"]) == [titles[1]]
    assert "seed 8, not 7" in body["unpaired"][str(other)]
    # the paired difference is the mean of the per-replication differences
    a = client.get(f"/api/v1/capacity/runs/{base}").json()["result"]["kpis"]
    b = client.get(f"/api/v1/capacity/runs/{more}").json()["result"]["kpis"]
    diff = body["comparison"]["differences"][titles[1]]["referrals_per_year"]
    assert diff["mean"] == pytest.approx(
        b["referrals_per_year"]["mean"] - a["referrals_per_year"]["mean"]
    )
    assert diff["mean"] == pytest.approx(0)  # same referral streams: one more room changes none
    page = client.get(f"/capacity/compare?ids={base}&ids={more}")
    assert page.status_code == 200
    assert "Paired differences" in page.text and "− baseline" in page.text
    assert f'href="/capacity/compare?ids={more},{base}">make it the baseline' in page.text


@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ("ids=1", 422, "two or more"),
        ("ids=1,x", 422, "'x' is not a run id"),
        ("ids=1,1", 422, "listed twice"),
        ("ids=1,99999", 404, "no stored capacity run 99999"),
    ],
)
def test_bad_comparisons_are_problems(registry_app, query, status, detail) -> None:
    client, run_id = registry_app, _run(registry_app, replications=1)
    query = query.replace("ids=1", f"ids={run_id}").replace(",1", f",{run_id}")
    response = client.get(f"/api/v1/capacity/runs/compare?{query}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]
    assert client.get(f"/capacity/compare?{query}").status_code == status


def test_unknown_run_is_404(registry_app) -> None:
    response = registry_app.get("/api/v1/capacity/runs/424242")
    assert response.status_code == 404
    assert response.json()["detail"] == "no stored capacity run 424242"
    assert registry_app.get("/capacity/runs/424242").status_code == 404
    assert registry_app.get("/capacity/runs/424242/report").status_code == 404


def test_anyone_reads_runs_but_only_an_administrator_deletes(runs) -> None:
    client, (base, more, _other) = runs
    assert client.get(f"/api/v1/capacity/runs/{base}").status_code == 200  # no sign-in
    assert client.delete(f"/api/v1/capacity/runs/{base}").status_code == 401
    denied = client.delete(f"/api/v1/capacity/runs/{base}", headers=bearer(client, "editor_a"))
    assert denied.status_code == 403
    ok = client.delete(f"/api/v1/capacity/runs/{base}", headers=bearer(client, "admin"))
    assert ok.status_code == 204
    assert client.get(f"/api/v1/capacity/runs/{base}").status_code == 404
    assert [r["id"] for r in client.get("/api/v1/capacity/runs").json()][-1] == more


def test_without_a_migrated_database_the_runs_pages_say_so(client) -> None:
    response = client.get("/api/v1/capacity/runs")
    assert response.status_code == 503
    assert "rltcare registry migrate" in response.json()["hint"]
    assert client.get("/capacity/runs").status_code == 503
