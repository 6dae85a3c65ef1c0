import warnings

import numpy as np
import pytest

from rltcare.economics import one_way, run_psa, summarise
from rltcare.economics.model import CurveCrossingWarning
from rltcare.economics.psa import ceac, frontier
from rltcare.economics.voi import evpi


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CurveCrossingWarning)
        yield


def test_same_seed_same_results_and_chunking_is_fixed(model):
    a = run_psa(model, 1500, seed=7)
    b = run_psa(model, 1500, seed=7)
    c = run_psa(model, 1500, seed=8)
    assert np.array_equal(a.costs, b.costs)
    assert not np.array_equal(a.costs, c.costs)
    # the first 1000 iterations are one chunk whatever the total
    assert np.array_equal(run_psa(model, 1000, seed=7).qalys, a.qalys[:1000])


def test_dask_gives_identical_results(model):
    plain = run_psa(model, 2100, seed=3)
    threaded = run_psa(model, 2100, seed=3, scheduler="threads")
    assert np.array_equal(plain.costs, threaded.costs)
    assert np.array_equal(plain.qalys, threaded.qalys)


def test_psa_mean_is_near_the_deterministic_result(model):
    from rltcare.economics import run_deterministic

    base = run_deterministic(model)
    run = run_psa(model, 2000, seed=1)
    for j, s in enumerate(base.strategies):
        assert run.costs[:, j].mean() == pytest.approx(s.cost, rel=0.05)
        assert run.qalys[:, j].mean() == pytest.approx(s.qalys, rel=0.05)


def test_ceac_and_evpi_hand_worked():
    """Two strategies, two iterations: B is better in one of them at λ = 1.
    NMB at λ=1: A = [1, 1], B = [3, -1]; P(B best) = 0.5; EVPI = mean(max) − max(mean)
    = (3 + 1)/2 − max(1, 1) = 1."""
    costs = np.array([[0.0, 0.0], [0.0, 2.0]])
    qalys = np.array([[1.0, 3.0], [1.0, 1.0]])
    assert ceac(costs, qalys, [1.0])[0].tolist() == [0.5, 0.5]
    assert evpi(costs, qalys, [1.0])[0] == pytest.approx(1.0)
    opt, prob = frontier(costs, qalys, [1.0])
    assert opt[0] == 0
    assert prob[0] == 0.5


def test_summary_probabilities_sum_to_one_and_evpi_is_non_negative(model):
    s = summarise(run_psa(model, 1000, seed=2), model.wtp)
    assert np.allclose(np.sum(s.ceac, axis=1), 1.0)
    assert min(s.evpi) >= 0
    assert sum(x.prob_cost_effective for x in s.strategies) == pytest.approx(1.0)


def test_tornado_is_sorted_and_brackets_the_base(model):
    t = one_way(model, "b", "a")
    swings = [b.swing for b in t.bars]
    assert swings == sorted(swings, reverse=True)
    assert t.bars[0].parameter == "price_gbq"  # drug price dominates the incremental NMB
    top = t.bars[0]
    assert (
        min(top.outcome_at_low, top.outcome_at_high)
        < t.base
        < max(top.outcome_at_low, top.outcome_at_high)
    )


def test_population_evpi_discounts_future_patients():
    from rltcare.economics.voi import population_evpi

    # 100 per patient, 1,000 patients a year for 3 years at 3.5 %: 100 × 1000 × (1 + 1/1.035 + 1/1.035²)
    expected = 100 * 1000 * (1 + 1 / 1.035 + 1 / 1.035**2)
    assert population_evpi(np.array([100.0]), 1000, 3, 0.035)[0] == pytest.approx(expected)
