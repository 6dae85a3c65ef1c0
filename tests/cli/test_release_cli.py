"""``rltcare release`` and ``rltcare restrictions``: JSON output, tables, one-line errors, exit 2."""

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


def test_release_germany_json(capsys):
    code, out, _ = run(
        capsys,
        "release",
        "--jurisdiction",
        "de",
        "--product",
        "lu177-psma-617",
        "--activity",
        "7.4 GBq",
        "--cycles-per-year",
        "4",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["earliest_discharge_h"] == 48.0
    assert data["binding_criterion"] == "minimum-stay"
    assert data["cycles_per_year"] == 4 and data["administered_mbq"] == 7400.0


def test_release_elapsed_and_table(capsys):
    code, out, _ = run(
        capsys, "release", "-j", "de", "-p", "lu177-psma-617", "-a", "200 mCi", "--elapsed", "3 d"
    )
    assert code == 0
    assert "may leave now" in out and "yes" in out


def test_restrictions_json(capsys):
    code, out, _ = run(
        capsys,
        "restrictions",
        "--jurisdiction",
        "uk",
        "--product",
        "lu177-psma-617",
        "--activity",
        "7.4 GBq",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert {r["scenario"] for r in data["restrictions"]} >= {"sleeping-apart", "return-to-work"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-j", "dee", "-a", "7.4 GBq"], "unknown jurisdiction 'dee' (hint: did you mean de?)"),
        (["-j", "de", "-a", "-7.4 GBq"], "activity must be more than zero"),
        (["-j", "de", "-a", "7.4 h"], "is a time, but an activity is expected"),
        (["-j", "de", "-a", "7.4 TBq"], "more than 10 times the highest activity"),
        (["-j", "de", "-a", "7.4 GBq", "--elapsed", "2 GBq"], "field 'elapsed'"),
        (["-j", "de", "-a", "7.4 GBq", "--cycles-per-year", "0"], "cycles per year"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, args, message):
    code, out, err = run(capsys, "release", "-p", "lu177-psma-617", *args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and out == ""
