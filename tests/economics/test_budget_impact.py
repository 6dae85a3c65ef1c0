import tomllib

import numpy as np
import pytest

from rltcare.economics import model_from_dict, run_deterministic
from rltcare.economics.budget_impact import budget_impact, yearly_costs
from rltcare.errors import InputError


def _model(**strategy_b):
    curve = {"dist": "exponential", "params": {"rate": 0.05}}
    base = {"curves": {"os": curve, "pfs": curve}, "utilities": {"PF": 0.8, "PD": 0.6}}
    return model_from_dict(
        {
            "model": {
                "title": "t",
                "horizon": "10 years",
                "discount_costs": 0,
                "discount_effects": 0,
            },
            "strategies": {"a": base, "b": {**base, **strategy_b}},
        }
    )


def test_one_off_costs_follow_the_cohorts_hand_worked():
    """b costs 1,000 once at start, a nothing: new-mix spend is 1,000 × newly treated."""
    model = _model(upfront={"drug": 1000})
    out = budget_impact(model, [10, 20, 30], {"a": [1, 1, 1]}, {"a": [0.5, 0, 0], "b": [0.5, 1, 1]})
    assert [y.difference for y in out.years] == pytest.approx([5000, 20000, 30000])
    assert out.total_difference == pytest.approx(55000)


def test_yearly_costs_add_up_to_the_undiscounted_total(model_text):
    data = tomllib.loads(model_text)
    data["model"].pop("country")
    data["model"] |= {"discount_costs": 0.0, "discount_effects": 0.0}
    model = model_from_dict(data)
    per_year = yearly_costs(model, 20)
    base = run_deterministic(model)
    assert per_year.sum(axis=1) == pytest.approx([s.cost for s in base.strategies], rel=1e-9)


def test_state_costs_accrue_in_the_year_they_fall():
    """OS = PFS exponential 0.05/month; PF costs 12,000/year: year-1 cost = 12,000 ∫₀¹ S."""
    model = _model(state_costs={"PF": {"care": {"unit_cost": 1000, "per": "1 month"}}})
    exact = 12000 * (1 - np.exp(-0.6)) / 0.6
    assert yearly_costs(model, 2)[1, 0] == pytest.approx(exact, rel=1e-3)


def test_bad_shares(model_text):
    data = tomllib.loads(model_text)
    data["budget_impact"]["new"]["b"] = [0.2, 0.4, 0.5, 0.5, 0.6]
    with pytest.raises(InputError, match="sum to 1") as exc:
        model_from_dict(data, file="m.toml")
    assert exc.value.field == "budget_impact.new"
    data["budget_impact"]["new"]["z"] = [1, 1, 1, 1, 1]
    with pytest.raises(InputError, match="unknown strategy 'z'"):
        model_from_dict(data)
