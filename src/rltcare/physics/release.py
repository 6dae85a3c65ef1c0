"""When may a patient leave hospital under a jurisdiction's discharge rule?

Every criterion of a rule reduces to "a sum of decaying exponentials has fallen
below a target", with the patient's retention R(t) = Σ fₖ·exp(−λₖt) and the dose
rate k·A₀·R(t)·f(d) (k, f from :mod:`rltcare.physics.dose_rate`):

- ``dose_rate``: R(t) ≤ L / (k·A₀·f(d));
- ``retained_activity``: R(t) ≤ L / A₀;
- ``dose_to_others``: the dose from discharge at t to infinity,
  k·A₀·f(d)·Σ fₖ/λₖ·e^(−λₖt)·[E₁(1 − e^(−λₖh)) + E·e^(−λₖh)] ≤ L
  (occupancy E₁ for the first h hours, then E);
- ``minimum_stay``: t ≥ the stay.

:func:`~rltcare.physics.restrictions.first_time_below` solves the first three
for a million patients at once. ``combine = "all"`` takes the latest time,
``"any"`` the earliest; a minimum stay always holds. A time beyond one year
counts as never.
"""

from __future__ import annotations

import numpy as np

from rltcare.catalog import Catalog, Jurisdiction, Radiopharmaceutical, default_catalog
from rltcare.catalog.jurisdiction import (
    DoseRateCriterion,
    DoseToOthers,
    Exposure,
    MinimumStay,
    RetainedActivity,
)
from rltcare.errors import InputError, NotAchievableError
from rltcare.physics.dose_rate import distance_factor, dose_rate_coefficient
from rltcare.physics.restrictions import (
    RestrictionOutcome,
    first_time_below,
    restriction_outcomes,
)
from rltcare.physics.retention import Kinetics
from rltcare.result import Result

#: Horizon of the search: a patient not dischargeable within a year never is.
HORIZON_H = 8766.0


class CriterionOutcome(Result):
    """One criterion of the rule, for this patient."""

    id: str
    kind: str
    description: str
    limit: str
    applies: bool
    earliest_h: float | None
    met_now: bool | None
    source: str
    assumption: str = ""


class ReleaseResult(Result):
    """May the patient leave, when, under which criterion, and with which restrictions."""

    jurisdiction: str
    jurisdiction_name: str
    jurisdiction_version: str
    product: str
    product_name: str
    nuclide: str
    administered_mbq: float
    cycles_per_year: int
    elapsed_h: float
    may_leave_now: bool
    earliest_discharge_h: float
    binding_criterion: str
    combine: str
    discharge_h: float
    dose_rate_1m_at_discharge_usv_h: float
    dose_to_most_exposed_msv: float
    instructions_needed: bool
    instruction_threshold_msv: float
    coefficient_usv_h_per_mbq: float
    coefficient_source: str
    criteria: list[CriterionOutcome]
    restrictions: list[RestrictionOutcome]
    assumptions: list[str]
    source: str

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("rule", f"{self.jurisdiction_name} — {self.jurisdiction_version}"),
            ("patient", f"{self.product_name}, {self.administered_mbq:.4g} MBq"),
            ("cycles per year", str(self.cycles_per_year)),
            ("may leave now", f"{'yes' if self.may_leave_now else 'no'} (at {self.elapsed_h:g} h)"),
            ("earliest discharge", f"{self.earliest_discharge_h:.1f} h after administration"),
            ("binding criterion", self.binding_criterion),
            ("dose rate at 1 m then", f"{self.dose_rate_1m_at_discharge_usv_h:.3g} µSv/h"),
            ("dose to most exposed person", f"{self.dose_to_most_exposed_msv:.3g} mSv"),
            ("written instructions", "needed" if self.instructions_needed else "not needed"),
        ]
        for c in self.criteria:
            when = f"{c.earliest_h:.1f} h" if c.earliest_h is not None else "does not apply"
            rows.append((f"criterion {c.id}", f"{c.limit}: {when}"))
        for r in self.restrictions:
            rows.append((f"restriction: {r.label}", r.duration_text))
        return rows


