"""Length-of-stay models, including the physics model with a test double for the discharge engine."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from rltcare.capacity.stay import (
    EmpiricalStay,
    ExponentialStay,
    FixedStay,
    LengthOfStayModel,
    LognormalStay,
    PhysicsLengthOfStay,
    round_to_discharge,
)
from rltcare.errors import NotAchievableError


@pytest.mark.parametrize(
    ("model", "mean"),
    [
        (FixedStay(48), 48),
        (ExponentialStay(10), 10),
        (LognormalStay(40, 0.25), 40 * np.exp(np.log1p(0.0625) / 2)),
        (EmpiricalStay((24, 48, 72)), 48),
    ],
)
def test_models_sample_with_their_mean(model, mean) -> None:
    assert isinstance(model, LengthOfStayModel)
    x = model.sample(40_000, np.random.default_rng(1))
    assert x.shape == (40_000,)
    assert x.mean() == pytest.approx(mean, rel=0.02)


def test_round_to_discharge() -> None:
    assert round_to_discharge(8 + 40, (10.0, 16.0)) == 48 + 10  # Mon 08:00 + 40 h → Wed 10:00
    assert round_to_discharge(8 + 52, (10.0, 16.0)) == 48 + 16  # Wed 12:00 → Wed 16:00
    assert round_to_discharge(8 + 50, (10.0, 16.0)) == 48 + 10  # Wed 10:00 exactly
    assert round_to_discharge(8 + 57, (10.0,)) == 72 + 10  # Wed 17:00 → Thu 10:00
    assert round_to_discharge(30.0, ()) == 30.0


@pytest.fixture
def fake_release(monkeypatch):
    """Stands in for rltcare.physics.release until the discharge engine is merged."""
    calls = {}

    def earliest_discharge_h(
        jurisdiction, product, administered_mbq, kinetics, *, cycles_per_year=1, catalog=None
    ):
        calls.update(
            jurisdiction=jurisdiction.id,
            product=product.id,
            n=len(administered_mbq),
            cycles=cycles_per_year,
        )
        never = jurisdiction.id == "never"
        return np.where(never, np.inf, 24.0 + kinetics.half_lives_h[:, -1])

    module = types.ModuleType("rltcare.physics.release")
    module.earliest_discharge_h = earliest_discharge_h
    monkeypatch.setitem(sys.modules, "rltcare.physics.release", module)
    return calls


class _Catalog:
    def __init__(self, half_life_h=40.5):
        from rltcare.catalog.radiopharmaceutical import RetentionModel

        retention = RetentionModel(
            components=[{"fraction": 0.5, "effective_half_life": half_life_h, "half_life_cv": 0.2}],
            source="test",
        )
        self.product = types.SimpleNamespace(
            id="lu177-psma-617", nuclide="Lu-177", typical_activity_mbq=7400.0, retention=retention
        )

    def radiopharmaceutical(self, key):
        return self.product

    def jurisdiction(self, key):
        return types.SimpleNamespace(id=key)

    def nuclide(self, name):
        return types.SimpleNamespace(half_life_h=159.5)


def test_physics_stay_calls_the_discharge_engine(fake_release) -> None:
    model = PhysicsLengthOfStay("de", "lu177-psma-617", cycles_per_year=8, catalog=_Catalog())
    stays = model.sample(500, np.random.default_rng(3))
    assert fake_release == {
        "jurisdiction": "de",
        "product": "lu177-psma-617",
        "n": 500,
        "cycles": 8,
    }
    assert stays.shape == (500,)
    assert 40 < np.median(stays) < 90  # 24 h + a sampled half-life around 40.5 h


def test_physics_stay_never_dischargeable(fake_release) -> None:
    model = PhysicsLengthOfStay("never", "x", catalog=_Catalog())
    with pytest.raises(NotAchievableError, match="could never be discharged"):
        model.sample(10, np.random.default_rng(0))


def test_physics_stay_pickles_without_its_catalog(catalog) -> None:
    import pickle

    model = PhysicsLengthOfStay("de", "lu177-psma-617", cycles_per_year=8, catalog=catalog)
    copy = pickle.loads(pickle.dumps(model))
    assert (copy.jurisdiction, copy.product, copy.cycles_per_year) == ("de", "lu177-psma-617", 8)
    assert copy.catalog is not None
