"""Length-of-stay models: how long a treatment holds its bed or chair, per patient.

The engine asks a :class:`LengthOfStayModel` for ``n`` stays at once (vectorised,
one random stream), so that a physics-based model can evaluate the discharge
rule for every simulated patient in one call. Rounding to the ward's discharge
times depends on the admission time and is done by :func:`round_to_discharge`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from rltcare.errors import InputError, NotAchievableError

if TYPE_CHECKING:
    from rltcare.capacity.sections import LengthOfStay
    from rltcare.catalog import Catalog


@runtime_checkable
class LengthOfStayModel(Protocol):
    """Anything with ``sample(n, rng) -> np.ndarray`` of stays in hours (shape (n,))."""

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray: ...


@dataclass(frozen=True)
class FixedStay:
    hours: float

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return np.full(n, self.hours)


@dataclass(frozen=True)
class ExponentialStay:
    """Exponential stays (mean ``hours``): the M/M/c validation case."""

    hours: float

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.exponential(self.hours, n)


@dataclass(frozen=True)
class LognormalStay:
    median_h: float
    cv: float

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        sigma = np.sqrt(np.log1p(self.cv**2))
        return self.median_h * np.exp(sigma * rng.standard_normal(n))


@dataclass(frozen=True)
class EmpiricalStay:
    """Resampled observed stays (e.g. a ward's audit)."""

    values_h: tuple[float, ...]

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return np.asarray(self.values_h)[rng.integers(0, len(self.values_h), n)]


@dataclass(frozen=True)
class PhysicsLengthOfStay:
    """Stays from the discharge engine: each patient's sampled kinetics under a jurisdiction's rule.

    Calls :func:`rltcare.physics.release.earliest_discharge_h` (imported when first
    used) for ``n`` patients with kinetics drawn from the product's retention model.
    """

    jurisdiction: str
    product: str
    activity_mbq: float | None = None
    cycles_per_year: int = 1
    catalog: Catalog | None = field(default=None, compare=False)

    def __reduce__(self):
        # A catalog does not pickle; a worker process reloads it from the same files.
        extra = None if self.catalog is None else _user_files(self.catalog)
        args = (self.jurisdiction, self.product, self.activity_mbq, self.cycles_per_year, extra)
        return (_physics_stay, args)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.sample_at(n, rng, (1.0,))[0]

    def sample_at(
        self, n: int, rng: np.random.Generator, fractions: tuple[float, ...]
    ) -> list[np.ndarray]:
        """Stays of the same ``n`` sampled patients at each fraction of the planned activity."""
        from rltcare.catalog import default_catalog
        from rltcare.physics.release import earliest_discharge_h
        from rltcare.physics.retention import Kinetics

        catalog = self.catalog or default_catalog()
        product = catalog.radiopharmaceutical(self.product)
        nuclide = catalog.nuclide(product.nuclide)
        kinetics = Kinetics.sample(product.retention, nuclide.half_life_h, n, rng)
        planned = self.activity_mbq or product.typical_activity_mbq
        out = []
        for fraction in fractions:
            stays = np.asarray(
                earliest_discharge_h(
                    catalog.jurisdiction(self.jurisdiction),
                    product,
                    np.full(n, planned * fraction),
                    kinetics,
                    cycles_per_year=self.cycles_per_year,
                    catalog=catalog,
                ),
                dtype=float,
            )
            if not np.all(np.isfinite(stays)):
                raise NotAchievableError(
                    f"{np.count_nonzero(~np.isfinite(stays))} of {n} sampled patients given "
                    f"{product.id} could never be discharged under '{self.jurisdiction}'",
                    hint="lower the activity or use a fixed length of stay",
                )
            out.append(stays)
        return out


def _user_files(catalog) -> tuple[str, ...]:
    """The catalog's files that are not packaged with rltcare."""
    from rltcare.catalog.loader import packaged_data_dir

    packaged = str(packaged_data_dir())
    return tuple(f for f in getattr(catalog, "files", ()) if not str(f).startswith(packaged))


def _physics_stay(jurisdiction, product, activity_mbq, cycles_per_year, extra):
    from rltcare.catalog import default_catalog

    catalog = None if extra is None else default_catalog(extra)
    return PhysicsLengthOfStay(jurisdiction, product, activity_mbq, cycles_per_year, catalog)


@dataclass(frozen=True)
class AtLeast:
    """Another model's stays, never shorter than ``hours`` (infusion and observation)."""

    model: LengthOfStayModel
    hours: float

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return np.maximum(self.model.sample(n, rng), self.hours)


def sample_with_slope(
    model: LengthOfStayModel, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Stays at the planned activity, and the hours a halving of the activity takes off each.

    Only the physics model depends on the activity: its slope is the difference
    between each patient's stay at the planned and at half the planned activity
    (same kinetics), exact when clearance is mono-exponential. Other models: 0.
    """
    base = model.model if isinstance(model, AtLeast) else model
    if not isinstance(base, PhysicsLengthOfStay):
        return model.sample(n, rng), np.zeros(n)
    full, half = base.sample_at(n, rng, (1.0, 0.5))
    stays = np.maximum(full, model.hours) if isinstance(model, AtLeast) else full
    return stays, np.maximum(full - half, 0.0)


def minimum_stay_h(model: LengthOfStayModel) -> float:
    return model.hours if isinstance(model, AtLeast) else 0.0


def stay_model_from(
    spec: LengthOfStay,
    *,
    product: str | None,
    jurisdiction: str | None,
    cycles_per_year: int,
    catalog: Catalog | None,
    field: str,
) -> LengthOfStayModel:
    """Build the model a scenario's ``length_of_stay`` table describes."""
    model = _base_model(spec, product, jurisdiction, cycles_per_year, catalog, field)
    return AtLeast(model, spec.minimum_h) if spec.minimum_h > 0 else model


def _base_model(spec, product, jurisdiction, cycles_per_year, catalog, field) -> LengthOfStayModel:
    if spec.model == "fixed":
        return FixedStay(spec.hours)
    if spec.model == "exponential":
        return ExponentialStay(spec.hours)
    if spec.model == "lognormal":
        return LognormalStay(spec.median_h, spec.cv)
    if spec.model == "empirical":
        return EmpiricalStay(tuple(spec.values_h))
    where = spec.jurisdiction or jurisdiction
    if where is None or product is None:
        raise InputError(
            "the physics length of stay needs the indication's product and a jurisdiction",
            field=field,
            hint="set indication.product and length_of_stay.jurisdiction "
            "(or simulation.jurisdiction)",
        )
    return PhysicsLengthOfStay(where, product, spec.activity_mbq, cycles_per_year, catalog)


def round_to_discharge(end_h: float, discharge_clock_h: tuple[float, ...]) -> float:
    """The first discharge time (hours after midnight of day 0) at or after ``end_h``."""
    if not discharge_clock_h:
        return end_h
    day = np.floor(end_h / 24.0) * 24.0
    later = [clock for clock in sorted(discharge_clock_h) if day + clock >= end_h - 1e-9]
    return float(day + later[0]) if later else float(day + 24.0 + min(discharge_clock_h))
