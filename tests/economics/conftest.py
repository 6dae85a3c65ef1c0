from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def model_text() -> str:
    return (DATA / "three_strategies.toml").read_text()


@pytest.fixture
def model(model_text):
    from rltcare.economics import model_from_toml

    return model_from_toml(model_text, file="three_strategies.toml")
