"""``rltcare decay``, ``rltcare order`` and ``rltcare waste``: output and bad input."""

import json

import pytest

from rltcare.cli import main


def run(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code or 0, out, err


def test_decay_with_progeny_json(capsys):
    code, out, _ = run(
        capsys,
        "decay",
        "Ac-225",
        "--activity",
        "8 MBq",
        "--after",
        "10 d",
        "--after",
        "0 h",
        "--json",
    )
    data = json.loads(out)
    assert code == 0
    assert data["times_h"] == [240.0, 0.0]
    assert data["activities_mbq"]["Ac-225"] == pytest.approx([4.0, 8.0], rel=2e-3)
    assert {"Fr-221", "Bi-213", "Pb-209"} <= set(data["activities_mbq"])


def test_decay_table(capsys):
    code, out, _ = run(capsys, "decay", "177Lu", "--activity", "200 mCi", "--after", "6.647 d")
    assert code == 0 and "3700" in out


def test_order_json(capsys):
    code, out, _ = run(
        capsys,
        "order",
        "--product",
        "lu177-psma-617",
        "--activity",
        "7.4 GBq",
        "--administration",
        "2026-12-01T10:00+01:00",
        "--calibration",
        "2026-11-30T12:00+01:00",
        "--json",
    )
    data = json.loads(out)
    assert code == 0
    assert data["hours_from_calibration_h"] == 22.0
    assert data["activity_at_calibration_mbq"] == pytest.approx(8142.3, abs=0.1)
    assert data["expires"] == "2026-12-05T12:00:00+01:00"


def test_waste_release_json(capsys):
    code, out, _ = run(
        capsys,
        "waste",
        "--nuclide",
        "Lu-177m",
        "--activity",
        "1.5 MBq",
        "--mass",
        "5 kg",
        "--clearance",
        "10 Bq/g",
        "--reference",
        "2026-11-27T00:00Z",
        "--json",
    )
    data = json.loads(out)
    assert code == 0
    assert data["storage_time_d"] == pytest.approx(834.3, abs=0.1)
    assert data["release_date"].startswith("2029-03-")


def test_waste_product_and_weekly(capsys):
    code, out, _ = run(
        capsys,
        "waste",
        "--product",
        "lu177-dotatate",
        "--activity",
        "74 MBq",
        "--mass",
        "5 kg",
        "--clearance",
        "10 Bq/g",
        "--containers-per-week",
        "10",
        "--json",
    )
    data = json.loads(out)
    assert code == 0
    assert data["steady_state_containers"] == 110
    assert data["storage_time_d"]["container"] == pytest.approx(73.0, abs=0.1)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["decay", "Lu-178", "--activity", "1 MBq", "--after", "1 d"], "did you mean Lu-177"),
        (["decay", "Lu-177", "--activity", "0 MBq", "--after", "1 d"], "more than zero"),
        (["decay", "Lu-177", "--activity", "-3 GBq", "--after", "1 d"], "more than zero"),
        (["decay", "Lu-177", "--activity", "10 d", "--after", "1 d"], "is a time, but an activity"),
        (
            [
                "order", "--nuclide", "Lu-177", "--activity", "7.4 GBq",
                "--administration", "2026-12-01T10:00", "--calibration", "2026-11-30T12:00+01:00",
            ],
            "has no time zone",
        ),
        (
            [
                "order", "--product", "lu177-psma-617", "--activity", "7.4 GBq",
                "--administration", "2026-12-10T10:00+01:00",
                "--calibration", "2026-11-30T12:00+01:00",
            ],
            "beyond the 120 h shelf life",
        ),
        (
            [
                "order", "--product", "lu177-psma-6l7", "--activity", "7.4 GBq",
                "--administration", "2026-12-01T10:00+01:00",
                "--calibration", "2026-11-30T12:00+01:00",
            ],
            "did you mean lu177-psma-617",
        ),
        (
            ["waste", "--nuclide", "Lu-177m", "--activity", "1 MBq", "--mass", "5 kg"],
            "give a clearance level",
        ),
        (
            ["waste", "--nuclide", "Lu-177m", "--nuclide", "Lu-177", "--activity", "1 MBq",
             "--mass", "5 kg", "--clearance", "10 Bq/g"],
            "one --activity per --nuclide",
        ),
        (
            ["waste", "--nuclide", "Ac-227", "--activity", "1 MBq", "--mass", "1 kg",
             "--clearance", "1 Bq/g"],
            "still above the clearance level after 100 years",
        ),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_status_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


def test_waste_by_jurisdiction_json(capsys):
    """Germany: the Directive's Table A level of Lu-177 (100 Bq/g), summed."""
    code, out, _ = run(
        capsys, "waste", "--nuclide", "Lu-177", "--activity", "5 GBq", "--mass", "5 kg",
        "-j", "de", "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0
    assert data["jurisdiction"] == "de"
    assert data["nuclide_levels_bq_g"] == {"Lu-177": 100.0}
    assert data["storage_time_d"] == pytest.approx(6.647 * 13.2877, rel=1e-3)  # log2(1e4)


def test_waste_level_option_fills_a_missing_level(capsys):
    code, out, _ = run(
        capsys, "waste", "--product", "lu177-dotatate", "--activity", "7.4 GBq",
        "--mass", "5 kg", "-j", "es", "--level", "Lu-177m=1 Bq/g", "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == 0
    assert data["nuclide_levels_bq_g"] == {"Lu-177": 100.0, "Lu-177m": 1.0}
    assert data["dominant_nuclide"] == "Lu-177m"


def test_waste_us_prints_the_survey_rule(capsys):
    code, out, _ = run(
        capsys, "waste", "--product", "lu177-dotatate", "--activity", "7.4 GBq",
        "--mass", "5 kg", "-j", "us",
    )  # fmt: skip
    assert code == 0
    assert "Decay in storage" in out and "background" in out
    assert "Lu-177m" in out  # half-life above 120 d
    code, out, _ = run(
        capsys, "waste", "--nuclide", "I-131", "--activity", "1 GBq", "--mass", "5 kg",
        "-j", "us", "--containers-per-week", "2", "--json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["not_eligible"] == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-j", "pl", "--nuclide", "Lu-177m"], "no clearance level for Lu-177m in jurisdiction 'pl'"),
        (["-j", "de", "--nuclide", "Lu-177", "--level", "Lu-177m"], "--level takes NUCLIDE=LEVEL"),
        (["-j", "de", "--nuclide", "Lu-177", "--level", "Lu-177m=2 h"], "is a time"),
        (["-j", "fr", "--nuclide", "Lu-177"], "unknown jurisdiction 'fr'"),
    ],
)  # fmt: skip
def test_waste_jurisdiction_bad_input(capsys, argv, message):
    code, out, err = run(capsys, "waste", "--activity", "1 MBq", "--mass", "5 kg", *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err
