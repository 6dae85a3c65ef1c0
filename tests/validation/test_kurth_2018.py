"""[177Lu]Lu-PSMA-617 patient dose rate at 2 m against Kurth et al. 2018.

Kurth J, Krause BJ, Schwarzenböck SM, Stegger L, Schäfers M, Rahbar K. External radiation exposure,
excretion, and effective half-life in 177Lu-PSMA-targeted therapies. EJNMMI Res 2018;8:32
(50 patients, 6.3 ± 0.5 GBq). Abstract: whole-body dose rates at 2 m, mean ± SD, 3.6 ± 0.7 µSv/h
at 2 h p.i., 1.6 ± 0.6 at 24 h, 1.1 ± 0.5 at 48 h, 0.7 ± 0.4 at 72 h; whole-body measurements
(25 patients): about 50 % excreted by 4 h and 70 % by 12 h. Tolerance: the modelled typical
patient must lie within the measured mean ± 1 SD at each time; the retained fraction within
± 0.05 of the excretion figures.

Known limitation (2 h): the model gives 5.6 µSv/h at 2 h, above 3.6 ± 0.7. The retention is
not the cause that a refit can remove: the record reproduces Kurth's own excretion (retained
0.50 at 4 h, 0.30 at 12 h), and the measured dose-rate ratio 2 h / 24 h = 2.25 (independent of
the dose-rate coefficient and of the distance law) would need about 0.52 retained at 2 h,
hardly more than the 0.50 still retained at 4 h. Free bi- and tri-exponential fits to all four
dose rates and both excretion points (2026-11) need a component of 43-53 % with a half-life of
1-2 minutes and still miss the excretion at 4 h (0.43-0.46): not defensible. The early excess
comes from applying one specific dose rate (3.7 µSv/h per GBq at 1 m, Bellamy 2022) and the
(1/d)^1.5 law from 1 to 2 m at all times; with inverse square from 1 to 2 m the same model
gives 3.9, 1.36, 0.90 and 0.60 µSv/h, all within the spread (see docs/dose-rate.md). The 2 h
check is therefore a strict expected failure: it turns into an error the day it passes.
"""

import numpy as np
import pytest

from rltcare.physics.dose_rate import patient_dose_rate_usv_h
from rltcare.physics.retention import Kinetics

KURTH_2018 = {2.0: (3.6, 0.7), 24.0: (1.6, 0.6), 48.0: (1.1, 0.5), 72.0: (0.7, 0.4)}
EXCRETED = {4.0: 0.50, 12.0: 0.70}
EARLY = pytest.mark.xfail(
    strict=True, reason="one specific dose rate and (1/d)^1.5 at all times: see the docstring"
)


@pytest.fixture
def lu_psma(catalog):
    if "lu177-psma-617" not in catalog.radiopharmaceuticals:
        pytest.fail("the catalog has no lu177-psma-617 product")
    return catalog.radiopharmaceutical("lu177-psma-617")


@pytest.mark.parametrize(
    "time_h", [pytest.param(2.0, marks=EARLY), 24.0, 48.0, 72.0], ids=lambda t: f"{t:g}h"
)
def test_dose_rate_at_2_m_within_the_measured_spread(catalog, lu_psma, time_h):
    rate = patient_dose_rate_usv_h(lu_psma, 6300.0, time_h, 2.0, catalog=catalog)
    mean, sd = KURTH_2018[time_h]
    assert mean - sd <= rate <= mean + sd, (
        f"{rate:.2f} µSv/h at {time_h:g} h, measured {mean} ± {sd}"
    )


def test_retention_reproduces_the_excreted_fractions(catalog, lu_psma):
    kinetics = Kinetics.typical(lu_psma.retention, catalog.nuclide("Lu-177").half_life_h)
    for time_h, excreted in EXCRETED.items():
        retained = float(np.squeeze(kinetics.retained(time_h)))
        assert retained == pytest.approx(1 - excreted, abs=0.05), f"at {time_h:g} h"


def test_late_effective_half_life(catalog, lu_psma):
    """Kurth's cohort mean T_eff 40.5 h (24-72 h): the modelled 24→72 h decline within ± 10 %."""
    rates = patient_dose_rate_usv_h(lu_psma, 6300.0, np.array([24.0, 72.0]), 2.0, catalog=catalog)
    t_eff = 48.0 * np.log(2) / np.log(rates[0] / rates[1])
    assert t_eff == pytest.approx(40.5, rel=0.10)


def test_sampled_patients_spread_like_the_cohort(catalog, lu_psma):
    """The sampled cohort's median at 48 h lies within the measured mean ± SD, and its spread is real."""
    rng = np.random.default_rng(np.random.SeedSequence(2018))
    half_life_h = catalog.nuclide("Lu-177").half_life_h
    kinetics = Kinetics.sample(lu_psma.retention, half_life_h, 2000, rng)
    rates = patient_dose_rate_usv_h(lu_psma, 6300.0, 48.0, 2.0, kinetics=kinetics, catalog=catalog)
    mean, sd = KURTH_2018[48.0]
    assert mean - sd <= np.median(rates) <= mean + sd
    assert np.percentile(rates, 90) > 1.2 * np.percentile(rates, 10)
