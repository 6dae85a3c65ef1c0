"""``rltcare serve --workers N`` hands uvicorn an app factory and the settings as RLTCARE_*."""

from __future__ import annotations

import os

import pytest
import uvicorn

from rltcare.cli import main


@pytest.mark.parametrize("workers", [1, 3])
def test_serve_starts_the_requested_workers(workers, tmp_path, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setenv("RLTCARE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("rltcare.cli.registry.ensure_demo", lambda settings: None)
    with pytest.raises(SystemExit) as info:
        main(["serve", "--port", "8123", "--workers", str(workers)])
    assert info.value.code in (0, None)
    app, options = calls[0]
    assert options["port"] == 8123
    if workers == 1:
        assert not isinstance(app, str)
    else:
        assert (app, options["factory"], options["workers"]) == (
            "rltcare.web.app:create_app",
            True,
            3,
        )
        assert os.environ["RLTCARE_DATA_DIR"] == str((tmp_path / "data").resolve())
    assert f"{workers} worker" in capsys.readouterr().out
