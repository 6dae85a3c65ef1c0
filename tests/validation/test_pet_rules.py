"""PERCIST 1.0, EORTC 1999 and RECIP 1.0 rules, worked examples at every boundary.

References: Wahl RL et al., J Nucl Med 2009;50 Suppl 1:122S-150S (PERCIST 1.0: PMR ≥30% and
≥0.8 SUL down; PMD >30% and >0.8 SUL up, TLG >75%, new lesions; measurability 1.5 × liver
mean + 2 SD; liver within 20% / 0.3 SUL; uptake 50-70 min, ±15 min). Young H et al., Eur J
Cancer 1999;35:1773-82 (EORTC: PMR 15-25% after one cycle, >25% after more; PMD >25%).
Gafita A et al., J Nucl Med 2022;63:1651-8 (RECIP 1.0: PR ≥30% down without new lesions;
PD ≥20% up *and* new lesions). Tolerance: exact.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rltcare.response import eortc, percist, recip

B = dt.date(2024, 1, 1)
LIVER = {"liver_sul_mean": 2.0, "liver_sul_sd": 0.25, "uptake_time_min": 60.0}  # threshold 3.5


def pet(peak, d=0, **kw):
    return percist.PetScan(date=B + dt.timedelta(days=d), sul_peak=peak, **(LIVER | kw))


def percist_run(*scans, **options):
    return percist.evaluate(percist.PetSeries(patient_id="p", scans=list(scans)), **options)


class TestPercist:
    @pytest.mark.parametrize(
        ("base", "now", "cat"),
        [
            (4.0, 2.8, "PMR"),  # -30% exactly, -1.2 SUL
            (4.0, 2.81, "SMD"),
            (4.0, 5.2, "SMD"),  # +30% exactly is not >30%
            (4.0, 5.21, "PMD"),
            (3.5, 4.4, "SMD"),  # +25.7%, +0.9
            (2.5, 3.3, "SMD"),  # +32% but +0.8 is not >0.8
        ],
    )
    def test_sul_peak_thresholds(self, base, now, cat):
        kw = {"liver_sul_mean": 1.0, "liver_sul_sd": 0.1} if base < 3.5 else {}
        r = percist_run(pet(base, **kw), pet(now, 56, **kw))
        assert r.timepoints[0].category == cat

    def test_absolute_0_8_sul_needed_for_pmr(self):
        low = {"liver_sul_mean": 1.0, "liver_sul_sd": 0.1}  # threshold 1.7
        r = percist_run(pet(2.0, **low), pet(1.4, 56, **low))  # -30% but only -0.6 SUL
        assert r.timepoints[0].category == "SMD"

    def test_hottest_lesion_need_not_be_the_same(self):
        r = percist_run(pet(6.0, hottest_lesion="L1"), pet(4.0, 56, hottest_lesion="L7"))
        assert r.timepoints[0].category == "PMR"
        assert r.timepoints[0].numbers["hottest_lesion"] == "L7"

    def test_tlg_new_lesions_and_visible_progression(self):
        assert percist_run(pet(6.0, tlg=100.0), pet(6.0, 56, tlg=176.0)).category == "PMD"
        assert percist_run(pet(6.0, tlg=100.0), pet(6.0, 56, tlg=175.0)).category == "SMD"
        assert percist_run(pet(6.0), pet(3.0, 56, new_lesions=True)).category == "PMD"
        assert percist_run(pet(6.0), pet(6.0, 56, unequivocal_progression=True)).category == "PMD"

    def test_complete_metabolic_response(self):
        assert percist_run(pet(6.0), pet(None, 56)).category == "CMR"
        assert percist_run(pet(6.0), pet(1.9, 56)).category == "CMR"  # below liver mean 2.0
        assert percist_run(pet(6.0), pet(1.9, 56, new_lesions=True)).category == "PMD"

    def test_measurability_gate(self):
        r = percist_run(pet(3.4), pet(2.0, 56))
        assert r.category == "NE"
        assert "not measurable" in r.reason
        assert "3.5" in r.reason
        blood = {
            "liver_sul_mean": None,
            "liver_sul_sd": None,
            "blood_pool_sul_mean": 1.5,
            "blood_pool_sul_sd": 0.2,
        }
        assert percist_run(pet(3.4, **blood), pet(2.0, 56, **blood)).metrics[
            "measurability_threshold"
        ] == pytest.approx(3.4)

    def test_liver_and_uptake_quality_gates(self):
        r = percist_run(pet(6.0), pet(3.0, 56, liver_sul_mean=2.35))  # +0.35 SUL > 0.3
        assert r.timepoints[0].category == "NE"
        assert "liver SULmean" in next(x for x in r.rules if x.rule == "quality-gate-failed").text
        assert percist_run(pet(6.0), pet(3.0, 56, liver_sul_mean=2.3)).category == "PMR"
        r = percist_run(pet(6.0), pet(3.0, 56, uptake_time_min=76.0))
        assert r.category == "NE"
        r = percist_run(pet(6.0), pet(3.0, 56, uptake_time_min=76.0), enforce_quality=False)
        assert r.category == "PMR"


def eortc_run(base_suv, suv, cycles, **kw):
    scans = [
        eortc.EortcScan(date=B, suv=base_suv),
        eortc.EortcScan(date=B + dt.timedelta(days=42), suv=suv, cycles_given=cycles, **kw),
    ]
    return eortc.evaluate(eortc.EortcSeries(patient_id="p", scans=scans))


class TestEortc:
    @pytest.mark.parametrize(
        ("suv", "cycles", "cat"),
        [
            (8.5, 1, "PMR"),  # -15% after one cycle
            (8.51, 1, "SMD"),
            (7.5, 2, "SMD"),  # -25% after two cycles: needs >25%
            (7.4, 2, "PMR"),
            (12.5, 3, "SMD"),  # +25% is not >25%
            (12.51, 3, "PMD"),
        ],
    )
    def test_thresholds_depend_on_cycles(self, suv, cycles, cat):
        assert eortc_run(10.0, suv, cycles).category == cat

    def test_one_cycle_threshold_is_configurable_within_15_to_25(self):
        scans = [
            eortc.EortcScan(date=B, suv=10.0),
            eortc.EortcScan(date=B + dt.timedelta(days=21), suv=8.0, cycles_given=1),
        ]
        s = eortc.EortcSeries(scans=scans)
        assert eortc.evaluate(s).category == "PMR"
        assert eortc.evaluate(s, one_cycle_pmr_pct=25.0).category == "SMD"
        assert eortc.evaluate(s, one_cycle_pmr_pct=30.0).category == "NE"

    def test_progression_by_extent_new_lesion_and_cmr(self):
        assert eortc_run(10.0, 9.0, 2, new_lesions=True).category == "PMD"
        assert eortc_run(10.0, 9.0, 2, extent_increase=True).category == "PMD"
        assert eortc_run(10.0, 0.0, 2, complete_resolution=True).category == "CMR"
        assert eortc_run(10.0, 5.0, None).category == "NE"


def recip_run(volume, new, variant="quantitative", visual=None):
    scans = [
        recip.PsmaScan(date=B, tumour_volume_ml=100.0, visual=None),
        recip.PsmaScan(
            date=B + dt.timedelta(weeks=12), tumour_volume_ml=volume, new_lesions=new, visual=visual
        ),
    ]
    return recip.evaluate(recip.PsmaSeries(patient_id="p", scans=scans), variant=variant)


class TestRecip:
    @pytest.mark.parametrize(
        ("volume", "new", "cat"),
        [
            (120.0, True, "PD"),  # +20% exactly and new lesions
            (119.9, True, "SD"),  # new lesions alone are not PD
            (180.0, False, "SD"),  # volume up and no new lesions: SD (both are needed)
            (70.0, False, "PR"),  # -30% exactly
            (70.1, False, "SD"),
            (50.0, True, "SD"),  # -50% with new lesions
            (0.0, False, "CR"),
        ],
    )
    def test_quantitative(self, volume, new, cat):
        r = recip_run(volume, new)
        assert r.category == cat
        assert r.metrics["variant"] == "quantitative"

    def test_volume_up_without_new_lesions_explains_why_not_pd(self):
        r = recip_run(180.0, False)
        assert "PD needs both" in r.rules[0].text

    @pytest.mark.parametrize(
        ("visual", "new", "cat"),
        [
            ("increase", True, "PD"),
            ("increase", False, "SD"),
            ("decrease", False, "PR"),
            ("decrease", True, "SD"),
            ("absent", False, "CR"),
            ("stable", True, "SD"),
        ],
    )
    def test_visual(self, visual, new, cat):
        r = recip_run(None, new, variant="visual", visual=visual)
        assert r.category == cat
        assert r.options["variant"] == "visual"

    def test_no_baseline_volume_is_not_evaluable(self):
        scans = [
            recip.PsmaScan(date=B),
            recip.PsmaScan(date=B + dt.timedelta(days=84), tumour_volume_ml=3.0),
        ]
        r = recip.evaluate(recip.PsmaSeries(scans=scans))
        assert r.category == "NE"
        assert "baseline" in r.reason
