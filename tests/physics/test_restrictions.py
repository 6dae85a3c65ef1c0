"""Restrictions: integrated dose from a contact pattern and the shortest restriction period."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from rltcare.catalog import default_catalog
from rltcare.catalog.jurisdiction import Contact, ContactScenario
from rltcare.physics import release
from rltcare.physics.dose_rate import distance_factor
from rltcare.physics.restrictions import (
    contact_weight,
    integrated_dose_msv,
    restriction_period_h,
)
from rltcare.physics.retention import Kinetics

KIN = Kinetics(np.array([[0.6, 0.4]]), np.array([[2.0, 40.0]]))


def scenario(usual, restricted=()):
    return ContactScenario(
        id="s",
        label="s",
        group="partner",
        source="test",
        usual=[Contact(distance=d, hours_per_day=h) for d, h in usual],
        restricted=[Contact(distance=d, hours_per_day=h) for d, h in restricted],
    )


def test_contact_weight_uses_the_distance_factor():
    pattern = scenario([("0.5 m", 8), ("1 m", 4)]).usual
    assert contact_weight(pattern) == pytest.approx(8 / 24 * float(distance_factor(0.5)) + 4 / 24)
    assert contact_weight([]) == 0.0


def test_integrated_dose_matches_quadrature():
    contacts = scenario([("2 m", 12)]).usual
    rate = 30.0  # µSv/h at 1 m with everything retained
    dose = integrated_dose_msv(rate, KIN, contacts, 24.0, 240.0)[0]
    ref, _ = quad(lambda t: rate * KIN.retained(t) * 0.5 * float(distance_factor(2.0)), 24, 240)
    assert dose == pytest.approx(ref / 1e3, rel=1e-9)


def test_restriction_period_meets_the_constraint_exactly():
    s = scenario([("0.5 m", 8), ("1 m", 4)], [("1 m", 4)])
    rate, start = 30.0, 6.0
    period = restriction_period_h(rate, KIN, s, 0.5, start)[0]
    assert period > 0
    end = start + period
    dose = (
        integrated_dose_msv(rate, KIN, s.restricted, start, end)
        + integrated_dose_msv(rate, KIN, s.usual, end)
    )[0]
    assert dose == pytest.approx(0.5, rel=1e-8)


def test_restriction_zero_and_unachievable():
    s = scenario([("1 m", 4)], [("1 m", 2)])
    assert restriction_period_h(0.01, KIN, s, 1.0, 0.0)[0] == 0.0  # no restriction needed
    assert restriction_period_h(1e6, KIN, s, 1.0, 0.0)[0] == np.inf  # restricted alone too much


def test_longer_restriction_for_more_activity():
    s = scenario([("0.1 m", 1), ("1 m", 6)], [("2 m", 6)])
    periods = [restriction_period_h(r, KIN, s, 1.0, 0.0)[0] for r in (100.0, 200.0, 400.0)]
    assert periods == sorted(periods) and periods[0] > 0


def test_restrictions_in_release_result_follow_yearly_constraints():
    catalog = default_catalog()
    rule, drug = catalog.jurisdiction("de"), catalog.radiopharmaceutical("lu177-psma-617")
    one = release.evaluate(rule, drug, 7400, cycles_per_year=1)
    four = release.evaluate(rule, drug, 7400, cycles_per_year=4)
    child = {r.scenario: r for r in one.restrictions}["child-close-contact"]
    child4 = {r.scenario: r for r in four.restrictions}["child-close-contact"]
    assert child4.constraint_msv == child.constraint_msv / 4
    assert child4.duration_h >= child.duration_h
    assert {r.group for r in one.restrictions} == {
        "partner",
        "children",
        "pregnant",
        "co_workers",
        "public",
    }
    assert all(
        r.dose_with_restriction_msv <= r.constraint_msv * (1 + 1e-9)
        for r in one.restrictions
        if r.achievable
    )


@settings(max_examples=50, deadline=None)
@given(
    rate=st.floats(0.1, 1e4),
    factor=st.floats(1.0, 100.0),
    start=st.floats(0.0, 200.0),
    constraint=st.floats(0.05, 10.0),
)
def test_more_activity_never_shortens_a_restriction(rate, factor, start, constraint):
    s = scenario([("0.5 m", 8), ("1 m", 4)], [("1 m", 4)])
    low = restriction_period_h(rate, KIN, s, constraint, start)[0]
    high = restriction_period_h(rate * factor, KIN, s, constraint, start)[0]
    assert high == np.inf or high >= low - 1e-9 * (1 + low)
    assert low < np.inf or high == np.inf
