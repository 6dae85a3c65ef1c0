"""Building the model: catalog products, calendars that never open, supplies that never meet."""

from __future__ import annotations

from types import SimpleNamespace
from typing import ClassVar

import numpy as np
import pytest

from rltcare.capacity.model import build_model
from rltcare.errors import InputError, NotAchievableError, UnknownNameError

from .scenarios import build, ward


class FakeCatalog:
    """Just enough catalog: one product with cycles, interval, shelf life and nuclide."""

    products: ClassVar[dict] = {
        "lu177-psma-617": SimpleNamespace(
            id="lu177-psma-617", cycles=6, interval_h=1008.0, shelf_life_h=120.0, nuclide="lu177"
        )
    }

    def nuclide(self, key):
        return SimpleNamespace(half_life_h=159.5)

    def radiopharmaceutical(self, key):
        if key not in self.products:
            raise UnknownNameError("radiopharmaceutical", key, self.products)
        return self.products[key]


def test_product_fills_cycles_interval_and_shelf_life() -> None:
    data = ward()
    ind = data["indication"][0]
    del ind["cycles"], ind["interval"], ind["stop_probability"]
    ind["product"] = "lu177-psma-617"
    del data["supply"][0]["shelf_life"]
    model = build_model(build(data), FakeCatalog())
    assert model.indications[0].cycles == 6
    assert model.indications[0].interval_h == 1008.0
    assert model.supplies[0].shelf_h == 120.0
    assert model.supplies[0].half_life_h == 159.5  # the doses decay with the product's nuclide


def test_unknown_product_suggests_a_name() -> None:
    data = ward()
    data["indication"][0]["product"] = "lu177-psma-671"
    with pytest.raises(UnknownNameError) as info:
        build_model(build(data), FakeCatalog(), file="s.toml")
    assert info.value.field == "indication[0].product"
    assert "lu177-psma-617" in info.value.hint


def test_ward_that_never_admits_names_the_patients() -> None:
    data = ward()
    data["resource"][0]["units"] = 0
    with pytest.raises(NotAchievableError, match="patients of 'mcrpc' can never be treated"):
        build_model(build(data))


def test_supply_that_never_meets_an_admission_day() -> None:
    data = ward()
    data["supply"][0] |= {"delivery_days": ["fri"], "shelf_life": "24 h"}
    with pytest.raises(NotAchievableError) as info:
        build_model(build(data))
    assert info.value.field == "supply[0].delivery_days"
    assert "shelf life" in info.value.message


def test_chair_session_longer_than_opening_hours() -> None:
    data = ward()
    data["indication"][0] |= {
        "care": "outpatient",
        "resource": "chairs",
        "length_of_stay": {"model": "fixed", "hours": 10},
    }
    data["resource"].append(
        {"name": "chairs", "kind": "chair", "units": 2, "open": "08:00", "close": "16:00"}
    )
    with pytest.raises(NotAchievableError, match="does not fit"):
        build_model(build(data))


def test_scanner_without_slots() -> None:
    data = ward()
    data["resource"][1]["units"] = 0
    with pytest.raises(NotAchievableError, match="never offers a slot"):
        build_model(build(data))


def test_cycles_needed_without_product() -> None:
    data = ward()
    del data["indication"][0]["cycles"]
    data["indication"][0]["stop_probability"] = 0.1
    with pytest.raises(InputError, match="needs cycles"):
        build_model(build(data))


def test_calendar_arrays() -> None:
    model = build_model(build(ward()))
    rooms = model.resources[0]
    # Admissions at 08:00 on Mon/Tue/Wed only (the start date is a Monday).
    assert set((rooms.admit_cells[:6] * model.step_h % 24).tolist()) == {8.0}
    days = (rooms.admit_cells * model.step_h // 24 % 7).astype(int)
    assert set(days.tolist()) == {0, 1, 2, 3}
    assert np.all(rooms.capacity == 4)


def test_screen_failure_needs_a_pet_step() -> None:
    data = ward()
    data["pathway"].pop("eligibility_pet")
    with pytest.raises(InputError, match="needs an eligibility PET step") as info:
        build_model(build(data))
    assert info.value.field == "indication[0].screen_failure"
