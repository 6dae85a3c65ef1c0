"""``rltcare simulate`` / ``compare`` / ``scenario-schema``: outputs, reports and bad input."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import tomli_w

from capacity.scenarios import ward
from rltcare.cli import main


def cli(args: list[str]) -> None:
    """Run the CLI; a successful command may end with ``SystemExit(0)``."""
    try:
        main(args)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise


@pytest.fixture
def scenario(tmp_path):
    def write(name="ward", **changes):
        data = ward(**changes)
        data["simulation"]["horizon"] = "1 year"
        path = tmp_path / f"{name}.toml"
        path.write_text(tomli_w.dumps(data))
        return path

    return write


def test_simulate_writes_json_report_and_event_log(scenario, tmp_path, capsys) -> None:
    out_json, out_html, log = tmp_path / "o.json", tmp_path / "o.html", tmp_path / "log.csv"
    cli(
        [
            "simulate",
            str(scenario()),
            "-n",
            "3",
            "--seed",
            "4",
            "--json",
            str(out_json),
            "--report",
            str(out_html),
            "--event-log",
            str(log),
        ]
    )
    data = json.loads(out_json.read_text())
    assert data["replications"] == 3
    assert data["seed"] == 4
    wait = data["kpis"]["wait_first_cycle_mean_d"]
    assert wait["low"] <= wait["mean"] <= wait["high"]
    page = out_html.read_text()
    assert "Reporting (STRESS-DES)" in page
    assert '<script src="http' not in page  # plotly.js is inlined: the report works offline
    assert "Plotly.newPlot" in page
    events = pd.read_csv(log)
    assert {"id_number", "node", "arrival_date", "service_start_date", "waiting_time"} <= set(
        events
    )
    assert (events["node"] == "cycle").sum() > 0
    assert "Wait to first cycle, mean (days)" in capsys.readouterr().out


def test_simulate_json_to_stdout_is_reproducible(scenario, capsys) -> None:
    path = scenario()
    cli(["simulate", str(path), "-n", "2", "--json", "-"])
    first = json.loads(capsys.readouterr().out)
    cli(["simulate", str(path), "-n", "2", "--json", "-", "--workers", "2"])
    second = json.loads(capsys.readouterr().out)
    assert first["kpis"] == second["kpis"]


def test_json_to_stdout_stays_parseable_beside_a_report(scenario, tmp_path, capsys) -> None:
    report = tmp_path / "r.html"
    cli(["simulate", str(scenario()), "-n", "2", "--json", "-", "--report", str(report)])
    out, err = capsys.readouterr()
    assert json.loads(out)["replications"] == 2
    assert f"report: {report}" in err


def test_compare_and_sweep(scenario, tmp_path, capsys) -> None:
    base = scenario("base")
    bigger = ward()
    bigger["resource"][0]["units"] = 6
    bigger["simulation"]["horizon"] = "1 year"
    other = tmp_path / "bigger.toml"
    other.write_text(tomli_w.dumps(bigger))
    cli(["compare", str(base), str(other), "-n", "3", "--json", "-"])
    data = json.loads(capsys.readouterr().out)
    assert [s["title"] for s in data["scenarios"]] == ["base", "bigger"]
    assert "wait_first_cycle_mean_d" in data["differences"]["bigger"]
    cli(["simulate", str(base), "-n", "2", "--sweep", "rooms=0,2", "--json", "-"])
    data = json.loads(capsys.readouterr().out)
    assert [s["title"] for s in data["scenarios"]] == ["rooms +0", "rooms +2"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--sweep", "rooms=a"], "expected RESOURCE=N"),
        (["--sweep", "beds=1"], "unknown resource 'beds'"),
        (["--auto-replications", "nope"], "unknown KPI"),
    ],
)
def test_bad_options(scenario, capsys, args, words) -> None:
    with pytest.raises(SystemExit) as info:
        main(["simulate", str(scenario()), "-n", "2", *args])
    assert info.value.code == 2
    assert words in capsys.readouterr().err


def test_bad_scenario_is_one_line_with_file_and_key(scenario, capsys) -> None:
    data = ward()
    data["indication"][0]["resource"] = "roomz"
    path = scenario()
    path.write_text(tomli_w.dumps(data))
    with pytest.raises(SystemExit) as info:
        main(["simulate", str(path)])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert str(path) in err
    assert "indication[0].resource" in err


def test_packaged_example_by_name(tmp_path, monkeypatch, capsys) -> None:
    """From an installed wheel (no examples/ folder), an example runs by its name."""
    monkeypatch.chdir(tmp_path)
    cli(["simulate", "uk_outpatient_day_case", "-n", "1", "--json", "-"])
    assert json.loads(capsys.readouterr().out)["title"].startswith("UK outpatient")


def test_missing_scenario_names_the_examples(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(["simulate", "nowhere.toml"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "nowhere.toml" in err and "uk_outpatient_day_case" in err


def test_scenario_schema(capsys) -> None:
    cli(["scenario-schema"])
    assert "indication" in json.loads(capsys.readouterr().out)["properties"]
