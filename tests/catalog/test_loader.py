"""catalog/loader.py: packaged data loads; user files extend and override; errors name file and field."""

from pathlib import Path

import pytest

from rltcare.catalog import load_catalog, parse_nuclide
from rltcare.errors import CatalogError, UnknownNameError

NUCLIDE = """[meta]
kind = "nuclides"
source = "test"

[[nuclide]]
name = "{name}"
half_life = "{half_life}"
role = "therapy"
source = "a test source"
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_catalog_loads_required_nuclides(catalog):
    required = [
        "Lu-177",
        "Lu-177m",
        "I-131",
        "Y-90",
        "Ra-223",
        "Ac-225",
        "Ac-227",
        "Pb-212",
        "Tb-161",
        "Sm-153",
        "Ho-166",
        "Cu-67",
        "Ga-68",
        "F-18",
        "Tc-99m",
        "In-111",
        "Cu-64",
        "Zr-89",
    ]
    assert set(required) <= set(catalog.nuclides)
    assert all(n.source for n in catalog.nuclides.values())
    assert catalog.version and len(catalog.version) == 12


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("177Lu", "Lu-177"),
        ("Lu177", "Lu-177"),
        ("lu-177", "Lu-177"),
        ("177mLu", "Lu-177m"),
        ("Lu-177m", "Lu-177m"),
        ("Tc99m", "Tc-99m"),
        ("F 18", "F-18"),
    ],
)
def test_parse_nuclide(text, canonical):
    assert parse_nuclide(text) == canonical


def test_user_file_adds_and_overrides(tmp_path, monkeypatch):
    write(tmp_path, "mine.toml", NUCLIDE.format(name="Sr-89", half_life="50.57 d"))
    monkeypatch.setenv("RLTCARE_CATALOG_PATH", str(tmp_path))
    catalog = load_catalog()
    assert catalog.nuclide("89Sr").half_life_h == pytest.approx(50.57 * 24)
    write(tmp_path, "override.toml", NUCLIDE.format(name="Lu-177", half_life="6.65 d"))
    assert load_catalog().nuclide("Lu-177").half_life_h == pytest.approx(6.65 * 24)
    assert str(tmp_path / "override.toml") in load_catalog().files


def test_extra_argument_accepts_a_single_file(tmp_path):
    path = write(tmp_path, "one.toml", NUCLIDE.format(name="Sr-89", half_life="50.57 d"))
    assert "Sr-89" in load_catalog([path]).nuclides


@pytest.mark.parametrize(
    ("text", "field", "fragment"),
    [
        (NUCLIDE.format(name="Sr-89", half_life="50 GBq"), "half_life", "is an activity"),
        (
            NUCLIDE.format(name="Sr-89", half_life="50 d").replace("role =", "rol ="),
            "rol",
            "unknown field 'rol'; did you mean 'role'?",
        ),
        (
            NUCLIDE.format(name="Sr-89", half_life="50 d").replace(
                'source = "a test source"\n', ""
            ),
            "source",
            "is required",
        ),
        (
            NUCLIDE.format(name="Sr-89", half_life="50 d").replace('kind = "nuclides"', ""),
            "meta.kind",
            "does not say what it holds",
        ),
    ],
)
def test_bad_user_file_names_file_and_field(tmp_path, text, field, fragment):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(CatalogError) as info:
        load_catalog([path])
    assert info.value.file == str(path)
    assert info.value.field == field
    assert fragment in info.value.one_line()
    assert "nuclide" in info.value.one_line()


def test_bad_toml_and_missing_path(tmp_path):
    with pytest.raises(CatalogError, match="not valid TOML"):
        load_catalog([write(tmp_path, "broken.toml", "[meta\nkind=")])
    with pytest.raises(CatalogError, match="does not exist"):
        load_catalog([tmp_path / "nowhere"])


def test_csv_table_errors_name_row_and_column(tmp_path):
    text = "# kind: table test_table\n# source: test\nenergy_mev,value\n0.1,1.0\n0.2,abc\n"
    with pytest.raises(CatalogError) as info:
        load_catalog([write(tmp_path, "t.csv", text)])
    assert (info.value.row, info.value.field, info.value.line) == (2, "value", 5)


def test_unknown_names_suggest_the_nearest(catalog):
    with pytest.raises(UnknownNameError) as info:
        catalog.nuclide("Lu-178")
    assert "Lu-177" in info.value.suggestions
    with pytest.raises(UnknownNameError, match="did you mean"):
        catalog.jurisdiction("dee")
