"""Jurisdiction files: every packaged file validates; a broken copy names its file and field."""

import re
from pathlib import Path

import pytest

from rltcare.catalog import load_catalog
from rltcare.catalog.loader import packaged_data_dir
from rltcare.errors import CatalogError, UnknownNameError

FOLDER = packaged_data_dir() / "jurisdictions"
FILES = sorted(FOLDER.glob("*.toml"))
REQUIRED = {"us", "de", "uk", "it", "pl", "es", "iaea"}


def test_every_required_jurisdiction_is_packaged(catalog):
    assert set(catalog.jurisdictions) >= REQUIRED
    assert {p.stem for p in FILES} >= REQUIRED


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_part_is_sourced(path, catalog):
    rule = catalog.jurisdiction(path.stem)
    assert rule.source and rule.version
    parts = [*rule.criteria, *rule.constraints, rule.most_exposed, rule.instructions]
    assert all(len(part.source) > 10 for part in parts)
    assert {c.group for c in rule.constraints} == {
        "carers",
        "partner",
        "children",
        "pregnant",
        "co_workers",
        "public",
    }


def test_contact_patterns_are_loaded(catalog):
    assert {
        "sleeping-apart",
        "child-close-contact",
        "pregnant-contact",
        "return-to-work",
        "public-transport",
    } <= set(catalog.contact_scenarios)


def test_us_rule_values(catalog):
    us = catalog.jurisdiction("us")
    assert us.combine == "any"
    assert {c.limit_msv for c in us.criteria} == {5.0}
    assert us.instructions.threshold_msv == 1.0
    assert us.most_exposed.occupancy == 0.25 and us.most_exposed.distance_m == 1.0


def test_germany_rule_values(catalog):
    criteria = {c.id: c for c in catalog.jurisdiction("de").criteria}
    assert criteria["minimum-stay"].duration_h == 48
    assert criteria["dose-rate-2m"].limit_usv_h == 3.5 and criteria["dose-rate-2m"].distance_m == 2
    assert criteria["public-1msv-per-year"].limit_per == "year"


def _broken_copy(tmp_path: Path, stem: str, old: str, new: str) -> Path:
    text = (FOLDER / f"{stem}.toml").read_text(encoding="utf-8")
    assert re.search(old, text, flags=re.M), old
    path = tmp_path / f"{stem}-broken.toml"
    path.write_text(re.sub(old, new, text, count=1, flags=re.M), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (r'^limit = "5 mSv"\n', "", "criteria[0].dose_to_others.limit"),  # missing
        (r'^limit = "5 mSv"', 'limmit = "5 mSv"', "criteria[0].dose_to_others.limmit"),  # typo
        (r'^limit = "5 mSv"', 'limit = "5 GBq"', "criteria[0].dose_to_others.limit"),  # unit
        (r"^occupancy = 0.25", "occupancy = 2.5", "criteria[0].dose_to_others.occupancy"),
        (r'^combine = "any"', 'combine = "either"', "combine"),
        (r'^kind = "dose_to_others"', 'kind = "dose_to_others_x"', "criteria[0]"),
    ],
)
def test_broken_file_names_file_and_field(tmp_path, old, new, field):
    path = _broken_copy(tmp_path, "us", old, new)
    with pytest.raises(CatalogError) as info:
        load_catalog([path])
    assert info.value.file == str(path)
    assert info.value.field == field
    assert str(path) in info.value.one_line() and field in info.value.one_line()


def test_missing_top_level_field(tmp_path):
    path = _broken_copy(tmp_path, "de", r"^\[most_exposed\]\n(.*\n)*?\n", "")
    with pytest.raises(CatalogError) as info:
        load_catalog([path])
    assert info.value.field == "most_exposed"
    assert "missing" in info.value.one_line().lower()


def test_a_user_file_overrides_a_packaged_rule(tmp_path):
    path = _broken_copy(tmp_path, "de", r'^limit = "3.5 µSv/h"', 'limit = "5 µSv/h"')
    rule = load_catalog([path]).jurisdiction("de")
    assert {c.id: c for c in rule.criteria}["dose-rate-2m"].limit_usv_h == 5.0


def test_unknown_jurisdiction_suggests_the_nearest(catalog):
    with pytest.raises(UnknownNameError, match="did you mean") as info:
        catalog.jurisdiction("uss")
    assert "us" in info.value.suggestions
