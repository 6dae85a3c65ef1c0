"""``rltcare national ...``: JSON output, bad input (exit 2, one line), shared options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.main

from rltcare.cli import main
from rltcare.cli.national import app

CENTRES = Path(__file__).parents[2] / "examples" / "national" / "de_centres.csv"


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out = capsys.readouterr()
    return exit_.value.code or 0, out.out, out.err


def test_demand_json(capsys):
    code, out, _ = run(
        capsys, "national", "demand", "it", "--years", "3", "--draws", "100", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["country"] == "it" and len(data["rows"]) == 5 * 3 * 3


def test_gap_json(capsys):
    code, out, err = run(
        capsys, "national", "gap", "de", "--centres", str(CENTRES), "--draws", "100", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert {g["region"] for g in data["regions"]} >= {"DE1", "DEG"}
    assert data["resource_use"]["lu-psma-post-taxane"]["bed_days"] == 2


def test_access_json_and_new_sites(capsys):
    code, out, err = run(
        capsys, "national", "access", "de", "--centres", str(CENTRES), "--new-sites", "1", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["share_beyond_h"]["3"] == 0.0 and len(data["new_sites"]) == 1


def test_travel_matrix_with_missing_pair(capsys, tmp_path):
    matrix = tmp_path / "tt.csv"
    matrix.write_text("region,centre,hours\nDE1,muc,2.5\n", encoding="utf-8")
    code, _, err = run(
        capsys, "national", "access", "de", "--centres", str(CENTRES), "--travel-times", str(matrix)
    )
    assert code == 2 and "missing" in err and str(matrix) in err


def test_points_file(capsys, tmp_path):
    points = tmp_path / "grid.csv"
    points.write_text("lat,lon,population\n48.1,11.6,1000\n54.0,13.0,500\n", encoding="utf-8")
    code, out, err = run(
        capsys,
        "national",
        "access",
        "de",
        "--centres",
        str(CENTRES),
        "--points",
        str(points),
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["points"] == 2 and 0 < data["share_beyond_h"]["1"] < 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["national", "demand", "xx"], "unknown country"),
        (["national", "demand", "de", "--expand", "lu-psma-pre-taxane"], "INDICATION@YEAR"),
        (["national", "demand", "de", "--figure", "x"], "KEY=COUNT"),
        (["national", "access", "de", "--centres", str(CENTRES), "--method", "4sfca"], "method"),
    ],
)
def test_bad_input_exits_2(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err


def test_supply_json_and_bad_network(capsys, tmp_path):
    network = Path(__file__).parents[2] / "examples" / "national" / "supply_lu177_eu.toml"
    code, out, err = run(
        capsys,
        "national",
        "supply",
        "--network",
        str(network),
        "--demand",
        "3000 GBq",
        "--years",
        "2",
        "--replications",
        "20",
        "--json",
    )
    assert code == 0, err
    assert len(json.loads(out)["shortfall_by_week_mean"]) == 104
    bad = tmp_path / "bad.toml"
    bad.write_text(
        network.read_text(encoding="utf-8").replace(
            'reactors = ["br2", "maria"]', 'reactors = ["br3"]'
        ),
        encoding="utf-8",
    )
    code, _, err = run(capsys, "national", "supply", "--network", str(bad), "--demand", "1 GBq")
    assert code == 2 and str(bad) in err and "unknown reactor 'br3'" in err


def test_report_is_self_contained(capsys, tmp_path):
    network = Path(__file__).parents[2] / "examples" / "national" / "supply_lu177_eu.toml"
    out = tmp_path / "de.html"
    code, _, err = run(
        capsys,
        "national",
        "report",
        "de",
        "--centres",
        str(CENTRES),
        "--network",
        str(network),
        "--years",
        "3",
        "--draws",
        "100",
        "-o",
        str(out),
    )
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    for heading in (
        "Demand",
        "Capacity gap in 2028",
        "Where patients are treated in 2028",
        "Geographic access",
        "Isotope supply and patients",
    ):
        assert f">{heading}" in text
    assert "cdn" not in text.lower().split("<script")[0] and "Plotly.newPlot" in text


def test_gap_with_planner_resource_use(capsys, tmp_path):
    use = tmp_path / "use.toml"
    use.write_text(
        '["lu-psma-post-taxane"]\nbed_days = 0\nchair_hours = 5\nscanner_slots = 1\n'
        'activity_gbq = 7.4\nstaff_hours = { nurse = 3 }\nsource = "capacity planner run 42"\n',
        encoding="utf-8",
    )
    argv = ["national", "gap", "de", "--centres", str(CENTRES), "-i", "lu-psma-post-taxane"]
    code, out, err = run(capsys, *argv, "--resource-use", str(use), "--draws", "100", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["resource_use"]["lu-psma-post-taxane"]["source"] == "capacity planner run 42"
    assert all(g["required"]["bed_days"] == 0 for g in data["regions"])
    use.write_text(use.read_text(encoding="utf-8").replace("nurse", "wizard"), encoding="utf-8")
    code, _, err = run(capsys, *argv, "--resource-use", str(use))
    assert code == 2 and "staff_hours" in err and str(use) in err


DEMAND = {"--years", "--start-year", "--growth", "--ramp-years", "--expand", "--figure"}
DEMAND |= {"--indication", "--draws", "--seed"}
COMMON = {"--catalog", "--json"}


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("demand", DEMAND),
        ("gap", DEMAND | {"--centres", "--year", "--quantile", "--resource-use", "--planner",
                          "--planner-replications"}),
        ("report", DEMAND - {"--indication", "--ramp-years"}
         | {"--centres", "--out", "--network", "--catchment", "--abroad"}),
        ("supply", {"--years", "--start-year", "--expand", "--seed", "--network", "--country",
                    "--product", "--demand", "--replications", "--reserve", "--death-rate",
                    "--drop-out", "--catch-up", "--planner"}),
    ],
)  # fmt: skip
def test_each_command_keeps_its_options(command, options):
    """The shared demand options reach each command as before (plus the new ones)."""
    group = typer.main.get_command(app)
    found = {o for p in group.commands[command].params for o in p.opts if o.startswith("--")}
    assert found - {"--help"} == options | COMMON


def test_flows_json_abroad_and_user_matrix(capsys, tmp_path):
    abroad = tmp_path / "abroad.csv"
    abroad.write_text(
        "id,name,lat,lon,region,rooms,chairs,scanners\nams,Amsterdam UMC,52.29,4.96,NL,4,2,2\n",
        encoding="utf-8",
    )
    argv = ["national", "flows", "de", "--centres", str(CENTRES), "--draws", "100"]
    code, out, err = run(capsys, *argv, "--abroad", str(abroad), "--years", "3", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["year"] == 2028 and data["abroad_cycles"] > 0
    assert any(key.startswith("abroad:NL") for row in data["between"].values() for key in row)
    total = data["treated_cycles"] + data["unmet_cycles"]
    assert total == pytest.approx(data["cycles"])
    shares = tmp_path / "flows.csv"
    shares.write_text("region,centre,share\nDE1,muc,0.7\nDE1,ams,0.4\n", encoding="utf-8")
    code, _, err = run(capsys, *argv, "--abroad", str(abroad), "--flows", str(shares))
    assert code == 2 and "DE1" in err and "share" in err and str(shares) in err
    shares.write_text("region,centre,share\nDE1,nowhere,0.7\n", encoding="utf-8")
    code, _, err = run(capsys, *argv, "--flows", str(shares))
    assert code == 2 and str(shares) in err and "nowhere" in err


def test_supply_reports_deaths_and_takes_the_planner_behaviour(capsys):
    network = Path(__file__).parents[2] / "examples" / "national" / "supply_lu177_eu.toml"
    planner = Path(__file__).parents[2] / "examples" / "german_inpatient_lu_psma.toml"
    argv = ["national", "supply", "--network", str(network), "--demand", "4000 GBq"]
    argv += ["--years", "2", "--replications", "20", "--json"]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    effect = json.loads(out)["patients"]
    assert "VISION" in effect["hazard"]["source"]
    code, out, err = run(capsys, *argv, "--planner", str(planner), "--catch-up", "0.1")
    assert code == 0, err
    effect = json.loads(out)["patients"]
    assert effect["hazard"]["rate_per_year"] == 0.15 and effect["drop_out_after_weeks"] == 16
    assert effect["catch_up"] == 0.1
    code, out, err = run(capsys, *argv, "--death-rate", "0.5", "--drop-out", "8 weeks")
    effect = json.loads(out)["patients"]
    assert effect["hazard"]["rate_per_year"] == 0.5 and effect["drop_out_after_weeks"] == 8
