"""The packaged outcomes demo cohort is what scripts/build_outcomes_demo.py builds from its
seed: no hand edits, and a change to the registry demo generator shows up here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from rltcare.cohort.source import DEMO, DEMO_FILES

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_outcomes_demo.py"


@pytest.mark.slow
def test_packaged_demo_files_are_the_scripts_output():
    spec = importlib.util.spec_from_file_location("build_outcomes_demo", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    built = script.build()
    assert sorted(built) == sorted(DEMO_FILES.values())
    for file, text in built.items():
        packaged = (DEMO / "outcomes" / file).read_text(encoding="utf-8")
        assert packaged == text, f"{file}: run PYTHONPATH=src python {SCRIPT.name} in scripts/"
