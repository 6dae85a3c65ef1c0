"""``rltcare assess``: every criterion from the documented example CSVs; bad files exit 2
with the file, line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rltcare.cli import main
from rltcare.cohort.source import DEMO

EXAMPLES = Path(DEMO / "response")  # installed with the package; docs/examples/ links to it


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def run_ok(capsys, *argv):
    code, out, err = run(capsys, *argv)
    assert code in (0, None), err
    return out


@pytest.mark.parametrize(
    ("command", "file", "expected"),
    [
        ("pcwg3", "psa.csv", {"P01": "PD", "P02": "PR", "P03": "NE"}),
        ("recist", "lesions.csv", {"R01": "PR", "R02": "NE"}),
        ("percist", "pet.csv", {"F01": "PMR", "F02": "NE", "F03": "NE"}),
        ("eortc", "eortc.csv", {"E01": "PMR", "E02": "SMD"}),
        ("recip", "psma.csv", {"Q01": "PR", "Q02": "SD", "Q03": "PD"}),
    ],
)
def test_examples_as_json(capsys, command, file, expected):
    data = json.loads(run_ok(capsys, "assess", command, str(EXAMPLES / file), "--json"))
    assert {r["patient_id"]: r["category"] for r in data} == expected
    assert all(r["version"] for r in data)


def test_table_output_names_the_criterion(capsys):
    out = run_ok(capsys, "assess", "recip", str(EXAMPLES / "psma.csv"), "--variant", "visual")
    assert "RECIP 1.0" in out


def test_unknown_column_names_file_line_and_column(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("patient_id,date,volume\nQ1,2024-01-01,3\n")
    code, _, err = run(capsys, "assess", "recip", str(bad))
    assert code == 2
    assert "bad.csv, line 1, field 'volume': unknown column 'volume'" in err


def test_bad_cell_names_line_and_column(capsys, tmp_path):
    bad = tmp_path / "psa.csv"
    bad.write_text(
        "patient_id,start_date,date,value\nA,2024-01-01,2024-01-01,5\nA,2024-01-01,2024-13-01,4\n"
    )
    code, _, err = run(capsys, "assess", "pcwg3", str(bad))
    assert code == 2
    assert "psa.csv, line 3, field 'date'" in err
    bad.write_text("patient_id,date,tumour_volume_ml,new_lesions\nA,2024-01-01,5,maybe\n")
    code, _, err = run(capsys, "assess", "recip", str(bad))
    assert code == 2
    assert "line 2, field 'new_lesions'" in err


def test_conflicting_start_dates_are_rejected(capsys, tmp_path):
    bad = tmp_path / "psa.csv"
    bad.write_text(
        "patient_id,start_date,date,value\nA,2024-01-01,2024-01-01,5\nA,2024-02-01,2024-03-01,4\n"
    )
    code, _, err = run(capsys, "assess", "pcwg3", str(bad))
    assert code == 2
    assert "two start_date values" in err
