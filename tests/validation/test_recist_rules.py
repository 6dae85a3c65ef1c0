"""RECIST 1.1 rules, worked examples at every boundary.

Reference: Eisenhauer EA et al., Eur J Cancer 2009;45:228-47: measurability (section 3.1:
10 mm; nodes ≥15 mm short axis, 10-<15 mm pathological non-target), targets ≤5 and ≤2 per
organ (3.3), target response (4.3.1: CR with nodes <10 mm; PR ≥30% below baseline sum; PD
≥20% above the smallest sum *and* ≥5 mm), Table 1 and 2 (overall time-point response),
4.4 (best overall response, confirmation ≥4 weeks). PCWG3 modification: Scher 2016 Table 2.
Tolerance: exact.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rltcare.response import bone, recist

B = dt.date(2024, 1, 1)


def day(n):
    return B + dt.timedelta(days=n)


def obs(lid, d, diameter=None, organ="liver", **kw):
    return recist.LesionObservation(
        lesion_id=lid, date=day(d), organ=organ, diameter=diameter, **kw
    )


def run(observations, **options):
    return recist.evaluate(
        recist.LesionSeries(patient_id="p", observations=observations), **options
    )


def one_target(*sums, node=False):
    """A single target lesion measuring ``sums[k]`` at day 42·k."""
    return [obs("a", 42 * k, s, node=node) for k, s in enumerate(sums)]


@pytest.mark.parametrize(("follow", "cat"), [(70.0, "PR"), (70.1, "SD"), (69.9, "PR")])
def test_partial_response_at_exactly_30_percent(follow, cat):
    r = run(one_target(100.0, follow))
    assert r.timepoints[0].category == cat


@pytest.mark.parametrize(
    ("nadir", "now", "cat"),
    [
        (25.0, 30.0, "PD"),  # +20% exactly and +5 mm exactly
        (20.0, 24.0, "SD"),  # +20% exactly but only +4 mm
        (50.0, 55.0, "SD"),  # +5 mm but only +10%
        (25.0, 29.9, "SD"),
    ],
)
def test_progression_needs_20_percent_and_5_mm_above_nadir(nadir, now, cat):
    r = run(one_target(nadir, nadir, now))
    assert r.timepoints[-1].category == cat


def test_progression_is_measured_from_nadir_not_baseline():
    r = run(one_target(100.0, 50.0, 60.0))
    assert [t.category for t in r.timepoints] == ["PR", "PD"]
    assert r.timepoints[-1].numbers["change_from_baseline_pct"] == pytest.approx(-40.0)
    assert r.timepoints[-1].numbers["nadir_mm"] == 50.0


@pytest.mark.parametrize(("node_mm", "cat"), [(9.9, "CR"), (10.0, "PR")])
def test_complete_response_needs_nodes_below_10_mm(node_mm, cat):
    base = [obs("a", 0, 20.0), obs("n", 0, 20.0, organ="pelvic", node=True)]
    follow = [obs("a", 56, 0.0), obs("n", 56, node_mm, organ="pelvic", node=True)]
    assert run(base + follow).timepoints[0].category == cat


def test_new_lesion_alone_is_progression():
    r = run([*one_target(40.0, 38.0), obs("x", 42, 6.0, organ="lung", new=True)])
    assert r.timepoints[0].category == "PD"
    assert "new lesions ['x']" in next(x.text for x in r.rules if x.rule == "overall-PD")


def test_non_target_unequivocal_progression_is_progression():
    base = [obs("a", 0, 40.0), obs("b", 0, 8.0, organ="lung")]
    r = run([*base, obs("a", 42, 20.0), obs("b", 42, status="progression", organ="lung")])
    assert r.timepoints[0].category == "PD"


def test_target_cr_with_non_target_present_is_pr_and_ne_is_pr():
    base = [obs("a", 0, 40.0), obs("b", 0, 8.0, organ="lung")]
    present = run([*base, obs("a", 42, 0.0), obs("b", 42, status="present", organ="lung")])
    assert present.timepoints[0].category == "PR"
    missing = run([*base, obs("a", 42, 0.0)])
    assert missing.timepoints[0].category == "PR"


def test_non_target_only_disease():
    base = [obs("b", 0, 8.0, organ="lung")]
    r = run([*base, obs("b", 56, status="present", organ="lung")])
    assert r.category == "Non-CR/Non-PD"
    assert r.harmonised == "SD"
    r = run([*base, obs("b", 56, status="absent", organ="lung")])
    assert r.category == "CR"


@pytest.mark.parametrize(
    ("short_axis", "role"),
    [(15.0, "target"), (14.9, "non-target"), (10.0, "non-target"), (9.9, "none")],
)
def test_node_measurability(short_axis, role):
    lesions = [obs("a", 0, 30.0), obs("n", 0, short_axis, organ="pelvic", node=True)]
    r = run([*lesions, obs("a", 42, 30.0), obs("n", 42, short_axis, organ="pelvic", node=True)])
    assert ("n" in r.metrics["targets"]) is (role == "target")
    assert ("n" in r.metrics["non_targets"]) is (role == "non-target")


def test_non_nodal_below_10_mm_is_non_target():
    r = run(
        [
            obs("a", 0, 30.0),
            obs("s", 0, 9.9, organ="lung"),
            obs("a", 42, 30.0),
            obs("s", 42, 9.9, organ="lung"),
        ]
    )
    assert r.metrics["targets"] == ["a"]
    assert r.metrics["non_targets"] == ["s"]


def test_target_selection_two_per_organ_five_in_all():
    base = [obs(f"l{i}", 0, 50.0 - i) for i in range(3)]  # liver: 50, 49, 48
    base += [obs(f"p{i}", 0, 30.0 - i, organ="lung") for i in range(3)]
    base += [obs(f"o{i}", 0, 20.0 - i, organ="adrenal") for i in range(2)]
    r = run([*base, *[o.model_copy(update={"date": day(42)}) for o in base]])
    assert r.metrics["targets"] == ["l0", "l1", "o0", "p0", "p1"]
    assert "l2" in r.metrics["non_targets"]
    pc = run([*base, *[o.model_copy(update={"date": day(42)}) for o in base]], pcwg3=True)
    assert len(pc.metrics["targets"]) == 8  # PCWG3: ≤5 per organ, no total cap


def test_reader_chosen_targets_are_checked():
    base = [obs("a", 0, 8.0, target=True), obs("b", 0, 30.0, organ="lung")]
    r = run([*base, obs("a", 42, 8.0), obs("b", 42, 30.0, organ="lung")])
    assert r.category == "NE"
    assert "not measurable" in r.reason
    three = [obs(f"l{i}", 0, 30.0, target=True) for i in range(3)]
    r = run([*three, *[o.model_copy(update={"date": day(42)}) for o in three]])
    assert r.category == "NE"
    assert "too many targets" in r.reason


def test_unmeasured_target_is_ne_unless_measured_ones_already_progress():
    base = [obs("a", 0, 20.0), obs("b", 0, 20.0, organ="lung")]
    r = run([*base, obs("a", 42, 18.0)])
    assert r.timepoints[0].category == "NE"
    r = run([*base, obs("a", 42, 50.0)])
    assert r.timepoints[0].category == "PD"


class TestBestOverallResponse:
    def test_confirmation_needs_four_weeks(self):
        assert run(one_target(100, 60, 60), confirm=True).category == "PR"  # 42 days apart
        r = run([obs("a", 0, 100.0), obs("a", 42, 60.0), obs("a", 69, 60.0)], confirm=True)
        assert r.category == "SD"  # 27 days: unconfirmed PR counts as SD
        assert run([obs("a", 0, 100.0), obs("a", 42, 60.0), obs("a", 69, 60.0)]).category == "PR"

    def test_sd_needs_minimum_duration_else_pd(self):
        r = run([obs("a", 0, 50.0), obs("a", 35, 50.0), obs("a", 70, 70.0)])
        assert r.category == "PD"  # SD at day 35 < 6 weeks, then PD
        r = run([obs("a", 0, 50.0), obs("a", 42, 50.0), obs("a", 84, 70.0)])
        assert r.category == "SD"

    def test_responses_after_progression_do_not_count(self):
        r = run(one_target(50.0, 70.0, 10.0))
        assert r.category == "PD"


class TestPcwg3Modification:
    def test_new_bone_lesions_count_only_by_2_plus_2(self):
        lesions = [
            *one_target(40.0, 40.0, 40.0),
            obs("x", 42, organ="bone", new=True, status="present"),
        ]
        scans = [
            bone.BoneScan(date=day(56), new_lesions=2),
            bone.BoneScan(date=day(100), new_lesions=3),
        ]
        s = recist.LesionSeries(patient_id="p", observations=lesions, bone_scans=scans)
        assert recist.evaluate(s).timepoints[0].category == "PD"  # plain RECIST: new lesion
        assert recist.evaluate(s, pcwg3=True).timepoints[0].category == "SD"
        scans[1] = bone.BoneScan(date=day(100), new_lesions=4)
        s = recist.LesionSeries(patient_id="p", observations=lesions, bone_scans=scans)
        tps = recist.evaluate(s, pcwg3=True).timepoints
        assert [t.category for t in tps] == ["SD", "PD"]  # bone PD dated day 56


@pytest.mark.parametrize(
    ("observations", "reason"),
    [
        ([obs("a", 0, 30.0), obs("b", 42, 10.0, organ="lung")], "no baseline"),
        ([obs("a", 0, 30.0), obs("a", 42, 3.0, unit="cm")], "mixed units"),
        ([obs("a", 0, 30.0), obs("a", 42, 0.0), obs("a", 84, 12.0)], "reappeared"),
        (
            [obs("a", 0, 30.0), obs("x", 0, 30.0, new=True), obs("a", 42, 30.0)],
            "marked new at baseline",
        ),
        ([obs("a", 0, 30.0)], "no follow-up"),
        (
            [
                obs("a", 0, 5.0, organ="pelvic", node=True),
                obs("a", 42, 5.0, organ="pelvic", node=True),
            ],
            "no measurable or non-measurable disease",
        ),
        ([obs("a", 0, 30.0), obs("a", 0, 31.0), obs("a", 42, 30.0)], "two observations"),
    ],
)
def test_bad_input_is_not_evaluable_with_reason(observations, reason):
    r = run(observations)
    assert r.category == "NE"
    assert not r.evaluable
    assert reason in r.reason


def test_follow_up_before_stated_baseline_is_not_evaluable():
    s = recist.LesionSeries(
        observations=[obs("a", 0, 30.0), obs("a", 42, 30.0)], baseline_date=day(10)
    )
    r = recist.evaluate(s)
    assert r.category == "NE"
    assert "before baseline" in r.reason


def test_centimetres_throughout_match_millimetres():
    mm = run(one_target(100.0, 65.0, 80.0))
    cm = run([obs("a", 42 * k, s / 10, unit="cm") for k, s in enumerate((100.0, 65.0, 80.0))])
    assert [t.category for t in cm.timepoints] == [t.category for t in mm.timepoints]


@pytest.mark.parametrize(("now", "cat"), [(4.9, "CR"), (5.0, "PD"), (9.9, "PD")])
def test_nodal_target_back_from_a_nadir_of_zero(now, cat):
    # a nodal target recorded 0 (absent) makes the nadir 0: 20% above it is 0 mm, so the
    # 5 mm absolute rise decides (section 4.3.1); below 10 mm the node alone is still CR
    r = run(one_target(15.0, 0.0, now, node=True))
    assert r.evaluable
    assert [t.category for t in r.timepoints] == ["CR", cat]
    if cat == "PD":
        assert f"+{now:g} mm (≥5 mm) above nadir 0 mm" in r.timepoints[-1].rule
