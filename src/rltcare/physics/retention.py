"""Whole-body retention of a radiopharmaceutical, for one typical patient or many sampled ones.

R(t) = Σₖ fₖ·exp(−λₖ·t) with effective decay constants λₖ = ln2/Tₖ. Fractions that
add up to less than one mean the rest leaves the body at once (e.g. the first
void); a component given with a biological half-life Tb gets the effective
half-life 1/Te = 1/Tp + 1/Tb; one with neither decays physically only.

Arrays are shaped (patients, components) so that every quantity is computed for
a million patients at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rltcare.catalog.radiopharmaceutical import RetentionComponent, RetentionModel

LN2 = np.log(2.0)


def effective_half_life_h(component: RetentionComponent, physical_half_life_h: float) -> float:
    """The component's effective half-life in hours."""
    if component.effective_half_life_h is not None:
        return float(min(component.effective_half_life_h, physical_half_life_h))
    if component.biological_half_life_h is not None:
        tb = component.biological_half_life_h
        return float(physical_half_life_h * tb / (physical_half_life_h + tb))
    return float(physical_half_life_h)


@dataclass(frozen=True)
class Kinetics:
    """Retention parameters of ``n`` patients: ``fractions`` and ``half_lives_h``, both (n, k)."""

    fractions: np.ndarray
    half_lives_h: np.ndarray

    def __post_init__(self) -> None:
        if self.fractions.shape != self.half_lives_h.shape or self.fractions.ndim != 2:
            raise ValueError("fractions and half_lives_h must both be (patients, components)")

    @property
    def n(self) -> int:
        return self.fractions.shape[0]

    @property
    def decay_constants_per_h(self) -> np.ndarray:
        return LN2 / self.half_lives_h

    def retained(self, time_h: np.ndarray | float) -> np.ndarray:
        """Retained fraction of the administered activity.

        ``time_h`` may be a scalar, an array of shape (n,) (one time per patient),
        or shape (m,) with ``n == 1``; the result has the broadcast shape.
        """
        t = np.asarray(time_h, dtype=float)
        lam = self.decay_constants_per_h
        if self.n == 1:
            return (self.fractions[0] * np.exp(-np.multiply.outer(t, lam[0]))).sum(axis=-1)
        return (self.fractions * np.exp(-lam * t[..., None])).sum(axis=-1)

    def integral_h(
        self, start_h: np.ndarray | float, end_h: np.ndarray | float = np.inf
    ) -> np.ndarray:
        """∫ R(t) dt from ``start_h`` to ``end_h`` in hours (fraction × hours), per patient."""
        lam = self.decay_constants_per_h
        start = np.asarray(start_h, dtype=float)[..., None]
        end = np.asarray(end_h, dtype=float)[..., None]
        tail = np.where(np.isinf(end), 0.0, np.exp(-lam * np.where(np.isinf(end), 0.0, end)))
        return (self.fractions / lam * (np.exp(-lam * start) - tail)).sum(axis=-1)

    @classmethod
    def typical(cls, model: RetentionModel, physical_half_life_h: float) -> Kinetics:
        """The model's central values, as one patient."""
        fractions = np.array([[c.fraction for c in model.components]])
        half_lives = np.array(
            [[effective_half_life_h(c, physical_half_life_h) for c in model.components]]
        )
        return cls(fractions, half_lives)

    @classmethod
    def sample(
        cls,
        model: RetentionModel,
        physical_half_life_h: float,
        n: int,
        rng: np.random.Generator,
    ) -> Kinetics:
        """``n`` patients drawn from the model's between-patient spread.

        Fractions: normal with ``fraction_sd``, clipped to [0, 1], rescaled so that
        their sum never exceeds one. Half-lives: log-normal with median equal to
        the model value and ``half_life_cv``; an effective half-life never exceeds
        the physical one.
        """
        typical = cls.typical(model, physical_half_life_h)
        sd = np.array([c.fraction_sd for c in model.components])
        cv = np.array([c.half_life_cv for c in model.components])
        k = len(model.components)
        fractions = np.clip(typical.fractions + rng.standard_normal((n, k)) * sd, 0.0, 1.0)
        total = fractions.sum(axis=1, keepdims=True)
        fractions = np.where(total > 1.0, fractions / np.maximum(total, 1e-12), fractions)
        sigma = np.sqrt(np.log1p(cv**2))
        half_lives = typical.half_lives_h * np.exp(rng.standard_normal((n, k)) * sigma)
        half_lives = np.minimum(half_lives, physical_half_life_h)
        return cls(fractions, half_lives)