def _physical(n: int, half_life_h: float) -> Kinetics:
    return Kinetics(np.ones((n, 1)), np.full((n, 1), float(half_life_h)))


def _occupancy_weights(exposure: Exposure, lam: np.ndarray) -> np.ndarray:
    """E₁(1 − e^(−λh)) + E·e^(−λh), per component: the occupancy-weighted tail."""
    if exposure.initial_period_h is None:
        return np.full_like(lam, exposure.occupancy)
    late = np.exp(-lam * exposure.initial_period_h)
    return exposure.initial_occupancy * (1.0 - late) + exposure.occupancy * late


def dose_from_msv(
    exposure: Exposure, rate_1m_usv_h: np.ndarray, kinetics: Kinetics, start_h: np.ndarray
) -> np.ndarray:
    """Dose (mSv) to a person placed as ``exposure`` says, from ``start_h`` to infinity."""
    lam = kinetics.decay_constants_per_h
    start = np.asarray(start_h, dtype=float)[..., None]
    tail = kinetics.fractions / lam * _occupancy_weights(exposure, lam) * np.exp(-lam * start)
    return rate_1m_usv_h * distance_factor(exposure.distance_m) * tail.sum(axis=-1) / 1e3


def _limit_text(criterion) -> str:
    if isinstance(criterion, DoseToOthers):
        per = " per year" if criterion.limit_per == "year" else ""
        where = f"{criterion.occupancy:g} occupancy at {criterion.distance_m:g} m"
        return f"≤ {criterion.limit_msv:g} mSv{per} to others ({where})"
    if isinstance(criterion, DoseRateCriterion):
        per = " per year" if criterion.limit_per == "year" else ""
        return f"≤ {criterion.limit_usv_h:g} µSv/h{per} at {criterion.distance_m:g} m"
    if isinstance(criterion, RetainedActivity):
        return f"≤ {criterion.limit_mbq:g} MBq retained"
    return f"stay ≥ {criterion.duration_h:g} h"


def _criterion_times(
    criterion,
    rate_1m: np.ndarray,
    activity: np.ndarray,
    kinetics: Kinetics,
    half_life_h: float,
    cycles: np.ndarray,
) -> np.ndarray:
    """Earliest time (h) at which ``criterion`` holds, per patient."""
    n = activity.shape[0]
    if isinstance(criterion, MinimumStay):
        return np.full(n, criterion.duration_h)
    if isinstance(criterion, RetainedActivity):
        return first_time_below(
            kinetics.fractions, kinetics.decay_constants_per_h, criterion.limit_mbq / activity
        )
    share = np.where(criterion.limit_per == "year", cycles, 1.0)
    if isinstance(criterion, DoseRateCriterion):
        target = criterion.limit_usv_h / share / (rate_1m * distance_factor(criterion.distance_m))
        return first_time_below(kinetics.fractions, kinetics.decay_constants_per_h, target)
    kin = _physical(n, half_life_h) if criterion.retention == "physical" else kinetics
    lam = kin.decay_constants_per_h
    coef = kin.fractions / lam * _occupancy_weights(criterion, lam)
    target = criterion.limit_msv / share * 1e3 / (rate_1m * distance_factor(criterion.distance_m))
    return first_time_below(coef, lam, target)


def _applicable(jurisdiction: Jurisdiction, nuclide: str) -> list:
    criteria = [c for c in jurisdiction.criteria if c.applies_to(nuclide)]
    if not any(not isinstance(c, MinimumStay) for c in criteria):
        raise InputError(
            f"jurisdiction '{jurisdiction.id}' has no discharge criterion for {nuclide}",
            field="jurisdiction",
            value=jurisdiction.id,
            hint="add a criterion without 'nuclides' (all nuclides) or one listing this nuclide",
        )
    return criteria


