"""What limits throughput: bookable admissions against an answer known from the calendar."""

from __future__ import annotations

import html

import numpy as np
import pytest

from rltcare.capacity import engine, kpis
from rltcare.capacity.labels import describe, label
from rltcare.capacity.model import HOURS_PER_YEAR, build_model

from .scenarios import build, ward


def monday_room(**stay) -> dict:
    """One room admitting only on Mondays at 08:00, fixed 48 h stays, far more referrals."""
    return {
        "simulation": {"horizon": "1 year", "warm_up": "8 weeks", "step": "1 h"},
        "indication": [
            {
                "name": "q",
                "referrals_per_week": 5,
                "cycles": 1,
                "care": "inpatient",
                "resource": "room",
                "length_of_stay": {"model": "fixed", "hours": "48 h", **stay},
            }
        ],
        "resource": [
            {
                "name": "room",
                "kind": "bed",
                "units": 1,
                "days": ["mon"],
                "admission_times": ["08:00"],
            }
        ],
    }


def window_years(model) -> float:
    return (model.horizon_h - model.warm_up_h) / HOURS_PER_YEAR


def mondays_in_window(model) -> int:
    """Monday 08:00 admissions from the end of the warm-up to the horizon."""
    res = model.resources[0]
    cells = res.admit_cells * model.step_h
    return int(((cells >= model.warm_up_h) & (cells < model.horizon_h)).sum())


def test_a_monday_only_room_gives_one_stay_a_week() -> None:
    model = build_model(build(monday_room()))
    k = kpis.kpis(engine.run(model, 1, 0))
    years = window_years(model)
    weeks = mondays_in_window(model)
    assert 40 <= weeks <= 45  # 52 weeks less 8 of warm-up, give or take an edge
    assert k["bookable_admissions_per_year[room]"] == pytest.approx(weeks / years)
    # The queue never empties, so every Monday is used: bookable utilisation 1 ...
    assert k["admissions_per_year[room]"] == pytest.approx(weeks / years)
    assert k["bookable_utilisation[room]"] == pytest.approx(1.0)
    # ... while the room is occupied only 48 of 168 hours.
    assert k["utilisation[room]"] == pytest.approx(48 / 168, abs=0.02)


def test_a_stay_rounded_past_the_next_admission_costs_that_admission() -> None:
    """Mon and Tue admissions at 08:00: a 20 h stay fits both, a 30 h stay (to Tue 14:00) one."""
    short = monday_room(hours="20 h")
    short["resource"][0]["days"] = ["mon", "tue"]
    long = monday_room(hours="30 h")
    long["resource"][0]["days"] = ["mon", "tue"]
    a = kpis.kpis(engine.run(build_model(build(short)), 1, 0))
    b = kpis.kpis(engine.run(build_model(build(long)), 1, 0))
    assert a["bookable_admissions_per_year[room]"] == pytest.approx(
        2 * b["bookable_admissions_per_year[room]"], rel=0.05
    )


def test_wait_by_step_adds_up_to_the_wait_for_the_first_cycle() -> None:
    k = kpis.kpis(engine.run(build_model(build(ward())), 2, 0))
    parts = [k[f"wait_step_mean_d[{s}]"] for s in ("mdt", "pet", "consultation", "first_cycle")]
    assert all(p >= 0 for p in parts)
    assert sum(parts) == pytest.approx(k["wait_first_cycle_mean_d"], rel=1e-9)
    assert np.isfinite(k["bookable_utilisation[rooms]"])


def test_every_kpi_has_a_label_with_a_unit() -> None:
    k = kpis.kpis(engine.run(build_model(build(ward())), 2, 0))
    for name in k:
        text, unit = describe(name)
        assert unit and "_" not in text.split(": ")[0], name
    assert label("staff_utilisation[physicist]") == "Staff utilisation: physicist (share)"
    assert label("wait_step_mean_d[mdt]") == "Wait before: MDT review (days)"
    assert label("referrals_per_year") == "Referrals per year"
    assert label("cycles_per_year[mCRPC]") == "Cycles per year: mCRPC"
    assert label("no_such_kpi") == "no such kpi"


def test_the_report_explains_the_limits_with_the_checked_figures() -> None:
    from rltcare.capacity import experiment
    from rltcare.capacity.report import render_report
    from rltcare.capacity.results import simulation_result

    model = build_model(build(monday_room()))
    result = simulation_result(model, 1, experiment.run_replications(model, 1, 2), 0.0)
    page = render_report(model, result)
    assert "What limits throughput" in page
    assert "Most used: &#x27;room&#x27; at 100% of the admissions its calendar allows." in page
    assert "Patients wait longest before the first cycle" in page
    # The Little's law rows are the KPIs the validation test compares, with their labels.
    for name in ("little_L", "little_lambda_W"):
        row = f"<td>{html.escape(label(name))}</td><td class=num>{result.kpis[name].text()}</td>"
        assert row in page
    assert "<td>Referrals per year</td><td class=num>referrals_per_year</td>" in page
