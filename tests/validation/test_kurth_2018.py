"""[177Lu]Lu-PSMA-617 patient dose rate at 2 m against Kurth et al. 2018.

Kurth J, Krause BJ, Schwarzenböck SM, Stegger L, Schäfers M, Rahbar K. External radiation exposure,
excretion, and effective half-life in 177Lu-PSMA-targeted therapies. EJNMMI Res 2018;8:32
(50 patients, 6.3 ± 0.5 GBq). Whole-body dose rates at 2 m, mean ± SD: 1.6 ± 0.6 µSv/h at 24 h,
1.1 ± 0.5 µSv/h at 48 h, 0.7 ± 0.4 µSv/h at 72 h. The modelled typical patient must lie within
the measured mean ± 1 SD at each time.
"""

import numpy as np
import pytest

from rltcare.physics.dose_rate import patient_dose_rate_usv_h

KURTH_2018 = {24.0: (1.6, 0.6), 48.0: (1.1, 0.5), 72.0: (0.7, 0.4)}


@pytest.fixture
def lu_psma(catalog):
    if "lu177-psma-617" not in catalog.radiopharmaceuticals:
        pytest.fail("the catalog has no lu177-psma-617 product")
    return catalog.radiopharmaceutical("lu177-psma-617")


def test_dose_rate_at_2_m_within_the_measured_spread(catalog, lu_psma):
    times = np.array(list(KURTH_2018))
    rates = patient_dose_rate_usv_h(lu_psma, 6300.0, times, 2.0, catalog=catalog)
    for t, rate in zip(times, rates, strict=True):
        mean, sd = KURTH_2018[t]
        assert mean - sd <= rate <= mean + sd, (
            f"{rate:.2f} µSv/h at {t:g} h, measured {mean} ± {sd}"
        )


def test_sampled_patients_spread_like_the_cohort(catalog, lu_psma):
    """The sampled cohort's median at 48 h lies within the measured mean ± SD, and its spread is real."""
    from rltcare.physics.retention import Kinetics

    rng = np.random.default_rng(np.random.SeedSequence(2018))
    half_life_h = catalog.nuclide("Lu-177").half_life_h
    kinetics = Kinetics.sample(lu_psma.retention, half_life_h, 2000, rng)
    rates = patient_dose_rate_usv_h(lu_psma, 6300.0, 48.0, 2.0, kinetics=kinetics, catalog=catalog)
    mean, sd = KURTH_2018[48.0]
    assert mean - sd <= np.median(rates) <= mean + sd
    assert np.percentile(rates, 90) > 1.2 * np.percentile(rates, 10)
