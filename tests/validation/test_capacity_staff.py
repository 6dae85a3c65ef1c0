"""Staff as the bottleneck: the simulated throughput equals the staff minutes' arithmetic cap.

A limiting role's minutes a working day divided by the minutes one cycle takes bounds the
cycles a day (the capacity planner's analogue of the static bed-day calculation, for staff).
"""

from __future__ import annotations

import pytest

from capacity.scenarios import build, staffed_chairs
from rltcare.capacity import engine
from rltcare.capacity.kpis import kpis
from rltcare.capacity.model import build_model


@pytest.mark.parametrize(
    "minutes",
    [{"administration": 60}, {"administration": 20, "chair_hour": 20}],  # 20 + 2 h × 20 = 60
    ids=["per-cycle", "per-chair-hour"],
)
def test_limiting_staff_caps_cycles_per_day(minutes) -> None:
    """Analytic: 480 staff minutes a weekday ÷ 60 minutes a cycle = 8 cycles a weekday."""
    data = staffed_chairs(True)
    data["staff"][0]["minutes"] = minutes
    limited = kpis(engine.run(build_model(build(data)), 1, 0))
    cap = 8 * 5 * 365.25 / 7
    assert limited["cycles_per_year"] == pytest.approx(cap, rel=0.02)
    assert limited["staff_utilisation[nurse]"] == pytest.approx(1.0, rel=0.02)
    free = kpis(engine.run(build_model(build(staffed_chairs(False))), 1, 0))
    assert free["cycles_per_year"] > 2 * cap  # the referrals, 100 a week
