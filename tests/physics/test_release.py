"""Discharge engine: the solver, each criterion kind, combination, and the conformance contract."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from release_fixtures import product
from scipy.optimize import brentq

from rltcare.catalog import default_catalog
from rltcare.errors import InputError, NotAchievableError
from rltcare.physics import release
from rltcare.physics.restrictions import first_time_below
from rltcare.physics.retention import Kinetics

CATALOG = default_catalog()
JURISDICTIONS = sorted(CATALOG.jurisdictions)


def test_first_time_below_matches_brentq():
    rng = np.random.default_rng(1)
    coef = rng.uniform(0.01, 1, (200, 3))
    lam = rng.uniform(0.001, 2, (200, 3))
    target = coef.sum(1) * rng.uniform(1e-6, 0.9, 200)
    fast = first_time_below(coef, lam, target)
    for i in range(200):
        ref = brentq(lambda t, i=i: (coef[i] * np.exp(-lam[i] * t)).sum() - target[i], 0, 1e6)
        assert fast[i] == pytest.approx(ref, rel=1e-8, abs=1e-8)


def test_first_time_below_edges():
    coef, lam = np.array([[1.0, 0.0]]), np.array([[0.1, 1.0]])
    assert first_time_below(coef, lam, np.array([2.0]))[0] == 0.0  # already below
    assert first_time_below(coef, lam, np.array([0.0]))[0] == np.inf  # never
    assert first_time_below(coef, lam, np.array([0.5]))[0] == pytest.approx(np.log(2) / 0.1)


def test_germany_lu_psma_four_cycles_binds_minimum_stay(catalog):
    result = release.evaluate(
        catalog.jurisdiction("de"),
        catalog.radiopharmaceutical("lu177-psma-617"),
        7400,
        cycles_per_year=4,
    )
    assert result.earliest_discharge_h == 48.0
    assert result.binding_criterion == "minimum-stay"
    assert not result.may_leave_now


def test_dose_rate_criterion_is_met_exactly_at_the_discharge_time():
    drug = product()
    rule = CATALOG.jurisdiction("de")
    activity = 50_000.0  # large enough for the 2 m dose rate to bind after 48 h
    result = release.evaluate(rule, drug, activity, catalog=CATALOG)
    assert result.binding_criterion == "dose-rate-2m"
    kin = Kinetics.typical(drug.retention, CATALOG.nuclide("Lu-177").half_life_h)
    rate_2m = 4e-3 * activity * kin.retained(result.earliest_discharge_h) * 2**-1.5
    assert float(rate_2m) == pytest.approx(3.5, rel=1e-8)


def test_cycles_per_year_share_the_yearly_dose():
    drug = product(components=({"fraction": 1.0, "effective_half_life": "100 h"},))
    rule = CATALOG.jurisdiction("it")
    one = release.evaluate(rule, drug, 20_000, cycles_per_year=1, catalog=CATALOG)
    four = release.evaluate(rule, drug, 20_000, cycles_per_year=4, catalog=CATALOG)
    assert four.earliest_discharge_h == pytest.approx(one.earliest_discharge_h + 100 * 2, rel=1e-6)


def test_retained_activity_applies_only_to_its_nuclide():
    i131 = product(nuclide="I-131", components=({"fraction": 1.0},), specific_dose_rate_1m=60)
    result = release.evaluate(CATALOG.jurisdiction("it"), i131, 1200, catalog=CATALOG)
    assert result.binding_criterion == "i131-600mbq"
    assert result.earliest_discharge_h == pytest.approx(8.0207 * 24, rel=1e-4)  # one half-life
    lu = release.evaluate(CATALOG.jurisdiction("it"), product(), 1200, catalog=CATALOG)
    assert [c.applies for c in lu.criteria] == [False, True]


def test_us_alternatives_take_the_earliest():
    drug = product(
        nuclide="I-131",
        components=({"fraction": 1.0, "effective_half_life": "1 d"},),
        specific_dose_rate_1m=60,
    )
    result = release.evaluate(CATALOG.jurisdiction("us"), drug, 5000, catalog=CATALOG)
    times = {c.id: c.earliest_h for c in result.criteria}
    assert result.earliest_discharge_h == min(times.values())
    assert result.binding_criterion == "patient-specific"
    assert result.dose_to_most_exposed_msv <= 5.0  # as the releasing method computes it


def test_elapsed_time_decides_now():
    rule, drug = CATALOG.jurisdiction("de"), CATALOG.radiopharmaceutical("lu177-psma-617")
    assert release.evaluate(rule, drug, 7400, elapsed_h=47.9).may_leave_now is False
    later = release.evaluate(rule, drug, 7400, elapsed_h=72)
    assert later.may_leave_now and later.discharge_h == 72


def test_never_within_a_year_is_one_line():
    slow = product(components=({"fraction": 1.0},))  # physical decay only, 6.6 d
    slow = slow.model_copy(update={"activity_range_mbq": (1.0, 1e30)})  # past the unit-slip gate
    with pytest.raises(NotAchievableError, match="within a year") as info:
        release.evaluate(CATALOG.jurisdiction("de"), slow, 1e25, catalog=CATALOG)
    assert "\n" not in info.value.one_line()
    kin = Kinetics.typical(slow.retention, CATALOG.nuclide("Lu-177").half_life_h)
    times = release.earliest_discharge_h(
        CATALOG.jurisdiction("de"), slow, np.array([7400, 1e25]), kin, catalog=CATALOG
    )
    assert np.isfinite(times[0]) and times[1] == np.inf


@pytest.mark.parametrize("activity", [0.0, -1.0, np.nan])
def test_bad_activity(activity):
    with pytest.raises(InputError, match="activity"):
        release.evaluate(CATALOG.jurisdiction("us"), product(), activity, catalog=CATALOG)


@pytest.mark.parametrize(("activity", "refused"), [(81_400.0, False), (81_401.0, True)])
def test_activity_ten_times_the_labelled_range_is_refused_as_a_unit_slip(activity, refused):
    lu_psma = CATALOG.radiopharmaceutical("lu177-psma-617")  # labelled range up to 8.14 GBq
    if refused:
        with pytest.raises(InputError, match=r"more than 10 times .* \(8140 MBq\)"):
            release.evaluate(CATALOG.jurisdiction("de"), lu_psma, activity, catalog=CATALOG)
    else:
        release.evaluate(CATALOG.jurisdiction("de"), lu_psma, activity, catalog=CATALOG)


def test_bad_cycles():
    with pytest.raises(InputError, match="cycles"):
        release.evaluate(CATALOG.jurisdiction("de"), product(), 7400, cycles_per_year=0)


def test_vectorised_agrees_with_evaluate():
    drug = CATALOG.radiopharmaceutical("lu177-psma-617")
    kin = Kinetics.sample(
        drug.retention, CATALOG.nuclide("Lu-177").half_life_h, 20, np.random.default_rng(7)
    )
    activity = np.linspace(3000, 60_000, 20)
    for key in JURISDICTIONS:
        rule = CATALOG.jurisdiction(key)
        fast = release.earliest_discharge_h(rule, drug, activity, kin, cycles_per_year=2)
        for i in (0, 9, 19):
            one = Kinetics(kin.fractions[i : i + 1], kin.half_lives_h[i : i + 1])
            slow = release.evaluate(rule, drug, activity[i], cycles_per_year=2, kinetics=one)
            assert fast[i] == pytest.approx(slow.earliest_discharge_h, rel=1e-9, abs=1e-9)


# Conformance: the same contract for every jurisdiction file.
@pytest.mark.parametrize("key", JURISDICTIONS)
def test_conformance_round_trip_and_binding(key):
    rule = CATALOG.jurisdiction(key)
    result = release.evaluate(
        rule, CATALOG.radiopharmaceutical("lu177-psma-617"), 7400, cycles_per_year=4
    )
    assert release.ReleaseResult.model_validate(result.to_dict()) == result
    ids = {c.id for c in rule.criteria}
    assert result.binding_criterion in ids
    assert result.dose_to_most_exposed_msv > 0
    assert result.criteria and all(c.source for c in result.criteria)


@pytest.mark.parametrize("key", JURISDICTIONS)
@settings(max_examples=25, deadline=None)
@given(
    low=st.floats(1.0, 1e6),
    factor=st.floats(1.0, 1e3),
    cycles=st.integers(1, 6),
    half_life=st.floats(1.0, 150.0),
)
def test_conformance_more_activity_never_earlier(key, low, factor, cycles, half_life):
    drug = product(
        components=(
            {"fraction": 0.5, "effective_half_life": "3 h"},
            {"fraction": 0.5, "effective_half_life": f"{half_life} h"},
        )
    )
    kin = Kinetics.typical(drug.retention, CATALOG.nuclide("Lu-177").half_life_h)
    times = release.earliest_discharge_h(
        CATALOG.jurisdiction(key),
        drug,
        np.array([low, low * factor]),
        kin,
        cycles_per_year=cycles,
        catalog=CATALOG,
    )
    assert times[1] >= times[0] - 1e-9 * (1 + times[0])


def test_cycles_per_patient():
    drug = CATALOG.radiopharmaceutical("lu177-psma-617")
    kin = Kinetics.typical(drug.retention, CATALOG.nuclide("Lu-177").half_life_h)
    rule = CATALOG.jurisdiction("it")
    activity = np.full(3, 40_000.0)
    mixed = release.earliest_discharge_h(rule, drug, activity, kin, cycles_per_year=[1, 2, 6])
    for i, cycles in enumerate((1, 2, 6)):
        alone = release.earliest_discharge_h(rule, drug, activity[:1], kin, cycles_per_year=cycles)
        assert mixed[i] == alone[0]
    assert mixed[0] < mixed[1] < mixed[2]


def test_kinetics_and_activities_must_match():
    drug = CATALOG.radiopharmaceutical("lu177-psma-617")
    kin = Kinetics.sample(
        drug.retention, CATALOG.nuclide("Lu-177").half_life_h, 3, np.random.default_rng(0)
    )
    with pytest.raises(InputError, match="3 patients but 2 activities"):
        release.earliest_discharge_h(CATALOG.jurisdiction("de"), drug, np.ones(2), kin)
