"""The reference models shipped inside the package (``rltcare/economics/examples/*.toml``).

They are package data, so the page and an installed wheel have them; the repository's
``examples/economics/*.toml`` are symbolic links to the same files, for the docs.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

from rltcare.errors import InputError


def _folder() -> Traversable:
    return resources.files("rltcare.economics") / "examples"


def example_names() -> list[str]:
    """Names of the reference models, sorted, without ``.toml`` (``vision_lu_psma``)."""
    return sorted(
        p.name.removesuffix(".toml") for p in _folder().iterdir() if p.name.endswith(".toml")
    )


def example_text(name: str) -> str:
    """The TOML text of one reference model, by name (with or without ``.toml``)."""
    name = name.removesuffix(".toml")
    if name not in example_names():
        raise InputError(
            f"no reference model '{name}'", field="example", hint=", ".join(example_names())
        )
    return (_folder() / f"{name}.toml").read_text(encoding="utf-8")
