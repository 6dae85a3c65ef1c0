"""physics/decay.py: vectorised decay, chains, the Lu-177m ratio and ordering."""

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rltcare.errors import InputError, NotAchievableError, UnknownNameError
from rltcare.physics.decay import activity_at, chain_activities, decay, decay_factor, order

CET = timezone(timedelta(hours=1))
ADMIN = datetime(2026, 12, 1, 10, tzinfo=CET)


def test_one_half_life_halves_and_broadcasts():
    activities = activity_at(np.array([[100.0], [50.0]]), 10.0, np.array([0.0, 10.0, 20.0]))
    assert activities.shape == (2, 3)
    np.testing.assert_allclose(activities[0], [100, 50, 25])
    np.testing.assert_allclose(activities[1], [50, 25, 12.5])


@given(
    st.floats(1.0, 1e5),
    st.floats(0.0, 500.0),
    st.floats(0.0, 500.0),
)
def test_decay_composes(half_life, t1, t2):
    """Decaying for t1 then t2 equals decaying for t1 + t2; backwards undoes forwards."""
    both = decay_factor(half_life, t1) * decay_factor(half_life, t2)
    np.testing.assert_allclose(both, decay_factor(half_life, t1 + t2), rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(activity_at(activity_at(1.0, half_life, t1), half_life, -t1), 1.0)


def test_chain_lists_progeny_without_stable_end_products(catalog):
    chain = chain_activities({"Ac-225": 8.0}, [0.0, 240.0], catalog)
    assert {"Ac-225", "Fr-221", "At-217", "Bi-213", "Po-213", "Tl-209", "Pb-209"} <= set(chain)
    assert "Bi-209" not in chain
    assert chain["Ac-225"][0] == pytest.approx(8.0)
    assert chain["Ac-225"][1] == pytest.approx(4.0, rel=2e-3)  # T½ = 10.0 d
    assert chain["Fr-221"][1] == pytest.approx(chain["Ac-225"][1], rel=1e-3)  # equilibrium


def test_decay_result_totals_and_names(catalog):
    result = decay({"177Lu": 100.0}, [0, 6.647 * 24], catalog)
    assert result.initial_mbq == {"Lu-177": 100.0}
    assert result.total_mbq == pytest.approx([100.0, 50.0], rel=1e-6)
    assert result.to_dict()["activities_mbq"]["Lu-177"][1] == pytest.approx(50.0, rel=1e-6)


def test_unknown_nuclide_suggests(catalog):
    with pytest.raises(UnknownNameError) as info:
        decay({"Lu-178": 1.0}, [1.0], catalog)
    assert "Lu-177" in info.value.one_line()


@pytest.mark.parametrize("activity", [0.0, -5.0, float("nan")])
def test_activity_must_be_positive(catalog, activity):
    with pytest.raises(InputError, match="more than zero"):
        decay({"Lu-177": activity}, [1.0], catalog)


def test_negative_time_rejected(catalog):
    with pytest.raises(InputError, match="zero or more"):
        decay({"Lu-177": 1.0}, [-1.0], catalog)


def test_order_decays_back_to_calibration(catalog):
    calibration = ADMIN - timedelta(hours=22)
    result = order(7400.0, ADMIN, calibration, product="lu177-psma-617", catalog=catalog)
    assert result.hours_from_calibration_h == pytest.approx(22.0)
    assert result.activity_at_calibration_mbq == pytest.approx(7400 * 2 ** (22 / (6.647 * 24)))
    assert result.margin_h == pytest.approx(120 - 22)
    assert result.expires == calibration + timedelta(hours=120)
    assert result.impurities_at_administration == {}


def test_order_refuses_a_nuclide_other_than_the_products(catalog):
    """A nuclide beside a product was silently ignored; a different one is now refused."""
    calibration = ADMIN - timedelta(hours=22)
    with pytest.raises(InputError, match="is Lu-177, not Ac-225") as info:
        order(
            7400.0, ADMIN, calibration, product="lu177-psma-617", nuclide="Ac-225", catalog=catalog
        )
    assert info.value.field == "nuclide" and "not both" in info.value.hint
    same = order(
        7400.0, ADMIN, calibration, product="lu177-psma-617", nuclide="177Lu", catalog=catalog
    )
    assert same.nuclide == "Lu-177"


def test_order_from_production_and_impurity_growth(catalog):
    calibration = ADMIN - timedelta(hours=20)
    production = calibration - timedelta(days=2)
    result = order(
        6800.0, ADMIN, calibration, product="lu177-psma-it", production=production, catalog=catalog
    )
    growth = result.impurities_at_administration["Lu-177m"] / 2e-4
    assert growth == pytest.approx(
        np.exp((np.log(2) / 159.528 - np.log(2) / 3849.6) * 20), rel=1e-3
    )
    assert result.activity_at_production_mbq == pytest.approx(
        6800 * 2 ** ((20 + 48) / (6.647 * 24))
    )


def test_order_past_shelf_life_is_not_achievable(catalog):
    with pytest.raises(NotAchievableError, match="shelf life"):
        order(
            7400.0, ADMIN, ADMIN - timedelta(hours=121), product="lu177-psma-617", catalog=catalog
        )


def test_order_calibration_after_administration(catalog):
    with pytest.raises(InputError, match="after administration"):
        order(7400.0, ADMIN, ADMIN + timedelta(hours=1), nuclide="Lu-177", catalog=catalog)


def test_order_needs_time_zone(catalog):
    with pytest.raises(InputError, match="time zone"):
        order(7400.0, ADMIN.replace(tzinfo=None), ADMIN, nuclide="Lu-177", catalog=catalog)


def test_order_nuclide_without_shelf_life(catalog):
    result = order(100.0, ADMIN, ADMIN - timedelta(days=100), nuclide="I-131", catalog=catalog)
    assert result.shelf_life_h is None and result.expires is None
    assert result.activity_at_calibration_mbq == pytest.approx(100 * 2 ** (100 / 8.0207))
