"""PCWG3 PSA rules, worked examples at every boundary.

Reference: Scher HI et al., J Clin Oncol 2016;34:1402-18, Table 2 (PSA): PSA50/PSA90 as
declines from baseline confirmed by a second value ≥3 weeks later; progression as a rise
≥25% and ≥2 ng/mL above the nadir, confirmed ≥3 weeks later, dated at the first qualifying
value; with no decline, ≥25% and ≥2 ng/mL above baseline after 12 weeks; early rises
(<12 weeks) ignored. Tolerance: exact (threshold values sit exactly on the boundary).
"""

from __future__ import annotations

import datetime as dt

import pytest

from rltcare.response import bone, pcwg3

START = dt.date(2024, 1, 1)


def series(points, unit="ng/mL", **kwargs):
    """``points``: (day, value) pairs; day 0 is the baseline on the start date."""
    values = [
        pcwg3.PsaValue(date=START + dt.timedelta(days=d), value=v, unit=unit) for d, v in points
    ]
    return pcwg3.PsaSeries(patient_id="p", start_date=START, values=values, **kwargs)


@pytest.mark.parametrize(("value", "expected"), [(50.0, True), (50.01, False), (49.99, True)])
def test_psa50_exactly_fifty_percent_qualifies(value, expected):
    r = pcwg3.evaluate(series([(0, 100), (42, value), (63, value)]))
    assert r.metrics["psa50"] is expected
    assert r.metrics["psa50_confirmed"] is expected


@pytest.mark.parametrize(("gap", "confirmed"), [(21, True), (20, False)])
def test_confirmation_needs_a_value_three_weeks_later(gap, confirmed):
    r = pcwg3.evaluate(series([(0, 100), (42, 40), (42 + gap, 45)]))
    assert r.metrics["psa50"] is True
    assert r.metrics["psa50_confirmed"] is confirmed
    assert r.category == ("PR" if confirmed else "SD")


def test_psa90_implies_psa50_and_uses_first_value_three_weeks_later():
    r = pcwg3.evaluate(series([(0, 100), (42, 9), (63, 10), (84, 8)]))
    assert r.metrics["psa90"]
    assert r.metrics["psa50_confirmed"]
    # 9 on day 42 is confirmed by day 63 (10 = -90%, exactly), so PSA90 confirmed on day 42
    assert r.metrics["psa90_confirmed"] is True
    assert r.metrics["psa90_date"] == "2024-02-12"


@pytest.mark.parametrize(
    ("nadir", "value", "progression"),
    [
        (8.0, 10.0, True),  # exactly +25% and exactly +2 ng/mL
        (10.0, 12.5, True),  # +25%, +2.5
        (10.0, 12.4, False),  # +24%
        (4.0, 5.9, False),  # +47.5% but only +1.9 ng/mL
        (4.0, 6.0, True),  # +50%, +2.0
    ],
)
def test_progression_needs_25_percent_and_2_ng_ml_above_nadir(nadir, value, progression):
    r = pcwg3.evaluate(series([(0, 100), (42, nadir), (84, value), (105, value)]))
    assert r.metrics["progression"] is progression
    if progression:
        assert r.metrics["progression_reference"] == "nadir"


def test_progression_is_against_nadir_not_baseline():
    # -70% from baseline yet +50% and +10 above the nadir of 20: progression
    r = pcwg3.evaluate(series([(0, 100), (42, 20), (84, 30), (105, 31)]))
    assert r.metrics["progression"] is True
    assert r.metrics["change_12w_pct"] == pytest.approx(-70.0)


def test_progression_dated_at_first_qualifying_value_not_confirmation():
    r = pcwg3.evaluate(series([(0, 50), (42, 10), (91, 14), (112, 16)]))
    assert r.metrics["progression_date"] == str(START + dt.timedelta(days=91))
    assert r.metrics["progression_confirmed_date"] == str(START + dt.timedelta(days=112))
    assert r.metrics["psa_pfs_days"] == 91
    assert r.metrics["psa_pfs_event"] is True


def test_no_decline_progression_above_baseline_only_after_12_weeks():
    # rises at weeks 4 and 8 ignored (flare); first qualifying value from week 12 counts
    r = pcwg3.evaluate(series([(0, 10), (28, 13), (56, 14), (84, 13), (105, 15)]))
    assert r.metrics["progression"] is True
    assert r.metrics["progression_reference"] == "baseline"
    assert r.metrics["progression_days"] == 84
    assert any(rule.rule == "flare-ignored" for rule in r.rules)


def test_flare_within_12_weeks_then_decline_is_not_progression():
    r = pcwg3.evaluate(series([(0, 10), (28, 16), (56, 8), (84, 5), (105, 4)]))
    assert r.metrics["progression"] is False
    assert r.metrics["psa50_confirmed"] is True
    assert next(x for x in r.rules if x.rule == "flare-ignored").numbers["dates"] == ["2024-01-29"]