def _combine(jurisdiction: Jurisdiction, criteria: list, times: np.ndarray) -> tuple:
    """Discharge times (n,) and the index of the binding criterion (n,), from (c, n) times."""
    stays = np.array([isinstance(c, MinimumStay) for c in criteria])
    rule = times[~stays]
    pick = np.argmax if jurisdiction.combine == "all" else np.argmin
    chosen = pick(rule, axis=0)
    at = np.take_along_axis(rule, chosen[None], axis=0)[0]
    binding = np.flatnonzero(~stays)[chosen]
    if stays.any():
        stay_times = times[stays]
        longest = stay_times.argmax(axis=0)
        stay = np.take_along_axis(stay_times, longest[None], axis=0)[0]
        binding = np.where(stay > at, np.flatnonzero(stays)[longest], binding)
        at = np.maximum(at, stay)
    return np.where(at > HORIZON_H, np.inf, at), binding


def _inputs(product, catalog, coefficient_usv_h_per_mbq):
    catalog = catalog or default_catalog()
    half_life_h = catalog.nuclide(product.nuclide).half_life_h
    if coefficient_usv_h_per_mbq is None:
        coefficient = dose_rate_coefficient(product, catalog)
        return catalog, half_life_h, coefficient.usv_h_per_mbq_at_1m, coefficient.source
    if not coefficient_usv_h_per_mbq > 0:
        raise InputError("the dose-rate coefficient must be more than zero", field="coefficient")
    return catalog, half_life_h, float(coefficient_usv_h_per_mbq), "given by the caller"


def _check(administered: np.ndarray, cycles_per_year) -> None:
    if not np.all(np.isfinite(administered) & (administered > 0)):
        bad = administered[~(np.isfinite(administered) & (administered > 0))].ravel()[0]
        raise InputError(
            "administered activity must be more than zero", field="activity", value=float(bad)
        )
    cycles = np.asarray(cycles_per_year)
    if not np.all((cycles >= 1) & (cycles <= 52) & (cycles == np.round(cycles))):
        raise InputError(
            "cycles per year must be a whole number from 1 to 52",
            field="cycles_per_year",
            value=cycles_per_year,
        )


# An activity this many times the top of the product's labelled range is a unit slip
# (GBq typed as MBq, TBq for GBq), not a what-if: one patient's decision refuses it rather
# than report a stay of months. The vectorised engine stays general for simulations.
PLAUSIBLE_MULTIPLE_OF_RANGE = 10


def check_plausible_activity(product: Radiopharmaceutical, administered_mbq: float) -> None:
    """Refuse an activity far above anything the product is given at."""
    top_mbq = (
        product.activity_range_mbq[1]
        if product.activity_range_mbq
        else product.typical_activity_mbq
    )
    if administered_mbq > PLAUSIBLE_MULTIPLE_OF_RANGE * top_mbq:
        raise InputError(
            f"{administered_mbq:.4g} MBq is more than {PLAUSIBLE_MULTIPLE_OF_RANGE} times the "
            f"highest activity of {product.name} in the catalog ({top_mbq:.4g} MBq)",
            field="activity",
            value=administered_mbq,
            hint="check the value and its unit (GBq or MBq)",
        )


