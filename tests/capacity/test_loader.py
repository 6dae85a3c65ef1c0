"""Scenario files: TOML reading, error messages naming file and key, JSON Schema."""

from __future__ import annotations

import pytest

from rltcare.capacity.loader import load_scenario, loads_scenario, scenario_json_schema
from rltcare.errors import InputError

from .scenarios import build, ward

GOOD = """
[simulation]
horizon = "1 year"

[[indication]]
name = "mcrpc"
referrals_per_week = 2
cycles = 4
interval = "6 weeks"
care = "inpatient"
resource = "rooms"
length_of_stay = { model = "fixed", hours = 48 }

[[resource]]
name = "rooms"
kind = "bed"
units = 2
"""


def test_load_scenario(tmp_path) -> None:
    path = tmp_path / "a.toml"
    path.write_text(GOOD)
    scenario = load_scenario(path)
    assert scenario.indications[0].interval_h == 6 * 168
    assert scenario.simulation.horizon_h == 8766


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            lambda d: d["indication"][0].update(resource="roomz"),
            "indication[0].resource",
            "unknown resource 'roomz'",
        ),
        (
            lambda d: d["indication"][0].update(referrals_per_week=-1),
            "indication[0].referrals_per_week",
            "must be at least 0",
        ),
        (
            lambda d: d["indication"][0].update(interval="1 d"),
            "indication[0].interval",
            "not longer than the length of stay",
        ),
        (
            lambda d: d["indication"][0].update(intervall="1 d"),
            "indication[0].intervall",
            "not a known key",
        ),
        (lambda d: d["resource"][0].update(kind="chair"), "indication[0].resource", "needs a bed"),
        (
            lambda d: d["pathway"].update(eligibility_pet="nope"),
            "pathway.eligibility_pet",
            "unknown resource",
        ),
        (
            lambda d: d["supply"][0].update(outages=[{"start": "2020-01-01", "end": "2040-01-01"}]),
            "supply[0].outages[0]",
            "covers the whole horizon",
        ),
        (
            lambda d: d["supply"][0].update(delivery_days=["someday"]),
            "supply[0].delivery_days[0]",
            "Input should be",
        ),
        (
            lambda d: d["staff"][0]["minutes"].update(coffee=5),
            "staff[0].minutes",
            "unknown task 'coffee'",
        ),
        (
            lambda d: d["indication"][0].update(stop_probability=[0.1]),
            "indication[0].stop_probability",
            "needs 3 values",
        ),
        (
            lambda d: d["indication"][0]["length_of_stay"].update(model="lognormal", median=None),
            "indication[0].length_of_stay",
            "needs median",
        ),
    ],
)
def test_bad_input_names_file_and_key(change, field, words) -> None:
    data = ward()
    change(data)
    with pytest.raises(InputError) as info:
        build(data)
    assert info.value.file == "test.toml"
    assert info.value.field == field
    assert words in info.value.message


def test_bad_toml_names_file() -> None:
    with pytest.raises(InputError, match=r"x.toml: not valid TOML"):
        loads_scenario("[simulation\nhorizon=", file="x.toml")


def test_missing_file() -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_scenario("/nonexistent/scenario.toml")


def test_json_schema_lists_the_file_keys() -> None:
    schema = scenario_json_schema()
    assert {"indication", "resource", "supply", "simulation"} <= set(schema["properties"])
    assert schema["title"] == "rltcare capacity scenario"
