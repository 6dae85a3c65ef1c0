"""The reference models' background mortality: transcription checks against rows of the
SSA period life table 2023 (2026 Trustees Report, Table 4C6, males)."""

import tomllib
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parents[2] / "examples" / "economics"
MODELS = ["vision_lu_psma.toml", "netter1_lutathera.toml"]

# Male q(x) as printed by SSA, read separately from the rows copied into the model files.
SSA_2023_MALE_QX = {60: 0.011337, 63: 0.014229, 65: 0.016455, 70: 0.022903, 80: 0.055633,
                    90: 0.159458, 100: 0.366568, 119: 0.926604}  # fmt: skip


def _table(name):
    return tomllib.loads((EXAMPLES / name).read_text())["background_mortality"]


@pytest.mark.parametrize("name", MODELS)
def test_single_ages_60_to_119_with_the_published_rows(name):
    table = _table(name)
    assert table["first_age"] == 60 and len(table["qx"]) == 60
    for age, qx in SSA_2023_MALE_QX.items():
        assert table["qx"][age - 60] == qx, age
    qx = table["qx"]
    assert all(qx[i] < qx[i + 1] for i in range(len(qx) - 1))  # rises with age after 60
    assert "Period Life Table, 2023" in table["source"]


def test_the_nhs_model_says_its_us_table_is_a_stand_in():
    assert _table(MODELS[1])["qx"] == _table(MODELS[0])["qx"]
    assert _table(MODELS[1])["source"].startswith("ASSUMPTION")
