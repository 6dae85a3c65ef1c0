"""API listings: filters, sorting, the audit-trail filter, and isolation under every filter."""

from __future__ import annotations

import datetime as dt

import pytest

from registry.factories import add, bearer
from rltcare.registry.db import make_sessionmaker


def _get(client, table, who="admin", **params):
    response = client.get(f"/api/v1/registry/{table}", params=params, headers=bearer(client, who))
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.fixture
def more(registry_app):
    """Patient A gets more labs, a second course of another drug, and two adverse events."""
    pid = registry_app.world.patient_a.id
    with make_sessionmaker(registry_app.app.state.engine)() as session:
        for day, value in (("2024-02-01", 30.0), ("2024-03-01", 12.0)):
            add(
                session, "lab_result", pid, analyte="psa", value=value, unit="ng/mL", sampled_on=day
            )
        add(
            session,
            "lab_result",
            pid,
            analyte="hb",
            value=12.5,
            unit="g/dL",
            sampled_on="2024-02-01",
        )
        for grade in (1, 3):
            add(
                session,
                "adverse_event",
                pid,
                term="Anemia",
                ctcae_version="5.0",
                grade=grade,
                onset_on="2024-02-10",
                attribution="possible",
            )
    return registry_app


def test_labs_by_analyte_and_date_range_sorted(more):
    pid = more.world.patient_a.id
    rows = _get(
        more,
        "lab_result",
        patient_id=pid,
        analyte="psa",
        sampled_from="2024-01-15",
        sampled_to="2024-03-01",
        sort="-sampled_on",
    )
    assert [(r["sampled_on"], r["value"]) for r in rows] == [
        ("2024-03-01", 12.0),
        ("2024-02-01", 30.0),
    ]


def test_cycles_by_date_range_and_radiopharmaceutical(more):
    assert (
        len(
            _get(
                more,
                "treatment_cycle",
                administered_from="2024-01-10",
                administered_to="2024-01-10",
            )
        )
        == 2
    )  # both patients, 10 January
    assert _get(more, "treatment_cycle", administered_to="2024-01-09") == []
    assert len(_get(more, "treatment_cycle", radiopharmaceutical="lu177-psma-617")) == 2
    assert _get(more, "treatment_cycle", radiopharmaceutical="lu177-dotatate") == []


def test_patients_by_sex_birth_year_indication_and_drug(more):
    assert len(_get(more, "patient", sex="male", birth_year_min=1950, birth_year_max=1950)) == 2
    assert _get(more, "patient", birth_year_min=1951) == []
    assert len(_get(more, "patient", cancer_type="prostate")) == 2
    assert _get(more, "patient", cancer_type="gep-net") == []
    assert _get(more, "patient", radiopharmaceutical="lu177-dotatate") == []


def test_adverse_events_by_grade_at_least(more):
    assert [r["grade"] for r in _get(more, "adverse_event", grade_min=2)] == [3]


def test_updated_since_comes_from_the_audit_trail(more):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert _get(more, "patient", updated_since=later.isoformat()) == []
    pid = more.world.patient_a.id
    headers = bearer(more, "admin")
    assert (
        more.patch(
            f"/api/v1/registry/patient/{pid}",
            json={"version": 1, "birth_year": 1951},
            headers=headers,
        ).status_code
        == 200
    )
    since = (later - dt.timedelta(minutes=5)).isoformat()
    assert {r["id"] for r in _get(more, "patient", updated_since=since)} >= {pid}


def test_bad_filters_are_refused_naming_the_parameter(more):
    headers = bearer(more, "admin")
    for params, field in (
        ({"colour": "red"}, "colour"),
        ({"sort": "nope"}, "sort"),
        ({"analyte": "unobtainium"}, "analyte"),
    ):
        response = more.get("/api/v1/registry/lab_result", params=params, headers=headers)
        assert response.status_code == 422 and field in response.text
    analyst = more.get(
        "/api/v1/registry/patient", params={"sort": "pseudonym"}, headers=bearer(more, "analyst")
    )
    assert analyst.status_code == 422
