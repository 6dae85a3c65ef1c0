"""KPIs of one replication."""

from __future__ import annotations

import numpy as np
import pytest

from rltcare.capacity import engine, kpis
from rltcare.capacity.model import build_model

from .scenarios import build, ward


@pytest.fixture(scope="module")
def run():
    return engine.run(build_model(build(ward())), 2, 0)


def test_kpis_cover_the_issue_list(run) -> None:
    k = kpis.kpis(run)
    for name in (
        "wait_first_cycle_mean_d",
        "wait_first_cycle_median_d",
        "wait_first_cycle_p90_d",
        "later_cycle_delay_mean_d",
        "patients_treated_per_year",
        "cycles_per_year",
        "utilisation[rooms]",
        "bed_days_per_year",
        "staff_hours_per_year[nurse]",
        "doses_ordered_per_year",
        "doses_given_per_year",
        "doses_wasted_per_year",
        "deaths_waiting_per_year",
        "drop_outs_per_year",
    ):
        assert np.isfinite(k.get(name, np.nan)), name
    assert k["wait_first_cycle_median_d"] <= k["wait_first_cycle_p90_d"]
    assert 0 < k["utilisation[rooms]"] <= 1
    assert (
        k["doses_ordered_per_year"]
        >= k["doses_given_per_year"]
        == pytest.approx(k["cycles_per_year"])
    )


def test_staff_hours_follow_minutes_per_task(run) -> None:
    k = kpis.kpis(run)
    expected = k["cycles_per_year"] * 60 / 60 + k["bed_days_per_year"] * 90 / 60
    assert k["staff_hours_per_year[nurse]"] == pytest.approx(expected, rel=1e-9)
    assert k["staff_utilisation[nurse]"] == pytest.approx(expected / 3200)


def test_weekly_series(run) -> None:
    series = kpis.weekly_series(run)
    weeks = int(run.model.horizon_h // 168)
    assert series["waiting_list"].shape == (weeks,)
    assert series["cycles"].sum() == pytest.approx((run.cycles[:, 3] < weeks * 168).sum())
    assert np.nanmax(series["utilisation[rooms]"]) <= 1
