"""PERCIST 1.0 secondary analysis: sum of SULpeak of up to 5 hottest lesions, ≤2 per organ.

Reference: Wahl RL et al., J Nucl Med 2009;50 Suppl 1:122S-150S (PERCIST 1.0: the primary
measure is the single hottest lesion; the sum of up to five lesions, no more than two per
organ, is reported as a secondary analysis); O JH, Lodge MA, Wahl RL, Radiology
2016;280:576-84 (Practical PERCIST). Worked by hand below; tolerance 1e-9.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rltcare.response import percist

B = dt.date(2024, 1, 1)
LIVER = {"liver_sul_mean": 2.0, "liver_sul_sd": 0.25}  # measurability threshold 3.5


def scan(day, lesions, **kw):
    return percist.PetScan(date=B + dt.timedelta(days=day), lesions=lesions, **(LIVER | kw))


def run(*scans):
    return percist.evaluate(percist.PetSeries(patient_id="p", scans=list(scans)))


def test_five_hottest_at_most_two_per_organ_and_only_measurable_at_baseline():
    # liver 9, 8, 7.5 (third liver lesion dropped), bone 6, 5, node 4, lung 3 (< 3.5: not
    # measurable). Chosen: 9 + 8 + 6 + 5 + 4 = 32.
    base = scan(0, "L1@liver=9;L2@liver=8;L3@liver=7.5;B1@bone=6;B2@bone=5;N1@node=4;U1@lung=3")
    # follow-up: the hottest again, not necessarily the same: 6 + 5 (liver), 4 (bone),
    # 2 + 1 (node) = 18; new ranking, lung 0.5 is sixth.
    follow = scan(84, "L1@liver=6;L3@liver=5;B1@bone=4;N1@node=2;N2@node=1;U1@lung=0.5")
    r = run(base, follow)
    assert r.metrics["baseline_sum_sul_peak"] == pytest.approx(32.0)
    assert r.metrics["baseline_sum_lesions"] == ["L1", "L2", "B1", "B2", "N1"]
    t = r.timepoints[0].numbers
    assert t["sum_sul_peak"] == pytest.approx(18.0)
    assert t["sum_lesions"] == ["L1", "L3", "B1", "N1", "N2"]
    assert t["sum_change_pct"] == pytest.approx(100 * (18 - 32) / 32)  # -43.75%
    assert t["sum_change_sul"] == pytest.approx(-14.0)
    # the primary stays the single hottest lesion: 9 → 6 is -33.3% and -3 SUL: PMR
    assert r.timepoints[0].category == "PMR"
    assert t["sul_peak"] == 6.0 and t["baseline_sul_peak"] == 9.0


def test_sum_reported_beside_a_primary_that_disagrees():
    # hottest 10 → 7.5 (-25%: SMD) while the sum 10 + 6 → 7.5 + 1 falls 46.9%
    r = run(scan(0, "A@liver=10;B@bone=6"), scan(56, "A@liver=7.5;B@bone=1"))
    assert r.category == "SMD"
    assert r.timepoints[0].numbers["sum_change_pct"] == pytest.approx(100 * (8.5 - 16) / 16)


def test_nothing_seen_at_follow_up_sums_to_zero():
    r = run(scan(0, "A@liver=6;B@bone=4"), scan(56, []))
    assert r.timepoints[0].numbers["sum_sul_peak"] == 0.0
    assert r.timepoints[0].numbers["sum_change_pct"] == pytest.approx(-100.0)
    assert r.timepoints[0].category == "CMR"


def test_without_lesion_lists_the_secondary_is_absent_not_guessed():
    r = run(scan(0, [], sul_peak=6.0), scan(56, [], sul_peak=3.0))
    assert r.metrics["baseline_sum_sul_peak"] is None
    assert r.timepoints[0].numbers["sum_sul_peak"] is None
    assert "sum_change_pct" not in r.timepoints[0].numbers


def test_lesions_give_the_hottest_and_must_agree_with_it():
    s = scan(0, "A@liver=6;B@bone=4")
    assert (s.sul_peak, s.hottest_lesion) == (6.0, "A")
    with pytest.raises(ValueError, match="exceeds the scan's hottest SULpeak"):
        scan(0, "A@liver=6", sul_peak=5.0)
    with pytest.raises(ValueError, match="not label@organ=SULpeak"):
        scan(0, "A=6")
