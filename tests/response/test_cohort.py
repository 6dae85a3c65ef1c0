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
        },
        index=[r.patient_id for r in rows],
    )


def test_pcwg3_agrees(rng):
    frame = synthetic.psa_frame(N, rng, values=8)
    # bad patients: a single value, and no baseline
    frame = frame[~((frame["patient_id"] == 3) & (frame["date"] > synthetic.START))]
    frame = frame[~((frame["patient_id"] == 4) & (frame["date"] <= synthetic.START))]
    fast = cohort.pcwg3_cohort(frame)
    ref = reference(pcwg3, synthetic.psa_series(frame))
    fast.index = fast.index.astype(str)
    assert (fast["category"] == ref["category"]).all()
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


@pytest.mark.parametrize(
    ("name", "module", "fast"),
    [
        ("percist", percist, cohort.percist_cohort),
        ("eortc", eortc, cohort.eortc_cohort),
        ("recip", recip, cohort.recip_cohort),
    ],
)
def test_scan_criteria_agree(rng, name, module, fast):
    frame = synthetic.scan_frames(N, rng)[name]
    out = fast(frame)
    ref = reference(module, synthetic.scan_series(name, frame))
    out.index = out.index.astype(str)
    assert (out["category"] == ref["category"]).all()
    assert (out["harmonised"] == ref["harmonised"]).all()
    assert ref["harmonised"].nunique() >= 3