def test_missing_confirmation_is_not_progression():
    r = pcwg3.evaluate(series([(0, 100), (42, 10), (98, 20)]))
    assert r.metrics["progression"] is False
    assert any(x.rule == "progression-unconfirmed" for x in r.rules)
    assert r.metrics["psa_pfs_event"] is False
    assert r.metrics["psa_pfs_days"] == 98


def test_unconfirmed_rise_that_falls_back_keeps_scanning():
    r = pcwg3.evaluate(series([(0, 100), (42, 10), (91, 14), (112, 11), (140, 16), (161, 17)]))
    assert any(x.rule == "progression-not-confirmed" for x in r.rules)
    assert r.metrics["progression_date"] == str(START + dt.timedelta(days=140))


def test_change_at_12_weeks_uses_nearest_value_in_window():
    r = pcwg3.evaluate(series([(0, 100), (70, 60), (90, 40)]))
    assert r.metrics["change_12w_pct"] == pytest.approx(-60.0)
    r = pcwg3.evaluate(series([(0, 100), (42, 60), (140, 40)]))
    assert r.metrics["change_12w_pct"] is None
    assert r.metrics["max_decline_pct"] == pytest.approx(-60.0)


def test_below_detection_counts_at_the_limit():
    values = [
        pcwg3.PsaValue(date=START, value=20.0),
        pcwg3.PsaValue(
            date=START + dt.timedelta(days=42), below_detection=True, detection_limit=0.1
        ),
        pcwg3.PsaValue(date=START + dt.timedelta(days=84), value=0.1, below_detection=True),
    ]
    r = pcwg3.evaluate(pcwg3.PsaSeries(start_date=START, values=values))
    assert r.metrics["psa90_confirmed"] is True
    assert r.metrics["max_decline_pct"] == pytest.approx(-99.5)
    assert any(x.rule == "below-detection" for x in r.rules)


@pytest.mark.parametrize(
    ("unit", "factor"), [("µg/L", 1), ("ug/l", 1), ("ng/L", 1000), ("pg/mL", 1000)]
)
def test_unit_variants_give_the_same_answer(unit, factor):
    points = [(0, 100), (42, 10), (91, 14), (112, 16)]
    ref = pcwg3.evaluate(series(points))
    alt = pcwg3.evaluate(series([(d, v * factor) for d, v in points], unit=unit))
    assert alt.metrics == ref.metrics
    assert alt.category == ref.category


@pytest.mark.parametrize(
    ("points", "start_shift", "unit", "reason"),
    [
        ([(0, 10)], 0, "ng/mL", "only one PSA value"),
        ([(5, 10), (40, 12)], 0, "ng/mL", "no PSA value on or before treatment start"),
        ([(0, 10), (40, 12)], 0, "mmol/L", "unknown PSA unit"),
        ([(0, 0), (40, 12)], 0, "ng/mL", "baseline PSA is zero"),
    ],
)
def test_bad_series_is_not_evaluable_with_a_reason(points, start_shift, unit, reason):
    r = pcwg3.evaluate(series(points, unit=unit))
    assert r.category == "NE"
    assert not r.evaluable
    assert reason in r.reason
    assert r.criterion == "PCWG3"
    assert r.version


def test_two_values_on_one_day_are_not_evaluable():
    r = pcwg3.evaluate(series([(0, 10), (40, 12), (40, 13)]))
    assert r.category == "NE"
    assert "two PSA values" in r.reason


class TestBone2plus2:
    """PCWG3 Table 2 (bone): 2 new lesions on the first post-treatment scan need 2 more on
    the confirmatory scan ≥6 weeks later (progression dated at the first scan); later,
    2 new lesions relative to the first post-treatment scan, confirmed on a later scan."""

    def scans(self, pairs):
        return [bone.BoneScan(date=START + dt.timedelta(weeks=w), new_lesions=n) for w, n in pairs]

    def test_two_plus_two_dated_at_first_scan(self):
        rule = bone.bone_progression(START, self.scans([(8, 2), (14, 4)]))
        assert rule.rule == "bone-progression"
        assert rule.date == START + dt.timedelta(weeks=8)

    def test_two_then_only_one_more_is_not_progression(self):
        rule = bone.bone_progression(START, self.scans([(8, 2), (14, 3)]))
        assert rule.rule == "bone-no-progression"

    def test_confirmation_scan_must_be_six_weeks_later(self):
        rule = bone.bone_progression(START, self.scans([(8, 2), (13, 5)]))
        assert rule.rule == "bone-unconfirmed"

    def test_later_scans_compare_with_first_post_treatment_scan(self):
        rule = bone.bone_progression(START, self.scans([(8, 1), (16, 3), (24, 3)]))
        assert rule.rule == "bone-progression"
        assert rule.date == START + dt.timedelta(weeks=16)
        rule = bone.bone_progression(START, self.scans([(8, 1), (16, 2), (24, 2)]))
        assert rule.rule == "bone-no-progression"
