import json
from pathlib import Path

import numpy as np
import pytest

from rltcare.cli import main

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "tests" / "economics" / "data" / "three_strategies.toml"


def test_run_writes_json_and_report(tmp_path, capsys):
    out, rep = tmp_path / "out.json", tmp_path / "out.html"
    args = ["--psa", "300", "--seed", "3", "--json", str(out), "--report", str(rep)]
    with pytest.raises(SystemExit) as exc:
        main(["economics", "run", str(MODEL), *args])
    assert not exc.value.code
    data = json.loads(out.read_text())
    assert data["psa"]["iterations"] == 300
    assert [s["strategy"] for s in data["deterministic"]["strategies"]] == ["a", "b", "c"]
    page = rep.read_text()
    assert "CHEERS 2022" in page
    assert "Cost-effectiveness plane" in page
    assert 'src="http' not in page  # self-contained: plotly.js is inline
    assert len(page) > 1_000_000


def test_json_to_stdout_is_reproducible(capsys):
    runs = []
    for _ in range(2):
        with pytest.raises(SystemExit):
            main(["economics", "run", str(MODEL), "--psa", "200", "--seed", "5", "--json", "-"])
        runs.append(json.loads(capsys.readouterr().out))
    assert runs[0] == runs[1]


def test_bad_model_file_exits_2_with_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(MODEL.read_text().replace('horizon = "20 years"', 'horizon = "1 week"'))
    with pytest.raises(SystemExit) as exc:
        main(["economics", "run", str(bad)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err
    assert "shorter than one cycle" in err


def test_fit_ranks_families(tmp_path, capsys):
    rng = np.random.default_rng(0)
    t = rng.weibull(1.5, 200) * 10
    csv = tmp_path / "ipd.csv"
    csv.write_text("time,event\n" + "\n".join(f"{x:.4f},1" for x in t))
    with pytest.raises(SystemExit):
        main(["economics", "fit", str(csv), "--json", "--report", str(tmp_path / "fits.html")])
    fits = json.loads(capsys.readouterr().out)
    assert len(fits) == 6
    assert [f["aic"] for f in fits] == sorted(f["aic"] for f in fits)
    assert "Kaplan-Meier" in (tmp_path / "fits.html").read_text()
    with pytest.raises(SystemExit) as exc:
        main(["economics", "fit", str(csv), "--event", "status"])
    assert exc.value.code == 2


def test_guyot_rebuilds_ipd_from_a_percent_km_csv(tmp_path, capsys):
    """KM of 10 patients dying at months 1..10 (no censoring), digitised in percent."""
    km = tmp_path / "km.csv"
    km.write_text("time,survival\n" + "\n".join(f"{m},{100 - 10 * m}" for m in range(1, 11)))
    out = tmp_path / "ipd.csv"
    with pytest.raises(SystemExit):
        main(
            [
                "economics",
                "guyot",
                str(km),
                "--risk-times",
                "0,5",
                "--at-risk",
                "10,6",
                "--output",
                str(out),
                "--json",
            ]
        )
    summary = json.loads(capsys.readouterr().out)
    assert summary["patients"] == 10
    assert summary["events"] == 10
    assert summary["median"] == 5.0
    assert out.read_text().startswith("time,event")
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "economics",
                "guyot",
                str(km),
                "--risk-times",
                "0,5",
                "--at-risk",
                "10",
                "--output",
                str(out),
            ]
        )
    assert exc.value.code == 2
