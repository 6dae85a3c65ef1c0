"""``rltcare outcomes``: discordance, toxicity, survival and benchmark from the documented
example CSVs; bad files exit 2 naming the file, line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rltcare.cli import main
from rltcare.cohort.source import DEMO

OUT = Path(DEMO / "outcomes")  # the demo cohort installed with the package


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exit_:
        main([str(a) for a in argv])
    out = capsys.readouterr()
    return exit_.value.code or 0, out.out, out.err


def test_discordance_over_four_criteria(capsys):
    code, out, err = run(
        capsys,
        "outcomes",
        "discordance",
        "--pcwg3",
        OUT / "cohort_psa.csv",
        "--recist",
        OUT / "cohort_lesions.csv",
        "--percist",
        OUT / "cohort_fdg.csv",
        "--recip",
        OUT / "cohort_psma.csv",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["criteria"] == ["PCWG3", "PERCIST", "RECIP", "RECIST"]
    assert len(data["pairs"]) == 6
    assert len(data["patients"]) == 40
    assert all(-1 <= p["kappa"] <= 1 for p in data["pairs"])


def test_discordance_needs_two_criteria(capsys):
    code, _, err = run(capsys, "outcomes", "discordance", "--recip", OUT / "cohort_psma.csv")
    assert code == 2
    assert "at least two criteria" in err


def test_toxicity_grades_and_cumulative_incidence(capsys):
    code, out, err = run(
        capsys,
        "outcomes",
        "toxicity",
        OUT / "labs.csv",
        "--follow-up",
        OUT / "follow_up.csv",
        "--at",
        "90",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["events"] == {"toxicity": 3, "death first": 1}
    # day 43: B grade 3 and D death (5 at risk): F_tox = F_death = 0.2, S = 0.6;
    # day 77 (A, 3 at risk): +0.6/3; day 85 (C, 2 at risk): +0.4/2 → F_tox(90) = 0.6
    assert data["cumulative_incidence"]["day 90"] == {"grade>=3": 0.6, "death": 0.2}
    assert data["grade_counts"]["anemia grade 3"] == 1


def test_survival_by_group(capsys):
    code, out, err = run(
        capsys,
        "outcomes",
        "survival",
        OUT / "survival.csv",
        "--group",
        "centre",
        "--at",
        "180",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["South"]["median"] == 365.0
    assert data["North"]["at_risk"] == {"180": 1}


def test_benchmark_flags_the_outlier(capsys):
    code, out, _ = run(capsys, "outcomes", "benchmark", OUT / "centres.csv", "--json")
    assert code == 0
    signals = {c["centre"]: c["signal"] for c in json.loads(out)["centres"]}
    assert signals["Dresden"] == "above 99.8% limit"


def test_bad_number_names_line_and_column(capsys, tmp_path):
    bad = tmp_path / "centres.csv"
    bad.write_text("centre,n,events\nA,40,20\nB,forty,3\n")
    code, _, err = run(capsys, "outcomes", "benchmark", bad)
    assert code == 2
    assert "centres.csv, line 3, field 'n': 'forty' is not a number" in err
