"""Cohen's kappa and percent agreement against hand-computed examples.

Reference 1: the 2×2 example of 50 paired yes/no ratings (20 yes/yes, 5 yes/no, 10 no/yes,
15 no/no): p_o = 0.70, p_e = 0.5·0.6 + 0.5·0.4 = 0.50, kappa = 0.40 (Cohen 1960 formula,
worked by hand); SE under H0 (Fleiss, Cohen & Everitt 1969):
sqrt(0.5 + 0.25 - 0.51) / (0.5·sqrt(50)) = 0.138564. Tolerance 1e-6.
Reference 2: a 3×3 hand example (below). Tolerance 1e-9.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rltcare.errors import InputError
from rltcare.response import pcwg3, recip
from rltcare.response.discordance import agreement, category_at, cohen_kappa, landmark_table


def test_two_by_two_hand_example():
    a = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    kappa, se, pa = cohen_kappa(a, b)
    assert pa == pytest.approx(70.0)
    assert kappa == pytest.approx(0.4, abs=1e-6)
    assert se == pytest.approx(0.138564, abs=1e-6)


def test_three_by_three_hand_example():
    # 10 pairs: PR/PR ×3, SD/SD ×2, PD/PD ×1, PR/SD ×2, SD/PD ×1, PD/PR ×1
    pairs = [("PR", "PR")] * 3 + [("SD", "SD")] * 2 + [("PD", "PD")] + [("PR", "SD")] * 2
    pairs += [("SD", "PD"), ("PD", "PR")]
    a, b = zip(*pairs, strict=True)
    # rows A: PR .5, SD .3, PD .2; cols B: PR .4, SD .4, PD .2
    pe = 0.5 * 0.4 + 0.3 * 0.4 + 0.2 * 0.2  # 0.36
    expected = (0.6 - pe) / (1 - pe)  # 0.375
    kappa, _, pa = cohen_kappa(a, b)
    assert pa == pytest.approx(60.0)
    assert kappa == pytest.approx(expected, abs=1e-9)
    assert kappa == pytest.approx(0.375, abs=1e-9)


def test_perfect_and_degenerate_agreement():
    assert cohen_kappa(["PR", "SD", "PD"], ["PR", "SD", "PD"])[0] == pytest.approx(1.0)
    kappa, se, pa = cohen_kappa(["SD"] * 4, ["SD"] * 4)
    assert kappa is None
    assert se is None
    assert pa == 100.0
    assert cohen_kappa(["PR", "SD"], ["SD", "PR"])[0] == pytest.approx(-1.0)


def test_cohort_landmark_table_and_agreement():
    d0 = dt.date(2024, 1, 1)
    d12 = d0 + dt.timedelta(weeks=12)
    d15 = d0 + dt.timedelta(weeks=15)
    responses = []
    cases = {  # patient: (psa at 12/15 weeks of baseline 100, RECIP volume at 12 weeks, new)
        "a": ((30, 28), 60.0, False),  # PR / PR
        "b": ((90, 85), 130.0, True),  # SD / PD
        "c": ((140, 150), 140.0, True),  # PD / PD
        "d": ((95, 96), 95.0, False),  # SD / SD
    }
    for pid, ((p12, p15), vol, new) in cases.items():
        values = [pcwg3.PsaValue(date=d, value=v) for d, v in ((d0, 100), (d12, p12), (d15, p15))]
        responses.append(
            pcwg3.evaluate(pcwg3.PsaSeries(patient_id=pid, start_date=d0, values=values))
        )
        scans = [
            recip.PsmaScan(date=d0, tumour_volume_ml=100.0),
            recip.PsmaScan(date=d12, tumour_volume_ml=vol, new_lesions=new),
        ]
        responses.append(recip.evaluate(recip.PsmaSeries(patient_id=pid, scans=scans)))
    table = landmark_table(responses, landmark_days=84)
    assert table.loc["b"].to_dict() == {"PCWG3": "SD", "RECIP": "PD"}
    result = agreement(table, landmark_days=84)
    (pair,) = result.pairs
    assert pair.n == 4
    assert pair.percent_agreement == pytest.approx(75.0)
    assert result.counts["RECIP"]["PD"] == 2
    # kappa by hand: rows PCWG3 PR .25 SD .5 PD .25; cols RECIP PR .25 SD .25 PD .5
    pe = 0.25 * 0.25 + 0.5 * 0.25 + 0.25 * 0.5
    assert pair.kappa == pytest.approx((0.75 - pe) / (1 - pe))


def test_category_at_carries_progression_and_needs_a_nearby_timepoint():
    d0 = dt.date(2024, 1, 1)
    values = [
        pcwg3.PsaValue(date=d0 + dt.timedelta(days=d), value=v) for d, v in ((0, 10), (200, 4))
    ]
    r = pcwg3.evaluate(pcwg3.PsaSeries(start_date=d0, values=values))
    assert category_at(r, 84) == "NE"
    assert category_at(r, 200) == "PR"


def test_agreement_excludes_ne_by_default():
    table = pd.DataFrame({"X": ["PR", "NE", "SD"], "Y": ["PR", "PD", "SD"]})
    assert agreement(table).pairs[0].n == 2
    assert agreement(table, exclude_ne=False).pairs[0].n == 3


def test_a_patient_twice_under_one_criterion_is_rejected():
    d0 = dt.date(2024, 1, 1)
    scans = [
        recip.PsmaScan(date=d0, tumour_volume_ml=10.0),
        recip.PsmaScan(date=d0 + dt.timedelta(days=84), tumour_volume_ml=5.0),
    ]
    r = recip.evaluate(recip.PsmaSeries(patient_id="A", scans=scans))
    with pytest.raises(InputError, match="assessed twice"):
        landmark_table([r, r])
