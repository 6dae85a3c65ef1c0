"""The example scenarios shipped inside the package (``rltcare/capacity/examples/*.toml``).

They are package data, so an installed wheel has them; the repository's
``examples/*.toml`` are symbolic links to the same files, for the docs.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from rltcare.capacity.loader import loads_scenario
from rltcare.capacity.scenario import Scenario
from rltcare.errors import InputError


def _folder() -> Traversable:
    return resources.files("rltcare.capacity") / "examples"


def example_names() -> list[str]:
    """File names of the examples, sorted (``uk_outpatient_day_case.toml``)."""
    return sorted(p.name for p in _folder().iterdir() if p.name.endswith(".toml"))


def example_text(name: str) -> str:
    """The TOML text of one example, by file name (with or without ``.toml``)."""
    file = name if name.endswith(".toml") else f"{name}.toml"
    if file not in example_names():
        raise InputError(
            f"no example scenario '{name}'", field="example", hint=", ".join(example_names())
        )
    return (_folder() / file).read_text(encoding="utf-8")


def load_example(name: str) -> Scenario:
    """One example, validated."""
    return loads_scenario(example_text(name), file=f"examples/{name}")


def scenario_source(path: str | Path) -> tuple[str, str]:
    """(TOML text, name for messages) of a scenario file, or of a packaged example of that name.

    ``rltcare simulate uk_outpatient_day_case`` works from an installed wheel, where the
    repository's examples/ folder is absent.
    """
    path = Path(path)
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise InputError(f"cannot read the scenario: {exc.strerror}", file=str(path)) from None
    name = path.name if path.name.endswith(".toml") else f"{path.name}.toml"
    if name in example_names():
        return example_text(name), f"examples/{name}"
    raise InputError(
        "no such scenario file or packaged example",
        file=str(path),
        hint=f"packaged examples: {', '.join(n.removesuffix('.toml') for n in example_names())}",
    )
