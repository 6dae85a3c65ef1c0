import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rltcare.economics import psm
from rltcare.economics.background import LifeTable, discount_rates
from rltcare.economics.model import CurveCrossingWarning
from rltcare.economics.survival_models import SurvivalCurve
from rltcare.errors import InputError, UnknownNameError


def _strategy(pfs_rate, os_rate):
    return psm.StrategyInputs(
        name="x",
        curves=(
            SurvivalCurve("exponential", {"rate": pfs_rate}, "years"),
            SurvivalCurve("exponential", {"rate": os_rate}, "years"),
        ),
        state_cost_per_year=np.array([0.0, 0.0]),
        utility=np.array([1.0, 1.0]),
    )


def test_time_grid_shortens_the_last_cycle():
    g = psm.TimeGrid(1.0, 2.5)
    assert g.times.tolist() == [0.0, 1.0, 2.0, 2.5]


def test_horizon_shorter_than_a_cycle_is_rejected():
    with pytest.raises(InputError, match="shorter than one cycle") as exc:
        psm.TimeGrid(1 / 12, 1 / 52)
    assert exc.value.field == "horizon"


def test_unknown_correction_is_rejected():
    with pytest.raises(InputError, match="correction"):
        psm.point_weights(psm.TimeGrid(1, 2), 0.0, "simpson")


def test_pfs_above_os_is_capped_and_flagged():
    """PFS rate 0.2 < OS rate 0.5 would put PF above alive: PF is capped at OS, so PD is empty."""
    settings = psm.Settings(psm.TimeGrid(1 / 12, 10))
    out = psm.run([_strategy(0.2, 0.5)], settings, 1, keep_membership=True)
    assert out.crossed[0, 0]
    pd_ = out.membership[0, 0, 1]
    assert pd_ == pytest.approx(0.0)
    assert out.membership[0, 0].sum(axis=0) == pytest.approx(1.0)


def test_model_warns_about_crossing(model):
    with pytest.warns(CurveCrossingWarning, match="capped"):
        model.evaluate(model.sample(200, np.random.default_rng(0)), 200)


def test_background_mortality_caps_the_hazard():
    """OS with a hazard of 0.01/year under a population hazard of 0.1/year follows the population."""
    table = LifeTable(np.arange(50, 101), np.full(51, 1 - np.exp(-0.1)), "test")
    grid = psm.TimeGrid(1 / 12, 10)
    g = table.survival(60, grid.times)
    assert g[-1] == pytest.approx(np.exp(-1.0))
    settings = psm.Settings(grid, background_survival=g)
    out = psm.run([_strategy(0.5, 0.01)], settings, 1, keep_membership=True)
    alive = 1 - out.membership[0, 0, -1]
    assert alive == pytest.approx(g)


def test_life_table_and_discount_rate_lookups():
    with pytest.raises(InputError, match="outside the life table"):
        LifeTable(np.arange(50, 60), np.full(10, 0.01), "t").survival(40, [0.0])
    with pytest.raises(InputError, match="consecutive"):
        LifeTable(np.array([50, 52]), np.array([0.1, 0.2]), "t")
    assert discount_rates("nl").effects == 0.015
    with pytest.raises(UnknownNameError, match="did you mean"):
        discount_rates("USA")


def test_life_table_survival_is_piecewise_exponential():
    table = LifeTable(np.array([70, 71]), np.array([0.1, 0.2]), "t")
    # from 70.5: half a year at q 0.1, then half a year at q 0.2
    expected = np.sqrt(0.9) * np.sqrt(0.8)
    assert table.survival(70.5, [1.0])[0] == pytest.approx(expected)


def test_vectorised_run_equals_a_loop_over_draws(model):
    """Evaluating 50 draws at once gives the same numbers as 50 one-draw runs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CurveCrossingWarning)
        values = model.sample(50, np.random.default_rng(4))
        whole = model.evaluate(values, 50)
        for i in (0, 17, 49):
            one = model.evaluate({k: v[i : i + 1] for k, v in values.items()}, 1)
            assert one.costs[0] == pytest.approx(whole.costs[i])
            assert one.qalys[0] == pytest.approx(whole.qalys[i])


@settings(deadline=None)  # timing varies on a shared machine
@given(
    pfs=st.tuples(st.floats(0.3, 3.0), st.floats(1.0, 60.0)),
    os_=st.tuples(st.floats(0.3, 3.0), st.floats(1.0, 60.0)),
)
def test_membership_is_a_partition_whatever_the_curves(pfs, os_):
    """Invariant: after the constraint every state is ≥ 0 and the states sum to 1."""
    s = psm.StrategyInputs(
        name="x",
        curves=(
            SurvivalCurve("weibull", {"shape": pfs[0], "scale": pfs[1]}),
            SurvivalCurve("weibull", {"shape": os_[0], "scale": os_[1]}),
        ),
        state_cost_per_year=np.zeros(2),
        utility=np.ones(2),
    )
    out = psm.run([s], psm.Settings(psm.TimeGrid(1 / 12, 10)), 1, keep_membership=True)
    m = out.membership[0, 0]
    assert np.all(m >= -1e-12)
    assert m.sum(axis=0) == pytest.approx(1.0)
    assert out.qalys[0, 0] == pytest.approx(out.life_years[0, 0])
