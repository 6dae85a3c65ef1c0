"""The root command: version, help, and the one-line error with exit status 2."""

import json

import pytest

from rltcare import __version__
from rltcare.cli import main


def run(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert __version__ in out


def test_catalog_list_json(capsys):
    code, out, _ = run(capsys, "catalog", "list", "nuclides", "--json")
    rows = json.loads(out)
    assert code == 0
    assert {"kind": "nuclide", "key": "Lu-177"} in [
        {k: r[k] for k in ("kind", "key")} for r in rows
    ]


def test_unknown_record_is_one_line_and_status_2(capsys):
    code, out, err = run(capsys, "catalog", "show", "Lu-178")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "unknown catalog record 'Lu-178'" in err and "Lu-177" in err


def test_usage_error_is_status_2(capsys):
    code, _, err = run(capsys, "catalog", "list", "--no-such-option")
    assert code == 2
    assert "No such option" in err


def test_validate_reports_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[meta]\nkind = "nuclides"\nsource = "x"\n[[nuclide]]\nname = "Sr-89"\n'
        'half_life = "-3 d"\nrole = "therapy"\nsource = "abc"\n'
    )
    code, _, err = run(capsys, "catalog", "validate", str(bad))
    assert code == 2
    assert str(bad) in err and "half_life" in err and "more than zero" in err


def test_catalog_lists_and_shows_contact_scenarios(capsys):
    code, out, _ = run(capsys, "catalog", "list", "contact_scenarios", "--json")
    assert code == 0
    keys = {row["key"] for row in json.loads(out)}
    assert "sleeping-apart" in keys
    code, out, _ = run(capsys, "catalog", "show", "sleeping-apart", "--json")
    assert json.loads(out)["kind"] == "contact scenario"


def test_a_key_shared_by_two_kinds_says_so_and_kind_picks_one(capsys):
    code, out, _ = run(capsys, "catalog", "show", "de", "--json")
    record = json.loads(out)
    assert (code, record["kind"], record["also"]) == (0, "jurisdiction", ["countries"])
    code, out, _ = run(capsys, "catalog", "show", "de", "--kind", "countries", "--json")
    assert json.loads(out)["kind"] == "country"
    code, _, err = run(capsys, "catalog", "show", "de", "--kind", "bogus")
    assert code == 2
    assert "unknown catalog kind 'bogus'" in err


def test_help_shows_plain_metavars_not_python_types(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    for argv in (("national", "demand"), ("simulate",), ("compare",), ("release",)):
        code, out, _ = run(capsys, *argv, "--help")
        assert code == 0
        assert "<bool>" not in out and "<list[" not in out and "<str>" not in out, argv
    _, out, _ = run(capsys, "national", "demand", "--help")
    assert "--indication  -i      TEXT" in out and "PATH" in out
    assert (
        next(line for line in out.splitlines() if "--json" in line).split("--json")[1].strip()[:5]
        == "Print"
    )  # a flag takes no value


def test_starting_the_cli_loads_no_engine_dependencies():
    """``rltcare --help`` must not pay for pandas, scipy.stats, numba, plotly or SQLAlchemy."""
    import subprocess
    import sys

    code = (
        "import sys, rltcare.cli; "
        "print(sorted(m for m in ('pandas', 'scipy.stats', 'numba', 'plotly', 'sqlalchemy') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_release_cycles_default_is_the_engine_and_api_default():
    import inspect

    import typer.main

    from rltcare.cli import app
    from rltcare.physics.release import evaluate
    from rltcare.web.routes.release import ReleaseRequest

    command = typer.main.get_command(app).commands["release"]
    cli = next(p for p in command.params if p.name == "cycles_per_year").default
    engine = inspect.signature(evaluate).parameters["cycles_per_year"].default
    assert cli == engine == ReleaseRequest.model_fields["cycles_per_year"].default == 1
