"""Per-cycle resource use from the capacity planner's KPIs."""

from __future__ import annotations

from pathlib import Path

import pytest

from rltcare.capacity import build_model, load_scenario, run_replications
from rltcare.errors import InputError
from rltcare.national.planner import mean_kpis, national_role, resource_use_from_kpis

EXAMPLE = Path(__file__).parents[2] / "examples" / "german_inpatient_lu_psma.toml"


def test_kpis_divide_by_cycles():
    kpis = {
        "cycles_per_year": 200.0,
        "bed_days_per_year": 500.0,
        "chair_hours_per_year": 0.0,
        "staff_hours_per_year[nuclear-medicine physician]": 300.0,
        "staff_hours_per_year[Ward nurse]": 1000.0,
    }
    use = resource_use_from_kpis(kpis, "lu177-psma-617")
    assert use.bed_days == 2.5 and use.staff_hours == {"physician": 1.5, "nurse": 5.0}
    assert use.activity_gbq == pytest.approx(7.4)


def test_unknown_role_needs_a_mapping():
    with pytest.raises(InputError, match="matches no national role"):
        national_role("porter")
    assert national_role("porter", {"porter": "nurse"}) == "nurse"


def test_german_example_gives_about_two_bed_days_per_cycle():
    """The planner's German inpatient example (48 h minimum stay, discharge at 10:00) needs
    2 to 3 bed-days per cycle, as the physics engine's 48 h stay implies."""
    model = build_model(load_scenario(EXAMPLE), file=str(EXAMPLE))
    kpis = mean_kpis([r.kpis for r in run_replications(model, 1, 1)])
    use = resource_use_from_kpis(kpis, "lu177-psma-617")
    assert 2.0 <= use.bed_days <= 3.0 and use.chair_hours == 0
    assert set(use.staff_hours) <= {
        "physician",
        "physicist",
        "technologist",
        "nurse",
        "radiopharmacist",
    }
