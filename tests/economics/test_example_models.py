"""The reference models are package data, the same files as examples/economics/."""

from pathlib import Path

import pytest

from rltcare.economics import model_from_toml
from rltcare.economics.example_models import example_names, example_text
from rltcare.errors import InputError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "economics"


def test_packaged_models_are_the_repository_examples():
    assert example_names() == ["netter1_lutathera", "vision_lu_psma"]
    for name in example_names():
        assert example_text(name) == (EXAMPLES / f"{name}.toml").read_text(encoding="utf-8")


def test_each_reference_model_states_its_published_figure():
    vision = model_from_toml(example_text("vision_lu_psma"))
    assert vision.meta["published"].startswith("Published ICER: 200,708 USD per QALY (Mehrens")
    netter = model_from_toml(example_text("netter1_lutathera.toml"))
    assert "42,106 EUR per QALY" in netter.meta["published"]


def test_published_needs_a_source_and_unknown_models_are_named():
    text = example_text("vision_lu_psma").replace(
        'source = "Mehrens D et al. JNCCN 2023;21(1):43–50"\n', ""
    )
    with pytest.raises(InputError) as info:
        model_from_toml(text)
    assert "published" in (info.value.field or "")
    with pytest.raises(InputError, match="vision_lu_psma"):
        example_text("nope")
