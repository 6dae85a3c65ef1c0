"""CTCAE lab grading: boundaries of every rule shape, units, versions, bad input.

Reference: CTCAE v5.0 (NCI, 27 Nov 2017): Platelet count decreased (<LLN-75, <75-50,
<50-25, <25 ×10⁹/L), Anemia (<LLN-10, <10-8, <8 g/dL), ALT increased (>ULN-3, >3-5,
>5-20, >20 ×ULN; baseline abnormal: 1.5-3, >3-5, >5-20, >20 ×baseline), Creatinine
increased (>ULN-1.5 ×ULN; >1.5-3 ×baseline or ×ULN; >3 ×baseline or 3-6 ×ULN; >6 ×ULN).
"""

from __future__ import annotations

import pandas as pd
import pytest

from rltcare.errors import InputError, UnknownNameError
from rltcare.outcomes.ctcae import grade, grade_frame, versions


@pytest.mark.parametrize(
    ("value", "expected"),
    [(150.0, 0), (149.9, 1), (75.0, 1), (74.9, 2), (50.0, 2), (49.9, 3), (25.0, 3), (24.9, 4)],
)
def test_platelets_boundaries(value, expected):
    assert grade("platelet_count_decreased", value, lln=150.0).grade == expected


@pytest.mark.parametrize(("value", "expected"), [(10.0, 1), (9.9, 2), (8.0, 2), (7.9, 3), (4.0, 3)])
def test_anemia_has_no_lab_grade_4(value, expected):
    assert grade("anemia", value, lln=13.5).grade == expected


def test_units_convert_to_the_term_unit():
    assert grade("anemia", 79, unit="g/L", lln=13.5).grade == 3
    assert grade("platelet_count_decreased", 49000, unit="/mm3", lln=150000).grade == 3
    with pytest.raises(InputError, match="unit 'mg' not known"):
        grade("anemia", 79, unit="mg", lln=13.5)


@pytest.mark.parametrize(
    ("value", "baseline", "expected"),
    [
        (120.0, None, 1),
        (121.0, None, 2),
        (200.0, None, 2),
        (201.0, None, 3),
        (801.0, None, 4),
        (119.0, 80.0, 0),
        (120.0, 80.0, 1),  # exactly 1.5 × abnormal baseline: grade 1 (inclusive)
        (121.0, 80.0, 1),
        (241.0, 80.0, 2),
        (401.0, 80.0, 3),
    ],
)
def test_alt_uln_and_abnormal_baseline(value, baseline, expected):
    assert grade("alt_increased", value, uln=40.0, baseline=baseline).grade == expected


def test_creatinine_takes_the_higher_of_uln_and_baseline_grades():
    assert grade("creatinine_increased", 1.2, uln=1.1, baseline=0.5).grade == 2  # 2.4× baseline
    assert grade("creatinine_increased", 1.2, uln=1.1, baseline=0.3).grade == 3  # 4× baseline
    assert grade("creatinine_increased", 7.0, uln=1.1).grade == 4
    assert grade("creatinine_increased", 1.0, uln=1.1).grade == 0


def test_missing_reference_limit_gives_no_grade_not_a_guess():
    assert grade("neutrophil_count_decreased", 1.8).grade is None  # grade 0 or 1 needs LLN
    assert grade("neutrophil_count_decreased", 0.4).grade == 4  # below every fixed bound
    assert grade("alt_increased", 100.0).grade is None


def test_version_is_stored_and_unverified_v6_terms_are_flagged():
    assert versions()["5.0"].verified
    assert versions()["6.0"].unverified == ["egfr_decreased", "lymphocyte_count_decreased"]
    r6 = grade("anemia", 7.0, lln=13.5, ctcae_version="6.0")
    assert (r6.ctcae_version, r6.verified, r6.warning) == ("6.0", True, None)
    assert "admiral" in r6.source
    lymph = grade("lymphocyte_count_decreased", 0.3, lln=1.0, ctcae_version="6.0")
    assert lymph.verified is False
    assert "lymphocyte_count_decreased NOT verified" in lymph.warning
    with pytest.raises(UnknownNameError):
        grade("anemia", 7.0, ctcae_version="4.03")


# CTCAE v6.0 (NCI, 22 Jul 2025), criteria text as transcribed in pharmaverse/admiral
# data-raw/adlb_grading/ncictcaev6.json: what changed from v5.0.
V6 = {"ctcae_version": "6.0"}


@pytest.mark.parametrize(
    ("value", "v5", "v6"), [(50.0, 2, 2), (49.9, 3, 3), (25.0, 3, 3), (24.9, 4, 3), (9.9, 4, 4)]
)
def test_v6_thrombocytopenia_grade_4_below_10(value, v5, v6):
    assert grade("platelet_count_decreased", value, lln=150.0).grade == v5
    assert grade("platelet_count_decreased", value, lln=150.0, **V6).grade == v6


