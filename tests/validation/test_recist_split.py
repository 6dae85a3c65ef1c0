"""RECIST 1.1 lesions that split or coalesce, and a target that disappears and reappears.

Reference: Eisenhauer EA et al., Eur J Cancer 2009;45:228-47, Appendix II: fragments of a
non-nodal target are summed for that target; coalesced lesions: the merged lesion's longest
diameter on one, the others 0. PR ≥30% below the baseline sum, PD ≥20% and ≥5 mm above the
nadir (section 4.3.1). Worked by hand; tolerance exact.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rltcare.response import recist

B = dt.date(2024, 1, 1)


def obs(lid, d, diameter=None, organ="liver", **kw):
    return recist.LesionObservation(
        lesion_id=lid, date=B + dt.timedelta(days=d), organ=organ, diameter=diameter, **kw
    )


def run(observations, **options):
    return recist.evaluate(recist.LesionSeries(patient_id="p", observations=observations))


def test_split_fragments_are_summed_for_the_original_target():
    # baseline 40 + 20 = 60; day 42: L1 split into 14 + 10 = 24, L2 18 → 42 (-30%: PR)
    r = run(
        [
            obs("L1", 0, 40.0),
            obs("L2", 0, 20.0, organ="lung"),
            obs("L1a", 42, 14.0, split_from="L1"),
            obs("L1b", 42, 10.0, split_from="L1"),
            obs("L2", 42, 18.0, organ="lung"),
        ]
    )
    t = r.timepoints[0]
    assert t.numbers["sum_mm"] == 42.0 and t.category == "PR"
    split = next(x for x in r.rules if x.rule == "split")
    assert split.numbers == {"fragments": ["L1a", "L1b"], "sum_mm": 24.0}
    assert "14 + 10 = 24 mm counted for L1" in split.text


def test_split_fragments_can_make_progression_from_the_nadir():
    # nadir 30 (day 42); day 84 fragments 20 + 16 = 36: +20% and +6 mm → PD
    r = run(
        [
            obs("L1", 0, 50.0),
            obs("L1", 42, 30.0),
            obs("L1a", 84, 20.0, split_from="L1"),
            obs("L1b", 84, 16.0, split_from="L1"),
        ]
    )
    assert [t.category for t in r.timepoints] == ["PR", "PD"]


def test_an_unmeasured_fragment_leaves_the_target_not_measured():
    r = run(
        [
            obs("L1", 0, 40.0),
            obs("L1a", 42, 14.0, split_from="L1"),
            obs("L1b", 42, None, split_from="L1"),
        ]
    )
    assert r.timepoints[0].category == "NE"


def test_coalesced_lesions_merged_diameter_on_one_the_other_zero():
    # baseline 30 + 25 = 55; day 42 they coalesce: 48 mm on L1, L2 counts 0 → 48 (SD)
    # day 84: they separate again (22 + 20 = 42): not a reappearance of L2
    r = run(
        [
            obs("L1", 0, 30.0),
            obs("L2", 0, 25.0),
            obs("L1", 42, 48.0),
            obs("L2", 42, merged_into="L1"),
            obs("L1", 84, 22.0),
            obs("L2", 84, 20.0),
        ]
    )
    assert [t.numbers["sum_mm"] for t in r.timepoints] == [48.0, 42.0]
    assert [t.category for t in r.timepoints] == ["SD", "SD"]
    assert any(x.rule == "coalesced" and "L2 coalesced into L1" in x.text for x in r.rules)


def test_a_disappearing_and_reappearing_target_is_not_evaluable_with_the_reason():
    r = run([obs("L1", 0, 30.0), obs("L1", 42, 0.0), obs("L1", 84, 12.0)])
    assert (r.category, r.evaluable) == ("NE", False)
    assert "disappeared on 2024-02-12 and reappeared on 2024-03-25" in r.reason


@pytest.mark.parametrize(
    ("observations", "reason"),
    [
        ([obs("L1", 0, 30.0), obs("L2", 42, 10.0, split_from="L9")], "L9 has no baseline"),
        (
            [obs("L1", 0, 30.0), obs("L1", 42, 20.0), obs("L1a", 42, 5.0, split_from="L1")],
            "has its own observation",
        ),
        ([obs("L1", 0, 30.0), obs("L2", 0, 20.0), obs("L2", 42, merged_into="L1")], "no own"),
        (
            [
                obs("L1", 0, 30.0),
                obs("L2", 0, 20.0),
                obs("L1", 42, 40.0),
                obs("L2", 42, 15.0, merged_into="L1"),
            ],
            "has its own diameter",
        ),
        ([obs("L1", 0, 30.0, split_from="L1")], "only be recorded on a follow-up"),
        ([obs("L1", 0, 30.0), obs("L1", 42, merged_into="L1")], "into itself"),
    ],
)
def test_inconsistent_split_or_coalescence_is_not_evaluable(observations, reason):
    r = run(observations)
    assert r.category == "NE" and reason in r.reason
