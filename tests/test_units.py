"""units.py: every dimension parses, and bad quantities are rejected with the field named."""

import math
from datetime import timedelta

import pytest

from rltcare.errors import UnitError
from rltcare.units import (
    parse_activity,
    parse_distance,
    parse_dose,
    parse_dose_rate,
    parse_duration,
    parse_mass,
    parse_specific_activity,
    parse_timestamp,
)


@pytest.mark.parametrize(
    ("text", "mbq"),
    [
        ("7.4 GBq", 7400.0),
        ("200 mCi", 7400.0),
        ("1 Ci", 37000.0),
        ("500 kBq", 0.5),
        ("1e6 Bq", 1.0),
        ("27 µCi", 0.999),
        ("0.5TBq", 5e5),
    ],
)
def test_parse_activity(text, mbq):
    assert math.isclose(parse_activity(text), mbq, rel_tol=1e-12)


def test_parse_other_dimensions():
    assert parse_duration("6 weeks") == 1008.0
    assert parse_duration("90 min") == 1.5
    assert parse_duration("1 y") == 8766.0
    assert parse_distance("30 cm") == pytest.approx(0.3)
    assert parse_mass("250 g") == pytest.approx(0.25)
    assert parse_dose("300 uSv") == pytest.approx(0.3)
    assert parse_dose_rate("0.07 mSv/h") == pytest.approx(70.0)
    assert parse_specific_activity("100 kBq/kg") == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("48 h", "is a time, but an activity is expected"),
        ("-1 GBq", "more than zero"),
        ("0 MBq", "more than zero"),
        ("7.4", "has no unit"),
        ("7.4 GBqq", "unknown activity unit 'GBqq'"),
        ("lots", "cannot read"),
        ("inf GBq", "cannot read"),
    ],
)
def test_parse_activity_rejects(text, fragment):
    with pytest.raises(UnitError, match=fragment) as info:
        parse_activity(text, field="activity")
    assert info.value.field == "activity"
    assert "activity" in info.value.one_line()


def test_default_unit_applies_to_bare_numbers_only_when_named():
    assert parse_activity(7400, default_unit="MBq") == 7400.0
    with pytest.raises(UnitError, match="needs a unit"):
        parse_activity(7400)


def test_a_default_unit_never_applies_to_text():
    """'7.4' typed in a form is refused even where a JSON number would be read as MBq."""
    with pytest.raises(UnitError, match="has no unit"):
        parse_activity("7.4", default_unit="MBq")


def test_text_types_refuse_numbers_and_canonical_types_take_them():
    from pydantic import TypeAdapter, ValidationError

    from rltcare.units import Activity, ActivityText

    assert TypeAdapter(Activity).validate_python(7400) == 7400.0
    assert TypeAdapter(ActivityText).validate_python("7.4 GBq") == 7400.0
    for bare in (7400, "7400"):
        with pytest.raises(ValidationError, match="unit"):
            TypeAdapter(ActivityText).validate_python(bare)


def test_parse_timestamp_requires_a_zone():
    stamp = parse_timestamp("2026-11-27T09:30+01:00")
    assert stamp.utcoffset() == timedelta(hours=1)
    with pytest.raises(UnitError, match="no time zone"):
        parse_timestamp("2026-11-27T09:30")
    with pytest.raises(UnitError, match="ISO 8601"):
        parse_timestamp("27/11/2026")
