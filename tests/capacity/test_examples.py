"""The example scenarios (package data, linked from examples/): each validates, states its sources, and runs."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from rltcare.capacity import engine
from rltcare.capacity.example_scenarios import example_names, example_text, load_example
from rltcare.capacity.loader import load_scenario
from rltcare.capacity.model import build_model
from rltcare.errors import InputError

PACKAGED = resources.files("rltcare.capacity") / "examples"
EXAMPLES = [Path(str(PACKAGED / name)) for name in example_names()]
REPOSITORY = Path(__file__).parents[2] / "examples"


def test_repository_examples_are_the_packaged_files() -> None:
    """examples/*.toml in the repository are links to the package data, never copies."""
    linked = sorted(p.name for p in REPOSITORY.glob("*.toml"))
    assert linked == example_names()
    for name in linked:
        assert (REPOSITORY / name).is_symlink()
        assert (REPOSITORY / name).resolve() == Path(str(PACKAGED / name)).resolve()


def test_example_by_name() -> None:
    assert load_example("uk_outpatient_day_case").meta.title.startswith("UK")
    assert example_text("uk_outpatient_day_case.toml").startswith("#")
    with pytest.raises(InputError, match="no example scenario"):
        example_text("nowhere")


def test_four_examples() -> None:
    names = {p.stem for p in EXAMPLES}
    assert {
        "german_inpatient_lu_psma",
        "uk_outpatient_day_case",
        "supply_outage_3_weeks",
        "mixed_lutathera_lu_psma",
    } <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_validates_and_names_sources(path) -> None:
    scenario = load_scenario(path)
    assert len(scenario.meta.sources) >= 3
    assert path.read_text().startswith("#")  # a header saying where the numbers come from


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(path, catalog) -> None:
    scenario = load_scenario(path)
    products = [i.product for i in scenario.indications if i.product]
    missing = [p for p in products if p not in catalog.radiopharmaceuticals]
    if missing:
        pytest.skip(f"catalog lacks {missing} (the foundation issue adds them)")
    pytest.importorskip("rltcare.physics.release", reason="the discharge engine is not merged yet")
    model = build_model(scenario, catalog, file=str(path))
    result = engine.run(model, 1, 0)
    assert len(result.cycles) > 0


def test_documented_group_alone_is_the_group_example_with_home_routing() -> None:
    """docs/examples/capacity/group_alone.toml must not drift from the example it copies."""
    alone = (REPOSITORY.parent / "docs/examples/capacity/group_alone.toml").read_text("utf-8")
    group = (REPOSITORY / "group_of_centres.toml").read_text("utf-8")
    assert 'rule = "shortest-wait"' in group
    lines = alone.splitlines()
    assert all(line.startswith("# ") for line in lines[:3])  # its own header
    assert lines[3:] == group.replace('rule = "shortest-wait"', 'rule = "home"').splitlines()
