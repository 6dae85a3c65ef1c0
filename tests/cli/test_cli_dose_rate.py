"""``rltcare dose-rate`` and ``rltcare gamma-constant``: output, JSON, and bad input (exit 2)."""

import json

import pytest

from rltcare.cli import main


def run(capsys, *argv):
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_dose_rate_json(capsys):
    code, out, _ = run(
        capsys,
        "dose-rate",
        "--product",
        "lu177-psma-617",
        "--activity",
        "7.4 GBq",
        "--distance",
        "2 m",
        "--at",
        "24 h",
        "--at",
        "2 d",
        "--json",
    )
    assert code == 0
    result = json.loads(out)
    assert result["times_h"] == [24.0, 48.0]
    assert result["distance_m"] == 2.0 and result["administered_mbq"] == 7400.0
    assert result["dose_rate_usv_h"][0] > result["dose_rate_usv_h"][1] > 0


def test_dose_rate_table_has_default_times(capsys):
    code, out, _ = run(capsys, "dose-rate", "--product", "lu177-psma-617", "--activity", "200 mCi")
    assert code == 0
    assert "at 168 h" in out and "µSv/h" in out


def test_gamma_constant(capsys):
    code, out, _ = run(capsys, "gamma-constant", "131I", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["nuclide"] == "I-131" and result["cutoff_kev"] == 20.0
    code, out, _ = run(
        capsys, "gamma-constant", "Ac-225", "--with-progeny", "--cutoff", "0.015 MeV"
    )
    assert code == 0 and "Bi-213" in out and "15 keV" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["dose-rate", "--product", "lu177-psma", "--activity", "7.4 GBq"], "did you mean"),
        (["dose-rate", "--product", "lu177-psma-617", "--activity", "-7.4 GBq"], "more than zero"),
        (
            [
                "dose-rate",
                "--product",
                "lu177-psma-617",
                "--activity",
                "7.4 GBq",
                "--distance",
                "2 h",
            ],
            "is a time, but a distance is expected",
        ),
        (["dose-rate", "--product", "lu177-psma-617", "--activity", "48 h"], "is a time"),
        (
            ["dose-rate", "--product", "lu177-psma-617", "--activity", "1 GBq", "--at", "-1 h"],
            "time",
        ),
        (["gamma-constant", "Lu-178"], "did you mean"),
        (["gamma-constant", "Lu-177", "--cutoff", "20 m"], "energy is expected"),
    ],
)
def test_bad_input_is_one_line_and_status_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err
