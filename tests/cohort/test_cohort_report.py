"""``rltcare outcomes report``: one self-contained HTML file with every plot and the methods."""

import re
from pathlib import Path

import pytest

from rltcare.cli import main
from rltcare.cohort.source import DEMO
from rltcare.response import eortc, pcwg3, percist, recip, recist

OUTCOMES = Path(DEMO / "outcomes")


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exit_:
        main([str(a) for a in argv])
    out = capsys.readouterr()
    return exit_.value.code or 0, out.out, out.err


def test_report_is_written_and_self_contained(tmp_path, capsys):
    out = tmp_path / "report.html"
    code, stdout, err = run(
        capsys,
        "outcomes", "report",
        "--psa", OUTCOMES / "cohort_psa.csv",
        "--lesions", OUTCOMES / "cohort_lesions.csv",
        "--psma", OUTCOMES / "cohort_psma.csv",
        "--survival", OUTCOMES / "survival.csv", "--group", "centre",
        "--labs", OUTCOMES / "labs.csv", "--follow-up", OUTCOMES / "follow_up.csv",
        "--centres", OUTCOMES / "centres.csv",
        "--out", out,
    )  # fmt: skip
    assert code == 0, err
    assert "report written" in stdout
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=[\"']?https?:", html), "loads a script from the web"
    assert not re.search(r"<link[^>]+href=[\"']?https?:", html)
    assert "Plotly.newPlot" in html and len(html) > 3_000_000  # plotly.js is inlined
    for section in ("waterfall", "swimmer", "survival", "discordance", "toxicity", "funnel"):
        assert f'<section id="{section}">' in html, section
    assert "Numbers at risk" in html
    methods = html[html.index('<section id="methods">') :]
    for module in (pcwg3, recist, percist, eortc, recip):  # every criterion, applied or not
        assert module.VERSION in methods
    assert "Spiegelhalter" in methods and "Aalen" in methods and "CTCAE v5.0" in methods


def test_report_of_the_demo_cohort_with_a_table_replaced(tmp_path, capsys):
    mine = tmp_path / "mine.csv"
    mine.write_text("centre,n,events\nMine-1,40,20\nMine-2,60,30\n")
    out = tmp_path / "report.html"
    code, _, err = run(capsys, "outcomes", "report", "--demo", "--centres", mine, "--out", out)
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert "demo/cohort_psa.csv" in html and '<section id="swimmer">' in html
    funnel = html[html.index('<section id="funnel">') :]
    funnel = funnel[: funnel.index("</section>")]
    assert "Mine-2" in funnel and "BER" not in funnel  # the demo's centres are replaced


def test_report_needs_an_input(tmp_path, capsys):
    code, _, err = run(capsys, "outcomes", "report", "--out", tmp_path / "r.html")
    assert code == 2
    assert "at least one input file" in err


def test_report_names_the_bad_file_and_line(tmp_path, capsys):
    bad = tmp_path / "centres.csv"
    bad.write_text("centre,n,events\nA,40,20\nB,60,sixty\n")
    code, _, err = run(capsys, "outcomes", "report", "--centres", bad, "--out", tmp_path / "r.html")
    assert code == 2
    assert "centres.csv, line 3, field 'events': 'sixty' is not a number" in err
    assert not (tmp_path / "r.html").exists()
