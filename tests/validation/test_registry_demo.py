"""The synthetic demo cohort reproduces the published trial outcomes it is built from.

References (tolerances allow for sampling and the between-centre effect):
- VISION, Sartor et al., N Engl J Med 2021;385:1091-1103: Lu-177-PSMA-617 median overall
  survival 15.3 months (+-12 %), PSA decline >= 50 % in 46 % of patients (+-5 points).
- NETTER-1 final analysis, Strosberg et al., Lancet Oncol 2021;22:1752-1763: Lu-177-DOTATATE
  median overall survival 48.0 months (+-15 %).
"""

from __future__ import annotations

import pandas as pd
import pytest
from lifelines import KaplanMeierFitter

from rltcare.registry.demo import generate

MONTH = 30.4375


@pytest.fixture(scope="module")
def cohort():
    return generate(patients=2000, centres=5, seed=7)


@pytest.mark.parametrize(
    ("product", "median", "tolerance"),
    [("lu177-psma-617", 15.3, 0.12), ("lu177-dotatate", 48.0, 0.15)],
)
def test_median_overall_survival(cohort, product, median, tolerance):
    course = cohort["treatment_course"].set_index("pseudonym")
    vital = cohort["vital_status"].set_index("pseudonym")
    ids = course.index[course["radiopharmaceutical"] == product]
    months = (
        pd.to_datetime(vital.loc[ids, "last_contact_on"])
        - pd.to_datetime(course.loc[ids, "started_on"])
    ).dt.days / MONTH
    fitted = KaplanMeierFitter().fit(months, vital.loc[ids, "status"] == "dead")
    assert fitted.median_survival_time_ == pytest.approx(median, rel=tolerance)


def test_psa50_response_rate(cohort):
    psa = (
        cohort["lab_result"]
        .query("analyte == 'psa'")
        .assign(
            value=lambda f: f["value"].astype(float), day=lambda f: pd.to_datetime(f["sampled_on"])
        )
    )
    series = psa.sort_values(["pseudonym", "day"]).groupby("pseudonym")["value"]
    psa50 = (series.min() / series.first() <= 0.5).mean()
    assert psa50 == pytest.approx(0.46, abs=0.05)


def test_psa_is_bounded_around_the_vision_baseline_median(cohort):
    """VISION Lu-PSMA arm baseline PSA median 77.5 ng/mL (Curr Oncol 2024;31:1400, Table 1)."""
    psa = (
        cohort["lab_result"]
        .query("analyte == 'psa'")
        .assign(
            value=lambda f: f["value"].astype(float), day=lambda f: pd.to_datetime(f["sampled_on"])
        )
    )
    first = psa.sort_values("day").groupby("pseudonym")["value"].first()
    assert first.median() == pytest.approx(77.5, rel=0.15)
    assert first.max() <= 5000 * 1.2  # the bound, with measurement noise
    assert psa["value"].max() < 5000 * 8  # 24 weeks of doubling every 3 months at most


def test_recist_inputs_are_measurable_and_labs_and_pet_carry_their_references(cohort):
    img = cohort["imaging_assessment"]
    ct = img[img["modality"] == "ct"]
    nodes = ct[(ct["site"] == "lymph-node") & (ct["target"] == "yes")]
    assert (nodes["short_axis_mm"] != "").all()
    assert (ct[ct["site"] == "bone"]["target"] == "no").all()
    fdg = img[img["modality"] == "fdg-pet"]
    assert len(fdg) and (fdg["liver_sul_mean"] != "").all() and (fdg["liver_sul_sd"] != "").all()
    labs = cohort["lab_result"].query("analyte in ['hb', 'plt', 'anc', 'wbc', 'creatinine']")
    assert (labs["ref_low"] != "").all() and (labs["ref_high"] != "").all()
