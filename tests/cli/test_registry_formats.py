"""``rltcare registry export --format ...`` and ``import``: every format written, imported back
into another registry; files that cannot be read exit 2 before the registry is opened."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rltcare.cli import main

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples" / "registry"


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exit_:
        main([str(a) for a in argv])
    out = capsys.readouterr()
    return exit_.value.code or 0, out.out, out.err


@pytest.fixture
def demo(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RLTCARE_DATA_DIR", str(tmp_path / "one"))
    assert run(capsys, "registry", "demo", "--patients", "8", "--centres", "2")[0] == 0
    return tmp_path


@pytest.mark.parametrize(
    ("fmt", "path", "added"),
    [("xlsx", "registry.xlsx", "centre"), ("fhir", "bundle.json", "centre"), ("redcap", "", None)],
)
def test_export_then_import_into_another_registry(demo, monkeypatch, capsys, fmt, path, added):
    code, out, err = run(capsys, "registry", "export", "out", "--format", fmt, "--json")
    assert code == 0, err
    assert json.loads(out)
    run(capsys, "registry", "export", "csv", "--format", "csv")
    monkeypatch.setenv("RLTCARE_DATA_DIR", str(demo / "two"))
    run(capsys, "registry", "init")
    if added is None:  # a REDCap project has no centres: they are set up first
        code, _, err = run(capsys, "registry", "import", demo / "csv" / "centre.csv")
        assert code == 0, err
    code, out, err = run(capsys, "registry", "import", demo / "out" / path, "--json")
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert rows["patient"] == 8 and (added is None or rows[added] == 2)


def test_redcap_records_with_a_separate_dictionary(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "centre.csv").write_text("code,name,country\nBER,Berlin,DE\n")
    run(capsys, "registry", "init")
    assert run(capsys, "registry", "import", tmp_path / "centre.csv")[0] == 0
    code, out, err = run(
        capsys,
        "registry",
        "import",
        EXAMPLES / "redcap" / "records.csv",
        "--dictionary",
        EXAMPLES / "redcap" / "dictionary.csv",
        "--dry-run",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["rows"]["patient"] == 2


def test_unreadable_files_exit_2_without_a_registry(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no registry here: the file is rejected first
    code, _, err = run(capsys, "registry", "import", EXAMPLES / "bundle-with-procedure.json")
    assert code == 2
    assert "entry[6], field 'resourceType'" in err and err.count("Procedure") == 1
    code, _, err = run(
        capsys, "registry", "import", EXAMPLES / "transaction-bundle.json", "--format", "xlsx"
    )
    assert code == 2 and "not a xlsx file" in err
    code, _, err = run(capsys, "registry", "export", "x", "--format", "pdf")
    assert code == 2 and "unknown format 'pdf'" in err
