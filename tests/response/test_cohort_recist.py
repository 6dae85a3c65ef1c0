"""The cohort RECIST gives exactly the per-patient result — category, harmonised category
and the reason when NE — for every patient, including lesions that split or coalesce
(assessed by the engine itself), reader-marked targets and stated baseline dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rltcare.response import cohort_recist, recist, synthetic

N = 400


def assert_same(frame: pd.DataFrame, **options) -> pd.DataFrame:
    """Compare the cohort path with recist.evaluate patient by patient; return the cohort."""
    fast = cohort_recist.recist_cohort(frame, **options)
    ref = {pid: recist.evaluate(s, **options) for pid, s in cohort_recist.lesion_series(frame)}
    assert sorted(ref) == list(fast.index)
    diff = [
        (pid, tuple(fast.loc[pid, ["category", "harmonised", "reason"]]), r)
        for pid, r in ref.items()
        if (fast.loc[pid, "category"], fast.loc[pid, "harmonised"], fast.loc[pid, "reason"] or None)
        != (r.category, r.harmonised, r.reason)
    ]
    assert not diff, [(pid, got, (r.category, r.reason)) for pid, got, r in diff[:3]]
    return fast


def test_generated_cohort_with_split_and_coalesced_lesions():
    rng = np.random.default_rng(np.random.SeedSequence(11))
    frame = synthetic.lesion_frame(N, rng, split_share=0.05, merge_share=0.05)
    special = frame["split_from"].notna() | frame["merged_into"].notna() | frame["new"]
    plain = min(set(range(N)) - set(frame.loc[special, "patient_id"]))
    extra = frame[frame["patient_id"] == plain].copy()
    orphan = extra.assign(
        patient_id=N,
        lesion_id=np.where(
            (extra["date"] > synthetic.START) & (extra["lesion_id"] == "0"), "z", extra["lesion_id"]
        ),
    )
    reappear = extra.assign(
        patient_id=N + 1, organ="liver", node=False, status="", diameter_mm=30.0
    )
    reappear.loc[
        (reappear["lesion_id"] == "0")
        & (reappear["date"] == synthetic.START + np.timedelta64(56, "D")),
        "diameter_mm",
    ] = 0.0
    only_base = extra[extra["date"] == synthetic.START].assign(patient_id=N + 2)
    # a fragment beside its parent's own measurement: the engine's NE
    both = extra.assign(patient_id=N + 3)
    fragment = both.iloc[[-1]].assign(lesion_id="f", split_from=both["lesion_id"].iloc[-1])
    all_new = extra.assign(patient_id=N + 4, new=True)  # and each lesion twice on a day
    frame = pd.concat(
        [frame, orphan, reappear, only_base, both, fragment, all_new, all_new], ignore_index=True
    )
    fast = assert_same(frame)
    by_engine = set(
        frame.loc[frame["split_from"].notna() | frame["merged_into"].notna(), "patient_id"]
    )
    assert len(by_engine) > 20
    assert set(fast.index[fast["assessed_by"] == "per-patient"]) == by_engine
    assert set(fast["category"]) >= {"PR", "SD", "PD"}
    assert fast.loc[N, "reason"].startswith("lesion z has follow-up on 2024-02-26 but no baseline")
    assert "reappeared on 2024-04-22" in fast.loc[N + 1, "reason"]
    assert fast.loc[N + 2, "reason"] == "no follow-up after baseline 2024-01-01"
    assert "has its own observation on" in fast.loc[N + 3, "reason"]
    assert fast.loc[N + 4, "reason"] == "no baseline observation (every lesion is marked new)"


def test_reader_targets_and_stated_baseline_go_to_the_engine():
    day = lambda d: synthetic.START + np.timedelta64(d, "D")  # noqa: E731
    rows = [
        # patient 1: the reader marks the smaller lesion as the only target
        (1, "A", 0, 40.0, True, None),
        (1, "B", 0, 20.0, True, None),
        (1, "A", 42, 41.0, None, None),
        (1, "B", 42, 10.0, None, None),
        # patient 2: the baseline is stated, and a lesion was seen before it
        (2, "A", 0, 40.0, None, day(10)),
        (2, "A", 10, 40.0, None, day(10)),
        (2, "A", 52, 20.0, None, day(10)),
        # patient 3: nothing special (vectorised)
        (3, "A", 0, 40.0, None, None),
        (3, "A", 42, 20.0, None, None),
    ]
    frame = pd.DataFrame(
        [
            {
                "patient_id": p,
                "lesion_id": lid,
                "date": day(d),
                "organ": "liver",
                "node": False,
                "diameter_mm": mm,
                "status": "",
                "new": False,
                "target": target,
                "baseline_date": base,
            }
            for p, lid, d, mm, target, base in rows
        ]
    )
    frame.loc[(frame["patient_id"] == 1) & (frame["lesion_id"] == "A"), "target"] = False
    fast = assert_same(frame)
    assert list(fast["assessed_by"]) == ["per-patient", "per-patient", "vectorised"]
    assert fast.loc[1, "category"] == "PR"  # B alone: 20 → 10 mm (A, 40 → 41, is non-target)
    assert "before baseline 2024-01-11" in fast.loc[2, "reason"]


LESIONS = ["a", "b", "c", "9", "10"]
ORGANS = ["liver", "lung", "bone", "lymph node", "adrenal"]
DIAMETERS = [None, 0.0, 4.0, 9.9, 10.0, 14.9, 15.0, 18.0, 24.0, 30.0, 42.0]
STATUS = ["", "", "", "", "present", "absent", "progression", "not_evaluated"]
FOLLOW_UP = [28, 42, 56, 84, 126]


@st.composite
def patient(draw, pid: int) -> list[dict]:
    ids = draw(st.lists(st.sampled_from(LESIONS), min_size=1, max_size=5, unique=True))
    days = [0, *sorted(draw(st.sets(st.sampled_from(FOLLOW_UP), min_size=1, max_size=3)))]
    rows = []
    for lid in ids:
        organ = draw(st.sampled_from(ORGANS))
        node = organ == "lymph node" or draw(st.integers(0, 9)) == 0
        for day in days:
            if day and draw(st.integers(0, 7)) == 0:
                continue  # not observed on that date
            rows.append(
                {
                    "patient_id": pid,
                    "lesion_id": lid,
                    "date": day,
                    "organ": organ,
                    "node": node,
                    "diameter_mm": draw(st.sampled_from(DIAMETERS)),
                    "status": draw(st.sampled_from(STATUS)),
                    "new": False,
                    "split_from": None,
                    "merged_into": None,
                }
            )
    for event in draw(
        st.lists(st.sampled_from(["new", "dup", "split", "merge", "drop"]), max_size=2)
    ):
        later = [r for r in rows if r["date"] > 0] or rows
        row = dict(draw(st.sampled_from(later if event in ("split", "merge") else rows)))
        if event == "new":  # -14: before the baseline (NE)
            day = draw(st.sampled_from([-14, *days]))
            rows.append(row | {"lesion_id": "n", "new": True, "date": day})
        elif event == "dup":
            rows.append(row)
        elif event == "drop" and len(rows) > 1:
            rows.remove(row)
        elif event == "split":
            parts = draw(st.lists(st.sampled_from(DIAMETERS), min_size=1, max_size=2))
            if draw(st.booleans()):
                rows.remove(row)  # the usual case: the fragments replace the lesion
            for k, mm in enumerate(parts):
                rows.append(
                    row
                    | {"lesion_id": f"{row['lesion_id']}.{k}", "split_from": row["lesion_id"]}
                    | {"diameter_mm": mm}
                )
        elif event == "merge":
            into = draw(st.sampled_from([i for i in ids if i != row["lesion_id"]] or ids))
            rows[rows.index(row)] = row | {"merged_into": into, "diameter_mm": None}
    return rows


@st.composite
def cohort(draw) -> pd.DataFrame:
    size = draw(st.integers(1, 6))
    rows = [r for pid in range(size) for r in draw(patient(pid))]
    return pd.DataFrame(rows).astype({"diameter_mm": float})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohort())
def test_cohort_equals_engine_for_every_patient(frame):
    assert_same(frame)


@pytest.mark.parametrize("weeks", [4.0, 12.0])
def test_min_sd_weeks_is_passed_to_both_paths(weeks):
    rng = np.random.default_rng(np.random.SeedSequence(12))
    assert_same(synthetic.lesion_frame(60, rng, split_share=0.2), min_sd_weeks=weeks)