def earliest_discharge_h(
    jurisdiction: Jurisdiction,
    product: Radiopharmaceutical,
    administered_mbq: np.ndarray,
    kinetics: Kinetics,
    *,
    cycles_per_year: int | np.ndarray = 1,
    catalog: Catalog | None = None,
    coefficient_usv_h_per_mbq: float | None = None,
) -> np.ndarray:
    """Hours after administration at which each patient may leave; inf if not within a year.

    ``administered_mbq`` is (n,) and ``kinetics`` has n patients (or one, shared).
    """
    catalog, half_life_h, k, _ = _inputs(product, catalog, coefficient_usv_h_per_mbq)
    activity = np.atleast_1d(np.asarray(administered_mbq, dtype=float))
    _check(activity, cycles_per_year)
    if kinetics.n not in (1, activity.shape[0]):
        raise InputError(
            f"kinetics has {kinetics.n} patients but {activity.shape[0]} activities were given",
            field="kinetics",
        )
    if kinetics.n == 1 and activity.shape[0] > 1:
        kinetics = Kinetics(
            np.repeat(kinetics.fractions, activity.shape[0], axis=0),
            np.repeat(kinetics.half_lives_h, activity.shape[0], axis=0),
        )
    criteria = _applicable(jurisdiction, product.nuclide)
    cycles = np.broadcast_to(np.asarray(cycles_per_year, dtype=float), activity.shape)
    times = np.stack(
        [
            _criterion_times(c, k * activity, activity, kinetics, half_life_h, cycles)
            for c in criteria
        ]
    )
    return _combine(jurisdiction, criteria, times)[0]


def evaluate(
    jurisdiction: Jurisdiction,
    product: Radiopharmaceutical,
    administered_mbq: float,
    *,
    elapsed_h: float = 0.0,
    cycles_per_year: int = 1,
    kinetics: Kinetics | None = None,
    catalog: Catalog | None = None,
    coefficient_usv_h_per_mbq: float | None = None,
) -> ReleaseResult:
    """The discharge decision for one patient (the product's typical kinetics by default)."""
    catalog, half_life_h, k, k_source = _inputs(product, catalog, coefficient_usv_h_per_mbq)
    activity = np.array([float(administered_mbq)])
    _check(activity, cycles_per_year)
    check_plausible_activity(product, float(administered_mbq))
    if not (np.isfinite(elapsed_h) and elapsed_h >= 0):
        raise InputError("elapsed time must be zero or more", field="elapsed", value=elapsed_h)
    kinetics = kinetics or Kinetics.typical(product.retention, half_life_h)
    if kinetics.n != 1:
        raise InputError(
            f"evaluate takes one patient's kinetics, got {kinetics.n}",
            field="kinetics",
            hint="use earliest_discharge_h for many patients",
        )
    criteria = _applicable(jurisdiction, product.nuclide)
    cycles = np.array([float(cycles_per_year)])
    rate_1m = k * activity
    times = np.stack(
        [_criterion_times(c, rate_1m, activity, kinetics, half_life_h, cycles) for c in criteria]
    )
    at, binding = _combine(jurisdiction, criteria, times)
    bound = criteria[int(binding[0])]
    if not np.isfinite(at[0]):
        raise NotAchievableError(
            f"a patient given {administered_mbq:.4g} MBq of {product.name} would not meet the "
            f"{jurisdiction.name} discharge rule within a year (criterion '{bound.id}': "
            f"{_limit_text(bound)})",
            field="activity",
            value=administered_mbq,
            hint="check the activity and its unit",
        )
    earliest = float(at[0])
    discharge = max(earliest, float(elapsed_h))
    # The dose as the binding criterion computes it, when it is a dose criterion (so that a
    # patient released by the US patient-specific method is not reported with the Table U.1
    # dose); otherwise the file's most exposed person.
    exposure = bound if isinstance(bound, DoseToOthers) else jurisdiction.most_exposed
    kin_exposed = _physical(1, half_life_h) if exposure.retention == "physical" else kinetics
    dose = float(dose_from_msv(exposure, rate_1m, kin_exposed, np.array([discharge]))[0])
    outcomes = []
    by_id = {c.id: float(t[0]) for c, t in zip(criteria, times, strict=True)}
    for c in jurisdiction.criteria:
        t = by_id.get(c.id)
        outcomes.append(
            CriterionOutcome(
                id=c.id,
                kind=c.kind,
                description=c.description,
                limit=_limit_text(c),
                applies=t is not None,
                earliest_h=t,
                met_now=None if t is None else bool(t <= elapsed_h),
                source=c.source,
                assumption=c.assumption,
            )
        )
    scenarios = list(catalog.contact_scenarios.values())
    return ReleaseResult(
        jurisdiction=jurisdiction.id,
        jurisdiction_name=jurisdiction.name,
        jurisdiction_version=jurisdiction.version,
        product=product.id,
        product_name=product.name,
        nuclide=product.nuclide,
        administered_mbq=float(administered_mbq),
        cycles_per_year=int(cycles_per_year),
        elapsed_h=float(elapsed_h),
        may_leave_now=bool(earliest <= elapsed_h),
        earliest_discharge_h=earliest,
        binding_criterion=bound.id,
        combine=jurisdiction.combine,
        discharge_h=discharge,
        dose_rate_1m_at_discharge_usv_h=float(
            rate_1m[0] * np.ravel(kinetics.retained(discharge))[0]
        ),
        dose_to_most_exposed_msv=dose,
        instructions_needed=bool(dose > jurisdiction.instructions.threshold_msv),
        instruction_threshold_msv=jurisdiction.instructions.threshold_msv,
        coefficient_usv_h_per_mbq=k,
        coefficient_source=k_source,
        criteria=outcomes,
        restrictions=restriction_outcomes(
            jurisdiction,
            scenarios,
            float(rate_1m[0]),
            kinetics,
            discharge_h=discharge,
            cycles_per_year=int(cycles_per_year),
        ),
        assumptions=list(jurisdiction.assumptions),
        source=jurisdiction.source,
    )


