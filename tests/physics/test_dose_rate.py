"""physics/dose_rate.py: coefficient, distance model, vectorised dose rate, result."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rltcare.catalog import Radiopharmaceutical
from rltcare.errors import InputError
from rltcare.physics.dose_rate import (
    DEFAULT_BODY_TRANSMISSION,
    distance_factor,
    dose_rate_coefficient,
    evaluate,
    patient_dose_rate_usv_h,
)
from rltcare.physics.gamma_constant import evaluate as gamma_constant
from rltcare.physics.retention import Kinetics


def product(**changes) -> Radiopharmaceutical:
    """A Lu-177 product with a mono-exponential retention, built here so the test owns its numbers."""
    data = {
        "id": "test-lu177",
        "name": "[177Lu]Test",
        "nuclide": "Lu-177",
        "indications": ["test"],
        "administration": "intravenous",
        "typical_activity": "7.4 GBq",
        "cycles": 1,
        "shelf_life": "72 h",
        "production": "no-carrier-added",
        "specific_dose_rate_1m": 4.0,
        "specific_dose_rate_source": "test value",
        "retention": {
            "source": "test",
            "components": [{"fraction": 1.0, "effective_half_life": "40 h"}],
        },
        "source": "test",
    }
    return Radiopharmaceutical.model_validate({**data, **changes})


def test_measured_coefficient_is_per_mbq():
    k = dose_rate_coefficient(product())
    assert k.method == "measured"
    assert k.usv_h_per_mbq_at_1m == pytest.approx(4.0e-3)
    assert k.source == "test value"


def test_computed_coefficient_is_h10_constant_times_body_transmission(catalog):
    k = dose_rate_coefficient(
        product(specific_dose_rate_1m=None, specific_dose_rate_source=None), catalog
    )
    h10 = gamma_constant(
        "Lu-177", with_progeny=True, catalog=catalog
    ).h10_rate_constant_usv_m2_per_gbq_h
    assert k.method == "computed"
    assert k.usv_h_per_mbq_at_1m == pytest.approx(h10 * DEFAULT_BODY_TRANSMISSION / 1e3)
    assert "body transmission" in k.source


def test_computed_coefficient_includes_progeny(catalog):
    ac = product(
        id="test-ac", nuclide="Ac-225", specific_dose_rate_1m=None, specific_dose_rate_source=None
    )
    alone = gamma_constant("Ac-225", catalog=catalog).h10_rate_constant_usv_m2_per_gbq_h
    assert dose_rate_coefficient(ac, catalog).h10_constant_usv_m2_per_gbq_h > 2 * alone


def test_y90_without_a_measured_value_is_refused(catalog):
    y90 = product(
        id="test-y90", nuclide="Y-90", specific_dose_rate_1m=None, specific_dose_rate_source=None
    )
    with pytest.raises(InputError, match="bremsstrahlung"):
        dose_rate_coefficient(y90, catalog)


def test_body_transmission_must_be_a_fraction(catalog):
    bare = product(specific_dose_rate_1m=None, specific_dose_rate_source=None)
    with pytest.raises(InputError, match="transmission"):
        dose_rate_coefficient(bare, catalog, body_transmission=1.5)


def test_distance_factor_model():
    assert distance_factor(1.0) == pytest.approx(1.0)
    assert distance_factor(2.0) == pytest.approx(2**-1.5)
    assert distance_factor(0.5) == pytest.approx(2**1.5)
    below, above = distance_factor([3.0 - 1e-9, 3.0 + 1e-9])
    assert below == pytest.approx(above, rel=1e-6)  # continuous at 3 m
    assert distance_factor(6.0) / distance_factor(3.0) == pytest.approx(
        0.25
    )  # inverse square beyond


@given(st.floats(0.05, 100), st.floats(0.05, 100))
def test_distance_factor_falls_with_distance(a, b):
    near, far = sorted((a, b))
    assert distance_factor(far) <= distance_factor(near)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_distance_must_be_positive(bad):
    with pytest.raises(InputError, match="distance"):
        distance_factor([1.0, bad])


def test_dose_rate_is_coefficient_activity_retention_distance(catalog):
    rate = patient_dose_rate_usv_h(product(), 7400.0, 40.0, 2.0, catalog=catalog)
    assert rate == pytest.approx(4.0e-3 * 7400 * 0.5 * 2**-1.5)


def test_dose_rate_broadcasts_times_and_patients(catalog):
    p = product()
    times = np.array([0.0, 24.0, 48.0])
    rates = patient_dose_rate_usv_h(p, 7400.0, times, 1.0, catalog=catalog)
    assert rates.shape == (3,)
    assert rates[0] == pytest.approx(4.0e-3 * 7400)
    kinetics = Kinetics.sample(
        p.retention, 159.5, 1000, np.random.default_rng(np.random.SeedSequence(1))
    )
    activity = np.full(1000, 7400.0)
    per_patient = patient_dose_rate_usv_h(
        p, activity, 24.0, 1.0, kinetics=kinetics, catalog=catalog
    )
    assert per_patient.shape == (1000,)
    one = Kinetics(kinetics.fractions[:1], kinetics.half_lives_h[:1])
    assert per_patient[0] == pytest.approx(
        patient_dose_rate_usv_h(p, 7400.0, 24.0, 1.0, kinetics=one, catalog=catalog)
    )


def test_bad_activity_and_time(catalog):
    with pytest.raises(InputError, match="activity"):
        patient_dose_rate_usv_h(product(), [7400.0, 0.0], 0.0, 1.0, catalog=catalog)
    with pytest.raises(InputError, match="time"):
        patient_dose_rate_usv_h(product(), 7400.0, [-1.0], 1.0, catalog=catalog)


def test_evaluate_result(catalog):
    result = evaluate(product(), 7400.0, 2.0, [0, 40], catalog=catalog)
    assert result.dose_rate_usv_h[1] == pytest.approx(result.dose_rate_usv_h[0] / 2)
    assert result.retained_fraction == pytest.approx([1.0, 0.5])
    assert result.to_dict()["coefficient"]["method"] == "measured"
    labels = [label for label, _ in result.summary_rows()]
    assert "at 40 h" in labels and "method" in labels
    assert len(evaluate(product(), 7400.0, 1.0, catalog=catalog).times_h) > 3
