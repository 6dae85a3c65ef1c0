"""The vectorised cohort functions agree with the per-patient engines, patient by patient,
on synthetic cohorts (the engines are the reference; they explain each decision).
RECIST: tests/response/test_cohort_recist.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rltcare.response import cohort, eortc, pcwg3, percist, recip, synthetic

N = 400


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(np.random.SeedSequence(5))


def reference(module, series) -> pd.DataFrame:
    rows = [module.evaluate(s) for s in series]
    return pd.DataFrame(
        {
            "category": [r.category for r in rows],
            "harmonised": [r.harmonised for r in rows],
            "metrics": [r.metrics for r in rows],
            "evaluable": [r.evaluable for r in rows],
        },
        index=[r.patient_id for r in rows],
    )


def test_pcwg3_agrees(rng):
    frame = synthetic.psa_frame(N, rng, values=8)
    # bad patients: a single value, and no baseline
    frame = frame[~((frame["patient_id"] == 3) & (frame["date"] > synthetic.START))]
    frame = frame[~((frame["patient_id"] == 4) & (frame["date"] <= synthetic.START))]
    frame = frame.copy()  # patient 5: two values on one day
    frame.loc[frame.index[(frame["patient_id"] == 5).to_numpy()][2], "date"] = frame.loc[
        frame.index[(frame["patient_id"] == 5).to_numpy()][1], "date"
    ]
    fast = cohort.pcwg3_cohort(frame)
    ref = reference(pcwg3, synthetic.psa_series(frame))
    fast.index = fast.index.astype(str)
    assert (fast["category"] == ref["category"]).all()
    assert ((fast["reason"] != "") == ~ref["evaluable"]).all()
    assert not ref.loc[["3", "4", "5"], "evaluable"].any()
    assert set(ref["category"]) >= {"PR", "SD", "PD", "NE"}
    ok = ref["category"] != "NE"
    m = pd.DataFrame(list(ref.loc[ok, "metrics"]), index=ref.index[ok])
    for col in ("psa50", "psa50_confirmed", "psa90_confirmed", "progression"):
        assert (fast.loc[ok, col] == m[col]).all(), col
    assert np.allclose(fast.loc[ok, "max_decline_pct"], m["max_decline_pct"])
    assert np.allclose(
        fast.loc[ok, "change_12w_pct"], m["change_12w_pct"].astype(float), equal_nan=True
    )
    prog = m["progression"]
    assert (
        fast.loc[ok & prog.reindex(ref.index, fill_value=False), "progression_day"]
        == m.loc[prog, "progression_days"]
    ).all()


def scan_cases(name: str, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """The synthetic scan table with the inputs each rule reads (flags, missing values,
    EORTC's longest dimension), one patient with two scans on a day, one with a single scan."""
    f = synthetic.scan_frames(n, rng)[name].copy()
    follow = f["date"].gt(synthetic.START).to_numpy()
    pick = lambda p: follow & (rng.random(len(f)) < p)  # noqa: E731
    if name == "eortc":
        f["extent_increase"], f["complete_resolution"] = pick(0.05), pick(0.05)
        f["longest_dimension_mm"] = np.round(30 * rng.uniform(0.7, 1.4, len(f)), 1)
        f["cycles_given"] = f["cycles_given"].astype(float)
        f.loc[pick(0.05), "cycles_given"] = np.nan
        f.loc[pick(0.05), "suv"] = np.nan
    if name == "recip":
        f.loc[pick(0.05), "tumour_volume_ml"] = np.nan
        f.loc[pick(0.05), "tumour_volume_ml"] = 0.0
    f.loc[(f["patient_id"] == 1).to_numpy() & follow, "date"] = synthetic.START + np.timedelta64(
        42, "D"
    )
    return f[~((f["patient_id"] == 2).to_numpy() & follow)]


def assert_scan_criterion_agrees(module, fast, frame, **options) -> list:
    out = fast(frame, **options)
    out.index = out.index.astype(str)
    ref = [
        module.evaluate(s, **options)
        for s in synthetic.scan_series(module.__name__.rsplit(".", 1)[-1], frame)
    ]
    assert list(out.index) == [r.patient_id for r in ref]
    got = list(zip(out["category"], out["harmonised"], out["reason"] != "", strict=True))
    want = [(r.category, r.harmonised, not r.evaluable) for r in ref]
    diff = [(r.patient_id, g, w) for r, g, w in zip(ref, got, want, strict=True) if g != w]
    assert not diff, diff[:3]
    return ref


@pytest.mark.parametrize(
    ("module", "fast", "options"),
    [
        (percist, cohort.percist_cohort, {}),
        (eortc, cohort.eortc_cohort, {}),
        (eortc, cohort.eortc_cohort, {"one_cycle_pmr_pct": 25.0}),
        (recip, cohort.recip_cohort, {}),
    ],
)
def test_scan_criteria_agree(rng, module, fast, options):
    ref = assert_scan_criterion_agrees(
        module, fast, scan_cases(module.__name__.rsplit(".", 1)[-1], N, rng), **options
    )
    assert len({r.harmonised for r in ref}) == 5
    assert [r.evaluable for r in ref[1:3]] == [False, False]


def test_eortc_one_cycle_threshold_outside_the_paper_is_ne_for_everyone(rng):
    ref = assert_scan_criterion_agrees(
        eortc, cohort.eortc_cohort, scan_cases("eortc", 20, rng), one_cycle_pmr_pct=30.0
    )
    assert {r.category for r in ref} == {"NE"}


def percist_cases(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """The synthetic PERCIST table with what the quality gates, the blood-pool reference and
    the secondary sum act on: liver reference drifting or missing, uptake times out of range,
    lesion lists (with or without the scan's SULpeak) and scans with nothing seen."""
    f = synthetic.scan_frames(n, rng)["percist"].copy()
    rows, base = len(f), f["date"].eq(synthetic.START).to_numpy()
    pick = lambda p: rng.random(rows) < p  # noqa: E731
    drift = ~base & pick(0.15)  # ×1.1 passes the liver gate; ×0.75 and ×1.25 fail it
    f.loc[drift, "liver_sul_mean"] *= rng.choice([0.75, 1.1, 1.25], drift.sum())
    f.loc[~base & pick(0.1), "liver_sul_mean"] = np.nan
    f["uptake_time_min"] = np.where(pick(0.1), rng.choice([45.0, 68.0, 80.0], rows), 60.0)
    pool = np.isin(f["patient_id"], np.flatnonzero(rng.random(n) < 0.1))
    f.loc[pool & base, ["liver_sul_mean", "liver_sul_sd"]] = np.nan
    f["blood_pool_sul_mean"], f["blood_pool_sul_sd"] = 1.6, 0.2
    organs = np.array(["liver", "Liver", "bone", "lymph node", "lung "])  # one organ, 2 spellings
    labels = "bacedgf"  # floored to 0.1: equally hot lesions, not in label order
    cells = []
    for peak, listed in zip(f["sul_peak"], pick(0.6), strict=True):
        k = rng.integers(1, 8)
        sul = np.floor(10 * peak * rng.uniform(0.2, 1.0, k)) / 10  # never above the peak
        sul[0] = peak
        org = organs[rng.integers(0, len(organs), k)]
        cells.append(
            ";".join(
                f"{labels[i]}@{o}={v:g}" for i, (o, v) in enumerate(zip(org, sul, strict=True))
            )
            if listed
            else ""
        )
    f["lesions"] = cells
    f.loc[pick(0.5) & (f["lesions"] != ""), "sul_peak"] = np.nan  # the hottest listed counts
    f.loc[~base & pick(0.05), ["sul_peak", "lesions"]] = [np.nan, ""]  # nothing seen
    return f


@pytest.mark.parametrize("enforce_quality", [True, False])
def test_percist_gates_blood_pool_and_secondary_sum_agree(rng, enforce_quality):
    frame = percist_cases(N, rng)
    out = cohort.percist_cohort(frame, enforce_quality=enforce_quality)
    out.index = out.index.astype(str)
    ref = [
        percist.evaluate(s, enforce_quality=enforce_quality)
        for s in synthetic.scan_series("percist", frame)
    ]
    assert list(out.index) == [r.patient_id for r in ref]
    for r in ref:
        row = out.loc[r.patient_id]
        assert (row["category"], row["harmonised"]) == (r.category, r.harmonised), r.patient_id
        assert (row["reason"] != "") == (not r.evaluable), (r.patient_id, r.reason)
        deciding = next((t for t in r.timepoints if t.harmonised == r.harmonised), None)
        want = deciding.numbers.get("sum_change_pct") if deciding else None
        assert np.isclose(row["sum_change_pct"], np.nan if want is None else want, equal_nan=True)
        base = r.metrics.get("baseline_sum_sul_peak")
        assert np.isclose(
            row["baseline_sum_sul_peak"], np.nan if base is None else base, equal_nan=True
        )
    rules = {x.rule for r in ref for x in r.rules}
    assert ("quality-gate-failed" in rules) == enforce_quality
    assert "quality-unchecked" in rules
    assert any(r.evaluable and "blood pool" in r.rules[0].text for r in ref)
    assert out["sum_change_pct"].notna().sum() > N / 4
    assert set(out["category"]) >= {"CMR", "PMR", "SMD", "PMD", "NE"}


def test_percist_lesion_list_that_cannot_be_read_is_an_error_naming_it(rng):
    frame = synthetic.pet_lesion_lists(synthetic.scan_frames(3, rng)["percist"], rng)
    frame.loc[4, "lesions"] = "A@liver=5;B-bone-4"
    with pytest.raises(ValueError, match="lesion 'B-bone-4' is not label@organ=SULpeak"):
        cohort.percist_cohort(frame)