class RestrictionsResult(Result):
    """The restrictions a patient's carers and family follow after discharge."""

    jurisdiction: str
    jurisdiction_name: str
    product: str
    product_name: str
    administered_mbq: float
    cycles_per_year: int
    discharge_h: float
    dose_to_most_exposed_msv: float
    instructions_needed: bool
    restrictions: list[RestrictionOutcome]

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("rule", self.jurisdiction_name),
            ("patient", f"{self.product_name}, {self.administered_mbq:.4g} MBq"),
            ("discharge", f"{self.discharge_h:.1f} h after administration"),
            ("dose to most exposed person", f"{self.dose_to_most_exposed_msv:.3g} mSv"),
            ("written instructions", "needed" if self.instructions_needed else "not needed"),
        ]
        for r in self.restrictions:
            rows.append(
                (r.label, f"{r.duration_text} (constraint {r.constraint_msv:g} mSv, {r.group})")
            )
        return rows


def evaluate_restrictions(
    jurisdiction: Jurisdiction,
    product: Radiopharmaceutical,
    administered_mbq: float,
    **kwargs,
) -> RestrictionsResult:
    """The restrictions part of :func:`evaluate` (same arguments), from discharge on."""
    result = evaluate(jurisdiction, product, administered_mbq, **kwargs)
    return RestrictionsResult(
        jurisdiction=result.jurisdiction,
        jurisdiction_name=result.jurisdiction_name,
        product=result.product,
        product_name=result.product_name,
        administered_mbq=result.administered_mbq,
        cycles_per_year=result.cycles_per_year,
        discharge_h=result.discharge_h,
        dose_to_most_exposed_msv=result.dose_to_most_exposed_msv,
        instructions_needed=result.instructions_needed,
        restrictions=result.restrictions,
    )


def dose_rate_curve(
    result: ReleaseResult,
    product: Radiopharmaceutical,
    distance_m: float,
    *,
    kinetics: Kinetics | None = None,
    catalog: Catalog | None = None,
    points: int = 200,
) -> tuple[np.ndarray, np.ndarray]:
    """Times (h) and the dose rate (µSv/h) at ``distance_m``, to twice the discharge time."""
    catalog = catalog or default_catalog()
    kinetics = kinetics or Kinetics.typical(
        product.retention, catalog.nuclide(product.nuclide).half_life_h
    )
    end = max(2.0 * result.discharge_h, 72.0)
    times = np.linspace(0.0, end, points)
    rate = result.coefficient_usv_h_per_mbq * result.administered_mbq
    return times, rate * kinetics.retained(times) * distance_factor(distance_m)