@pytest.mark.parametrize(
    ("value", "v6"),
    [(1.8, 0), (1.5, 0), (1.49, 1), (1.0, 1), (0.99, 2), (0.5, 2), (0.49, 3), (0.1, 3), (0.09, 4)],
)
def test_v6_neutrophils_absolute_bounds_without_lln(value, v6):
    assert grade("neutrophil_count_decreased", value, **V6).grade == v6  # no LLN needed


def test_v6_transaminases_with_abnormal_baseline():
    # baseline 80 > ULN 40: v6.0 1.0-1.5, >1.5-2.0, >2.0-4.0, >4.0 × baseline
    cases = [(79.0, 0), (80.0, 1), (120.0, 1), (121.0, 2), (161.0, 3), (320.0, 3), (321.0, 4)]
    for value, expected in cases:
        assert grade("ast_increased", value, uln=40.0, baseline=80.0, **V6).grade == expected
    assert (
        grade("alt_increased", 121.0, uln=40.0, baseline=80.0).grade == 1
    )  # v5.0: 1.5-3.0 × baseline


def test_v6_alp_is_grade_1_only_above_baseline_and_uln():
    assert grade("alp_increased", 500.0, uln=120.0, baseline=400.0, **V6).grade == 1
    assert grade("alp_increased", 300.0, uln=120.0, baseline=400.0, **V6).grade == 0
    assert grade("alp_increased", 100.0, uln=120.0, baseline=50.0, **V6).grade == 0
    assert grade("alp_increased", 5000.0, uln=120.0, baseline=50.0, **V6).grade == 1
    assert grade("alp_increased", 500.0, uln=120.0, **V6).grade is None  # needs the baseline
    assert grade("alp_increased", 5000.0, uln=120.0, baseline=50.0).grade == 4  # v5.0


def test_v6_creatinine_baseline_multiples_only_when_baseline_below_lln():
    # v5.0: baseline multiples always; v6.0: only for a baseline below the LLN
    assert grade("creatinine_increased", 1.2, uln=1.1, baseline=0.5).grade == 2
    assert grade("creatinine_increased", 1.2, uln=1.1, lln=0.7, baseline=0.5, **V6).grade == 2
    assert grade("creatinine_increased", 1.2, uln=1.1, lln=0.7, baseline=0.3, **V6).grade == 3
    assert grade("creatinine_increased", 1.2, uln=1.1, lln=0.7, baseline=0.9, **V6).grade == 1
    assert grade("creatinine_increased", 1.2, uln=1.1, baseline=0.5, **V6).grade == 1  # no LLN
    assert grade("creatinine_increased", 7.0, uln=1.1, lln=0.7, baseline=0.5, **V6).grade == 4


def test_v6_bilirubin_and_ggt_baseline_multiples():
    assert grade("bilirubin_increased", 2.6, uln=1.2, baseline=1.0 * 1.3, **V6).grade == 2
    assert grade("bilirubin_increased", 3.3, uln=1.2, baseline=1.3, **V6).grade == 3  # >2.5×
    assert grade("ggt_increased", 4.0 * 60, uln=50.0, baseline=60.0, **V6).grade == 3  # >3×
    assert grade("ggt_increased", 11 * 60, uln=50.0, baseline=60.0, **V6).grade == 4  # >10×


def test_grade_frame_rows_carry_verified_and_warning():
    labs = pd.DataFrame(
        {
            "patient_id": ["a", "a"],
            "date": ["2024-01-01", "2024-01-01"],
            "term": ["anemia", "egfr_decreased"],
            "value": [7.0, 20.0],
            "lln": [13.0, 90.0],
        }
    )
    out = grade_frame(labs, ctcae_version="6.0")
    assert out["verified"].tolist() == [True, False]
    assert out["warning"].iloc[0] == ""
    assert "egfr_decreased NOT verified" in out["warning"].iloc[1]


def test_grade_frame_vectorised_and_rejects_unknown_terms():
    labs = pd.DataFrame(
        {
            "patient_id": ["a", "a", "b"],
            "date": ["2024-01-01", "2024-02-01", "2024-02-01"],
            "term": ["platelet_count_decreased", "alt_increased", "anemia"],
            "value": [40.0, 300.0, 7.5],
            "lln": [150.0, None, 13.0],
            "uln": [None, 40.0, None],
        }
    )
    out = grade_frame(labs)
    assert out["grade"].tolist() == [3, 3, 3]
    assert (out["ctcae_version"] == "5.0").all()
    with pytest.raises(UnknownNameError, match="did you mean"):
        grade_frame(labs.assign(term=["platelet_count_decrease", "alt_increased", "anemia"]))
    with pytest.raises(InputError, match="lacks column"):
        grade_frame(labs.drop(columns="value"))
