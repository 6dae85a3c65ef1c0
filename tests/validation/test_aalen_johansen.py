"""Aalen-Johansen cumulative incidence against a hand-computed example and lifelines.

Reference 1 (hand): 5 patients, times 1..5, events toxicity, death, censored, toxicity,
death. t=1: F_tox = 1/5 = 0.2, S = 0.8; t=2: F_death = 0.8·1/4 = 0.2, S = 0.6;
t=4 (2 at risk): F_tox = 0.2 + 0.6·1/2 = 0.5, S = 0.3; t=5: F_death = 0.2 + 0.3 = 0.5.
Tolerance 1e-12.
Reference 2: lifelines.AalenJohansenFitter (lifelines 0.30) on 300 simulated subjects with
no tied times (lifelines jitters ties). Tolerance 1e-9.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rltcare.errors import InputError
from rltcare.outcomes.competing_risks import aalen_johansen, first_grade_event


def test_hand_example():
    r = aalen_johansen([1, 2, 3, 4, 5], [1, 2, 0, 1, 2], causes={1: "toxicity", 2: "death"})
    assert r.times == [1, 2, 4, 5]
    assert r.at_risk == [5, 4, 2, 1]
    assert r.cif["toxicity"] == pytest.approx([0.2, 0.2, 0.5, 0.5], abs=1e-12)
    assert r.cif["death"] == pytest.approx([0.0, 0.2, 0.2, 0.5], abs=1e-12)
    assert r.at(3.5) == pytest.approx({"toxicity": 0.2, "death": 0.2})
    assert r.at(0.5) == {"toxicity": 0.0, "death": 0.0}
    # 1 - KM treating deaths as censored would give 1 - 0.8·0.5 = 0.6 > 0.5 at t=4
    assert r.cif["toxicity"][2] < 0.6


def test_ties_events_before_censoring():
    # censored at 1; at t=2 two events and a censoring (all at risk: n=4); t=3: n=1
    # F_event = 1/4, then 1/4 + S(2)·1/1 = 0.25 + 0.5
    r = aalen_johansen([1, 2, 2, 2, 3], [0, 1, 2, 0, 1])
    assert r.at_risk == [4, 1]
    assert r.cif["event"] == pytest.approx([0.25, 0.75])
    assert r.cif["competing"] == pytest.approx([0.25, 0.25])


def test_agrees_with_lifelines():
    lifelines = pytest.importorskip("lifelines")
    rng = np.random.default_rng(np.random.SeedSequence(20241))
    n = 300
    t = rng.exponential(10.0, n)
    e = rng.choice([0, 1, 2], size=n, p=[0.3, 0.4, 0.3])
    ours = aalen_johansen(t, e)
    ajf = lifelines.AalenJohansenFitter(calculate_variance=False)
    ajf.fit(t, e, event_of_interest=1)
    theirs = ajf.cumulative_density_.iloc[:, 0]
    for when in (1.0, 5.0, 10.0, 20.0, 40.0):
        expected = float(theirs[theirs.index <= when].iloc[-1])
        assert ours.at(when)["event"] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("time", "event", "field"),
    [
        ([1, -2], [1, 0], "time"),
        ([1, 2], [1, -1], "event"),
        ([], [], "time"),
        ([1, 2], [1], "time"),
    ],
)
def test_bad_input_is_rejected(time, event, field):
    with pytest.raises(InputError) as err:
        aalen_johansen(np.array(time, dtype=float), np.array(event, dtype=int))
    assert err.value.field == field


def test_first_grade_event_with_death_competing():
    fu = pd.DataFrame(
        {
            "patient_id": ["a", "b", "c", "d"],
            "start_date": ["2024-01-01"] * 4,
            "end_date": ["2024-06-01", "2024-03-01", "2024-12-01", "2024-02-01"],
            "died": [False, True, False, True],
        }
    )
    grades = pd.DataFrame(
        {
            "patient_id": ["a", "a", "b", "c", "d"],
            "date": ["2024-02-01", "2024-03-01", "2024-02-01", "2023-12-01", "2024-03-01"],
            "grade": [2, 3, 2, 4, 3],
        }
    )
    out = first_grade_event(grades, fu).set_index("patient_id")
    assert out.loc["a"].tolist() == [60, 1]  # grade 3 on 1 March
    assert out.loc["b"].tolist() == [60, 2]  # grade 2 only, died on 1 March
    assert out.loc["c"].tolist() == [335, 0]  # grade 4 before the first cycle does not count
    assert out.loc["d"].tolist() == [31, 2]  # grade 3 recorded after death does not count
