"""One replication: bookings respect calendars, supply and capacity; outages, deferrals and deaths."""

from __future__ import annotations

import numpy as np
import pytest

from rltcare.capacity import engine
from rltcare.capacity.booking import (
    DIED,
    DROPPED_OUT,
    GIVEN,
    NOT_DELIVERED,
    TREATED,
    WASTED,
    stay_cells,
)
from rltcare.capacity.model import build_model

from .scenarios import build, ward


@pytest.fixture(scope="module")
def result():
    return engine.run(build_model(build(ward())), 5, 0)


def test_admissions_follow_the_ward_calendar(result) -> None:
    admitted = result.cycles[:, 3]
    assert np.all(admitted % 24 == 8)  # 08:00
    assert set((admitted // 24 % 7).astype(int)) <= {0, 1, 2, 3}  # Mon-Wed


def test_capacity_never_exceeded(result) -> None:
    used = result.used[0]
    assert used.max() <= 4
    assert used.min() >= 0


def test_doses_come_from_a_delivery_within_shelf_life(result) -> None:
    # Deliveries 07:00 Mon-Wed, lead 7 d; admissions 08:00 the same day.
    assert np.all(result.doses[:, 1] != NOT_DELIVERED)
    given = (result.doses[:, 1] == GIVEN).sum()
    assert given == len(result.cycles)


def test_later_cycles_respect_the_interval_and_tolerance(result) -> None:
    cyc = result.cycles
    later = cyc[cyc[:, 1] > 0]
    assert np.all(later[:, 3] >= later[:, 2] - 168 - 1e-9)  # no earlier than planned − 1 week


def test_patient_outcomes_are_consistent(result) -> None:
    treated = result.status == TREATED
    assert np.all(np.isfinite(result.first_cycle_h[treated]))
    gone = np.isin(result.status, (DIED, DROPPED_OUT))
    assert np.all(np.isinf(result.first_cycle_h[gone]))
    assert np.all(result.exit_h[gone] >= result.cohort.referral_h[gone])
    assert result.cycles[:, 1].max() <= 3


def test_deferrals_waste_a_dose_and_rebook() -> None:
    data = ward()
    data["indication"][0]["deferral_probability"] = 0.3
    result = engine.run(build_model(build(data)), 5, 0)
    wasted = (result.doses[:, 1] == WASTED).sum()
    assert len(result.deferrals) > 0
    assert wasted >= len(result.deferrals)


def test_supply_outage_cancels_and_delays() -> None:
    base = build_model(build(ward()))
    data = ward()
    data["supply"][0]["outages"] = [{"start": "2027-06-07", "end": "2027-06-27"}]
    hit = build_model(build(data))
    a, b = engine.run(base, 5, 0), engine.run(hit, 5, 0)
    in_outage = (b.cycles[:, 3] >= (154 * 24)) & (b.cycles[:, 3] < (175 * 24))
    assert not in_outage.any()  # no treatment during the 3 weeks
    assert (b.doses[:, 1] == NOT_DELIVERED).sum() > 0
    assert b.cycles[:, 3].mean() != a.cycles[:, 3].mean()


def test_random_outages_are_part_of_the_seeded_stream() -> None:
    data = ward()
    data["supply"][0]["random_outages"] = {"per_year": 4, "mean_duration": "1 week"}
    model = build_model(build(data))
    a, b = engine.run(model, 8, 1), engine.run(model, 8, 1)
    np.testing.assert_array_equal(a.doses, b.doses)


def test_stay_cells() -> None:
    assert stay_cells(8.0, 46.0, np.array([10.0]), 1, 1.0) == 50  # Mon 08:00 → Wed 10:00
    assert stay_cells(8.0, 3.2, np.zeros(1), 0, 1.0) == 4


def test_unlimited_room_never_waits() -> None:
    """With more rooms than patients, always open and no pathway, nobody waits beyond the grid step."""
    from .scenarios import queue

    data = queue(
        servers=200, per_week=30, stay={"model": "exponential", "hours": 20}, weeks=20, step=0.25
    )
    result = engine.run(build_model(build(data)), 3, 0)
    waits = result.cycles[:, 3] - result.cohort.referral_h[result.cycles[:, 0].astype(int)]
    assert waits.max() <= 0.25
