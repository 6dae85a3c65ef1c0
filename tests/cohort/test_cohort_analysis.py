"""The cohort analysis of the demo files agrees with the per-command results (same engines)."""

import datetime as dt

import pandas as pd
import pytest

from rltcare.cohort.analysis import CohortOptions, analyse, risk_grid, swimmer
from rltcare.cohort.assess import assess_psa
from rltcare.cohort.source import Cohort, CsvCohort, demo_source
from rltcare.cohort.tables import CsvFile
from rltcare.errors import InputError
from rltcare.response import pcwg3


@pytest.fixture(scope="module")
def demo():
    return analyse(demo_source().load(), CohortOptions(group_column="centre"))


def test_every_section_present(demo):
    assert set(demo.criteria) == {"PCWG3", "RECIST", "PERCIST", "RECIP"}
    for section in ("waterfall", "swimmer", "discordance", "survival", "toxicity", "funnel"):
        assert getattr(demo, section) is not None, section
    # scripts/build_outcomes_demo.py: 120 patients, 84 with prostate cancer (PSA), 24 of
    # them with PET; every patient in the lesion, survival, follow-up and lab tables
    assert demo.inputs["psa"].patients == 84
    assert demo.inputs["fdg"].patients == demo.inputs["psma"].patients == 24
    for table in ("lesions", "survival", "follow_up", "labs"):
        assert demo.inputs[table].patients == 120, table


def test_discordance_matches_the_documented_cli_output(demo):
    rows = dict(demo.discordance.agreement.summary_rows())
    # docs/outcomes.md, `rltcare outcomes discordance` (same files, 12 weeks)
    assert rows["PCWG3"] == "CR 0, PR 32, SD 45, PD 0, NE 7"
    assert rows["RECIP vs RECIST"] == "n=20, agreement 95.0%, kappa 0.917"


def test_survival_toxicity_funnel_match_the_cli(demo):
    assert demo.survival.curves["BER"].median == 702.0
    assert demo.survival.curves["PAR"].at_risk["365"] == 12
    assert demo.toxicity.at["day 365"] == {"grade>=3": 0.1833, "death": 0.3045}
    assert {c.centre: c.signal for c in demo.funnel.centres}["PAR"] == "within limits"


def test_demo_follow_up_covers_the_tabulated_days():
    """The toxicity section tabulates days 90, 180 and 365: patients are still followed then."""
    follow_up = demo_source().load().table("follow_up")
    days = (pd.to_datetime(follow_up["end_date"]) - pd.to_datetime(follow_up["start_date"])).dt.days
    alive = follow_up["died"] == "false"
    assert (days[alive] >= 180).all() and (days > 365).sum() >= 40


def test_demo_centres_are_the_psa50_responders_of_the_psa_table(demo):
    """centres.csv is derived from the same patients: PCWG3-evaluable patients and PSA50
    responders per centre of survival.csv."""
    cohort = demo_source().load()
    centre_of = cohort.table("survival").set_index("patient_id")["centre"]
    assessed = [r for r in assess_psa(cohort.table("psa"), "psa") if r.evaluable]
    expected = (
        pd.DataFrame(
            {
                "centre": [centre_of[r.patient_id] for r in assessed],
                "psa50": [bool(r.metrics["psa50"]) for r in assessed],
            }
        )
        .groupby("centre")["psa50"]
        .agg(["size", "sum"])
    )
    centres = cohort.table("centres").set_index("centre")
    assert centres["n"].astype(int).to_dict() == expected["size"].to_dict()
    assert centres["events"].astype(int).to_dict() == expected["sum"].to_dict()


def test_waterfall_is_sorted_and_uses_the_maximal_decline(demo):
    changes = [b.change_pct for b in demo.waterfall]
    assert changes == sorted(changes, reverse=True)
    assert len(changes) == 80  # the 84 PSA patients less the 4 without a value on treatment
    psa50 = sum(b.change_pct <= -50 for b in demo.waterfall)
    assert psa50 >= demo.best["PCWG3"]["PR"]  # PR needs a *confirmed* PSA50


def test_swimmer_lane_runs_to_the_last_observation_and_marks_events():
    d0 = "2024-01-01"
    psa = pcwg3.evaluate(
        pcwg3.PsaSeries(
            patient_id="A",
            start_date=d0,
            values=[
                {"date": d0, "value": 10},
                {"date": "2024-03-01", "value": 4},
                {"date": "2024-03-29", "value": 3},
                {"date": "2024-06-01", "value": 9},
                {"date": "2024-07-01", "value": 12},
            ],
        )
    )
    lane = swimmer([psa], {"A": dt.date(2024, 1, 1)})[0]
    assert lane.days == (dt.date(2024, 7, 1) - dt.date(2024, 1, 1)).days
    kinds = {(e.kind, e.day) for e in lane.events}
    assert ("response", 60) in kinds  # −60% on 1 March
    assert ("progression", 152) in kinds  # 9 ng/mL ≥ 3 × 1.25 and +6, confirmed on 1 July


def test_risk_grid_uses_round_steps():
    assert risk_grid(450) == [0, 90, 180, 270, 360, 450]
    assert risk_grid(40) == [0, 7, 14, 21, 28, 35]


def test_survival_group_column_must_exist():
    cohort = CsvCohort({"survival": CsvFile("s.csv", "time_days,event\n3,1\n")}).load()
    with pytest.raises(InputError) as info:
        analyse(cohort, CohortOptions(group_column="centre"))
    assert info.value.one_line().startswith("s.csv, line 1, field 'centre': missing column")


def test_survival_events_must_be_zero_or_one():
    cohort = CsvCohort({"survival": CsvFile("s.csv", "time_days,event\n3,1\n5,2\n")}).load()
    with pytest.raises(InputError, match=r"s\.csv, line 3, field 'event'"):
        analyse(cohort)


def test_labs_need_follow_up():
    labs = "patient_id,date,term,value,lln\nA,2024-02-01,anemia,70,120\n"
    cohort = CsvCohort({"labs": CsvFile("labs.csv", labs)}).load()
    with pytest.raises(InputError, match="follow-up"):
        analyse(cohort)


def test_an_empty_cohort_has_no_sections():
    result = analyse(Cohort())
    assert result.waterfall is None and result.discordance is None and result.best == {}
