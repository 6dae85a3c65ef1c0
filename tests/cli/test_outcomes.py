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
    assert len(data["patients"]) == 120  # every patient with lesions (84 with PSA, 24 with PET)
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
    assert data["patients"] == 120
    assert data["events"] == {"toxicity": 22, "death first": 63}
    # nobody is censored before day 180 (follow-up runs to death or the data cut-off), so at
    # day 90 the Aalen-Johansen estimate is the share of the 120 patients: 3 and 14
    assert data["cumulative_incidence"]["day 90"] == {"grade>=3": 0.025, "death": 0.1167}
    assert data["grade_counts"]["anemia grade 3"] == 43


def test_survival_by_group(capsys):
    code, out, err = run(
        capsys,
        "outcomes",
        "survival",
        OUT / "survival.csv",
        "--group",
        "radiopharmaceutical",
        "--at",
        "365",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["lu177-psma-617"]["median"] == 479.0  # VISION: 15.3 months, 466 days
    assert data["lu177-dotatate"]["median"] == 1660.0  # NETTER-1: 48.0 months, 1461 days
    assert data["lu177-psma-617"]["at_risk"] == {"365": 42}


def test_benchmark_of_the_demo_centres(capsys):
    code, out, _ = run(capsys, "outcomes", "benchmark", OUT / "centres.csv", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["target"] == pytest.approx(34 / 80, abs=1e-4)  # pooled PSA50 of the centres
    assert {c["centre"]: c["signal"] for c in data["centres"]} == dict.fromkeys(
        ("AMS", "BER", "LON", "PAR"), "within limits"
    )


def test_bad_number_names_line_and_column(capsys, tmp_path):
    bad = tmp_path / "centres.csv"
    bad.write_text("centre,n,events\nA,40,20\nB,forty,3\n")
    code, _, err = run(capsys, "outcomes", "benchmark", bad)
    assert code == 2
    assert "centres.csv, line 3, field 'n': 'forty' is not a number" in err
