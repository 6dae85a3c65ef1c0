"""Survival analytics against published reference values.

1. Kaplan-Meier, 6-MP arm of the Freireich leukaemia remission data (Gehan 1965; 21
   patients, remission weeks 6,6,6,6+,7,9+,10,10+,11+,13,16,17+,19+,20+,22,23,25+,32+,32+,
   34+,35+): S = 0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448 at 6, 7, 10, 13, 16, 22,
   23 weeks, median 23 (Kleinbaum DG, Klein M. Survival Analysis: A Self-Learning Text,
   3rd ed., Springer 2012, ch. 2). Tolerance: printed precision (5e-4).
2. Cox model on lifelines' bundled Rossi recidivism data against R ``coxph`` (Efron ties):
   fin -0.37942, age -0.05744, race 0.31390, wexp -0.14980, mar -0.43370, paro -0.08487,
   prio 0.09150 (Fox J, Weisberg S. Cox Proportional-Hazards Regression for Survival Data
   in R, appendix to An R Companion to Applied Regression). Tolerance 5e-5.
3. RMST of the 6-MP arm to 23 weeks: the area under the step function, summed by hand.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_rossi
from lifelines.utils import restricted_mean_survival_time

from rltcare.errors import InputError
from rltcare.outcomes.survival import cox, follow_up, kaplan_meier, landmark, rmst

WEEKS = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
EVENT = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]


def test_kaplan_meier_6mp_textbook():
    km = kaplan_meier(WEEKS, EVENT, risk_times=[0, 10, 20])
    expected = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}
    for week, s in expected.items():
        assert km.at(week) == pytest.approx(s, abs=5e-4)
    assert km.median == 23
    assert km.at_risk == {"0": 21, "10": 15, "20": 8}
    assert km.n == 21 and km.events == 9


def test_rmst_is_the_area_under_the_curve():
    # exact KM steps: 18/21 at 6, ×16/17 at 7, ×14/15 at 10, ×11/12 at 13, ×10/11 at 16,
    # ×6/7 at 22, ×5/6 at 23
    steps = [
        (6, Fraction(18, 21)),
        (7, Fraction(16, 17)),
        (10, Fraction(14, 15)),
        (13, Fraction(11, 12)),
        (16, Fraction(10, 11)),
        (22, Fraction(6, 7)),
        (23, Fraction(5, 6)),
    ]
    area, s, last = Fraction(0), Fraction(1), 0
    for t, factor in steps:
        area += s * (t - last)
        s, last = s * factor, t
    result = rmst(WEEKS, EVENT, tau=23)
    assert result.rmst == pytest.approx(float(area), abs=1e-9)
    # lifelines integrates the same curve
    kmf = KaplanMeierFitter().fit(WEEKS, EVENT)
    assert result.rmst == pytest.approx(restricted_mean_survival_time(kmf, t=23), abs=1e-6)
    # SE by hand: A_j = area from t_j to 23; (n_j, d_j) = (21,3), (17,1), (15,1), (12,1), (11,1), (7,1), (6,1)
    at_risk = {
        6: (21, 3),
        7: (17, 1),
        10: (15, 1),
        13: (12, 1),
        16: (11, 1),
        22: (7, 1),
        23: (6, 1),
    }
    var = Fraction(0)
    for tj, (n, d) in at_risk.items():
        a_j, s, last = Fraction(0), Fraction(1), 0
        for t, factor in steps:
            if t > tj:
                a_j += s * (t - max(last, tj))
            s, last = s * factor, t
        var += a_j**2 * d / (n * (n - d))
    assert result.se == pytest.approx(float(var) ** 0.5, abs=1e-9)


def test_cox_rossi_matches_r_coxph():
    r = {
        "fin": -0.37942,
        "age": -0.05744,
        "race": 0.31390,
        "wexp": -0.14980,
        "mar": -0.43370,
        "paro": -0.08487,
        "prio": 0.09150,
    }
    model = cox(load_rossi(), duration="week", event="arrest", covariates=list(r))
    got = {t.covariate: t.coef for t in model.terms}
    for name, coef in r.items():
        assert got[name] == pytest.approx(coef, abs=5e-5)
    assert model.n == 432 and model.events == 114
    # proportional hazards: age and wexp are the known violations in these data
    ph = {t.covariate: t.ph_test_p for t in model.terms}
    assert ph["age"] < 0.05 and ph["wexp"] < 0.05 and ph["fin"] > 0.05


def test_cox_with_centre_strata_and_cluster():
    data = load_rossi()
    data["centre"] = np.arange(len(data)) % 4
    plain = cox(data, duration="week", event="arrest", covariates=["fin", "prio"])
    strat = cox(
        data, duration="week", event="arrest", covariates=["fin", "prio"], strata=["centre"]
    )
    clus = cox(data, duration="week", event="arrest", covariates=["fin", "prio"], cluster="centre")
    assert strat.strata == ["centre"] and [t.covariate for t in strat.terms] == ["fin", "prio"]
    assert clus.terms[0].coef == pytest.approx(plain.terms[0].coef)  # same point estimate
    assert clus.terms[0].lower != pytest.approx(plain.terms[0].lower)  # robust SE differs
    with pytest.raises(InputError, match="'centre_x' not in the data"):
        cox(data, duration="week", event="arrest", covariates=["fin"], strata=["centre_x"])


def test_reverse_kaplan_meier_follow_up():
    km = follow_up([1, 2, 3, 4, 5], [1, 0, 1, 0, 0])
    # censorings are the events: S = 0.75 at 2 (4 at risk), 0.375 at 4 (2 at risk), 0 at 5
    assert km.at(2) == pytest.approx(0.75)
    assert km.at(4) == pytest.approx(0.375)
    assert km.median == 4


def test_landmark_excludes_early_events_and_restarts_the_clock():
    data = pd.DataFrame(
        {
            "time_days": [50, 100, 150, 200, 300, 400],
            "event": [1, 1, 0, 1, 1, 0],
            "response": ["PD", "PR", "PR", "SD", "PR", "SD"],
        }
    )
    lm = landmark(data, landmark_days=84, group="response")
    assert lm.excluded == 1
    assert sorted(lm.groups) == ["PR", "SD"]
    assert lm.groups["PR"].times[1] == 16  # 100 - 84
    assert lm.logrank_p is not None


@pytest.mark.parametrize(("time", "event"), [([1, -1], [1, 0]), ([1, 2], [1, 2]), ([], [])])
def test_bad_input(time, event):
    with pytest.raises(InputError):
        kaplan_meier(time, event)
