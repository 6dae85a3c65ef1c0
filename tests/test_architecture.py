"""The layers of DESIGN.md: arrows point down. Engines never import an interface or the registry."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "rltcare"
ENGINES = ["catalog", "physics", "capacity", "national", "response", "outcomes", "economics"]
FORBIDDEN = {
    "engine": ("rltcare.web", "rltcare.cli", "rltcare.registry", "rltcare.jobs"),
    "registry": ("rltcare.web", "rltcare.cli"),
}


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py")) if (SRC / package).is_dir() else []


@pytest.mark.parametrize("package", ENGINES)
def test_engines_import_no_interface(package):
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in modules(package)
        for name in imports_of(path)
        if name.startswith(FORBIDDEN["engine"])
    ]
    assert not offenders, offenders


@pytest.mark.parametrize("package", ["registry", "cohort"])
def test_persistence_and_input_layers_import_no_interface(package):
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in modules(package)
        for name in imports_of(path)
        if name.startswith(FORBIDDEN["registry"])
    ]
    assert not offenders, offenders


def test_the_check_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from rltcare.web.app import create_app\n")
    assert imports_of(bad) == ["rltcare.web.app"]
