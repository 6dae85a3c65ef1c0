import tomllib

import pytest

from rltcare.economics import model_from_dict, model_from_toml, run_deterministic
from rltcare.errors import InputError


@pytest.fixture
def data(model_text):
    return tomllib.loads(model_text)


def _error(data) -> InputError:
    with pytest.raises(InputError) as exc:
        model_from_dict(data, file="m.toml")
    assert exc.value.file == "m.toml"
    return exc.value


def test_the_example_builds_with_country_discount_rates(model):
    assert model.settings.discount_costs == 0.03
    assert model.settings.grid.n_cycles == 240
    assert model.names == ("a", "b", "c")


def test_utility_outside_range(data):
    data["parameters"]["u_pd"] = {"dist": "fixed", "value": 1.2, "source": "x"}
    err = _error(data)
    assert "outside [−0.6, 1]" in err.message
    assert err.field == "strategies.a.utilities.PD"


def test_normal_utility_that_can_exceed_one(data):
    data["parameters"]["u_pf"] = {"dist": "normal", "value": 0.95, "se": 0.05, "source": "x"}
    assert "beta" in _error(data).hint


def test_negative_cost(data):
    data["strategies"]["b"]["treatment"]["per_dose"]["administration"] = -10
    err = _error(data)
    assert "negative" in err.message
    assert err.field == "strategies.b.treatment.per_dose.administration"


def test_horizon_shorter_than_cycle(data):
    data["model"]["horizon"] = "2 weeks"
    assert _error(data).field == "model.horizon"


def test_unknown_parameter_and_missing_source(data):
    data["strategies"]["a"]["utilities"]["PF"] = "u_pff"
    assert "unknown parameter 'u_pff'" in _error(data).message
    del data["parameters"]["u_pd"]["source"]
    assert _error(data).field == "parameters.u_pd.source"


def test_schema_errors_name_the_key(data):
    data["strategies"]["a"]["curves"]["os"] = {"dist": "weibul", "coef": "os_a"}
    err = _error(data)
    assert err.field == "strategies.a.curves.os"
    assert "weibull" in err.message
    data = {"model": {"title": "x", "cycle": "1 fortnight"}, "strategies": {}}
    assert _error(data).field == "model.cycle"


def test_state_cost_needs_a_period(data):
    data["strategies"]["a"]["state_costs"]["PF"]["care"].pop("per")
    assert _error(data).field == "strategies.a.state_costs.PF.care.per"


def test_invalid_toml():
    with pytest.raises(InputError, match="not valid TOML"):
        model_from_toml("[model", file="m.toml")


def test_drug_cost_per_gbq_uses_the_activity(data):
    """7.4 GBq × 6,000 per GBq per dose: raising the price by 1,000 adds 7,400 per dose."""
    base = run_deterministic(model_from_dict(data)).strategies[2].cost
    data["parameters"]["price_gbq"]["value"] = 7000
    dearer = run_deterministic(model_from_dict(data)).strategies[2].cost
    # six doses 6 weeks apart, discounted at 3 %/year
    factor = sum(1.03 ** -(j * 42 / 365.25) for j in range(6))
    assert dearer - base == pytest.approx(7400 * factor, rel=1e-9)
