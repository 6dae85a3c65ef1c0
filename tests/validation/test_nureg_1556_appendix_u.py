"""I-131 release under 10 CFR 35.75, against NUREG-1556 Vol. 9 Rev. 3 Appendix U, Table U.1.

Table U.1 (I-131): patients may be released at or below 1.22 GBq (33 mCi) administered or
retained, or a dose rate of 0.07 mSv/h at 1 m; written instructions are required above
0.26 GBq (7 mCi) or 0.02 mSv/h at 1 m.

Table U.1's configuration, reproduced explicitly here ("NUREG-1556 Table U.1
configuration"): point source with the I-131 exposure-rate constant
Γ = 2.2 R·cm²/(mCi·h) (1 R taken as 1 rem = 10 mSv), physical half-life 8.04 d and no
biological elimination, occupancy factor 0.25 at 1 m, dose integrated to infinity
(Appendix U Eq. U-1). Tolerances: 2 % on the release activity and dose rate (the
table rounds to 0.01 GBq and 0.01 mSv/h); the instruction level is checked to round
to the table's whole 7 mCi and to lie within 10 % of 0.26 GBq.
"""

import dataclasses

import numpy as np
import pytest

from rltcare.catalog import Radiopharmaceutical, default_catalog
from rltcare.physics import release
from rltcare.physics.retention import Kinetics
from rltcare.units import BQ_PER_CI

MBQ_PER_MCI = BQ_PER_CI * 1e-3 / 1e6
#: Γ = 2.2 R·cm²/(mCi·h) at 1 m: 2.2e-4 R/h per mCi = 2.2 µSv/h per mCi (1 R ≈ 10 mSv).
TABLE_U1_COEFFICIENT = 2.2e-4 * 1e4 / MBQ_PER_MCI  # µSv/h per MBq at 1 m
TABLE_U1_HALF_LIFE_H = 8.04 * 24


@pytest.fixture(scope="module")
def table_u1():
    """The catalog with I-131's half-life set to Table U.1's 8.04 d, and a physical-only product."""
    catalog = default_catalog()
    nuclides = dict(catalog.nuclides)
    nuclides["I-131"] = nuclides["I-131"].model_copy(update={"half_life_h": TABLE_U1_HALF_LIFE_H})
    catalog = dataclasses.replace(catalog, nuclides=nuclides)
    product = Radiopharmaceutical.model_validate(
        {
            "id": "i131-table-u1",
            "name": "I-131 as in NUREG-1556 Table U.1",
            "nuclide": "I-131",
            "indications": ["validation"],
            "administration": "oral",
            "typical_activity": "1 GBq",
            "cycles": 1,
            "shelf_life": "7 d",
            "production": "reactor",
            "retention": {"components": [{"fraction": 1.0}], "source": "physical decay only"},
            "source": "NUREG-1556 Vol. 9 Rev. 3 Appendix U, Table U.1",
        }
    )
    return catalog, catalog.jurisdiction("us"), product


def _dose_per_mbq(table_u1):
    catalog, rule, product = table_u1
    result = release.evaluate(
        rule, product, 1000.0, catalog=catalog, coefficient_usv_h_per_mbq=TABLE_U1_COEFFICIENT
    )
    return result.dose_to_most_exposed_msv / 1000.0


def test_release_activity_is_1_22_gbq(table_u1):
    release_mbq = 5.0 / _dose_per_mbq(table_u1)
    assert release_mbq / 1e3 == pytest.approx(1.22, rel=0.02)
    assert release_mbq / MBQ_PER_MCI == pytest.approx(33, rel=0.02)


def test_release_dose_rate_is_0_07_msv_h(table_u1):
    release_mbq = 5.0 / _dose_per_mbq(table_u1)
    assert TABLE_U1_COEFFICIENT * release_mbq / 1e3 == pytest.approx(0.07, rel=0.05)


def test_engine_releases_at_once_just_below_and_later_just_above(table_u1):
    catalog, rule, product = table_u1
    release_mbq = 5.0 / _dose_per_mbq(table_u1)
    kinetics = Kinetics.typical(product.retention, TABLE_U1_HALF_LIFE_H)
    times = release.earliest_discharge_h(
        rule,
        product,
        np.array([0.99, 1.01]) * release_mbq,
        kinetics,
        catalog=catalog,
        coefficient_usv_h_per_mbq=TABLE_U1_COEFFICIENT,
    )
    assert times[0] == 0.0
    # Above the level, wait until 1 % has decayed: ln(1.01)/λ with the physical half-life.
    assert times[1] == pytest.approx(np.log(1.01) * TABLE_U1_HALF_LIFE_H / np.log(2), rel=1e-6)


def test_instruction_level_is_7_mci(table_u1):
    catalog, rule, product = table_u1
    level_mbq = 1.0 / _dose_per_mbq(table_u1)
    assert round(level_mbq / MBQ_PER_MCI) == 7
    assert level_mbq / 1e3 == pytest.approx(0.26, rel=0.10)
    for factor, needed in ((0.98, False), (1.02, True)):
        result = release.evaluate(
            rule,
            product,
            factor * level_mbq,
            catalog=catalog,
            coefficient_usv_h_per_mbq=TABLE_U1_COEFFICIENT,
        )
        assert result.instructions_needed is needed


def test_patient_specific_method_allows_more_with_biological_elimination(table_u1):
    """Appendix U: a patient-specific calculation with elimination releases more activity."""
    catalog, rule, _ = table_u1
    eliminated = Radiopharmaceutical.model_validate(
        {
            "id": "i131-thyroid-cancer-like",
            "name": "I-131 with fast elimination",
            "nuclide": "I-131",
            "indications": ["validation"],
            "administration": "oral",
            "typical_activity": "3.7 GBq",
            "cycles": 1,
            "shelf_life": "7 d",
            "production": "reactor",
            "retention": {
                "components": [
                    {"fraction": 0.95, "effective_half_life": "0.32 d"},
                    {"fraction": 0.05, "effective_half_life": "7.3 d"},
                ],
                "source": "NUREG-1556 Appendix U Table U.5 thyroid-cancer defaults (F1 0.95, T1 0.32 d; F2 0.05, T2 7.3 d)",
            },
            "source": "validation",
        }
    )
    result = release.evaluate(
        rule, eliminated, 3700, catalog=catalog, coefficient_usv_h_per_mbq=TABLE_U1_COEFFICIENT
    )
    times = {c.id: c.earliest_h for c in result.criteria}
    assert times["patient-specific"] < times["table-u1"]
    assert result.binding_criterion == "patient-specific"
