"""Dose to a carer or family member from a contact pattern, and how long a restriction must last.

A contact pattern is a list of (distance, hours per day) pairs, taken as a daily
average — the continuous approximation of Cormack & Shearer (1998). With the
patient's dose rate k·A₀·R(t)·f(d) (µSv/h), a pattern weighs the rate at 1 m by

    w = Σ hoursᵢ/24 · f(dᵢ)

so the dose from ``start`` to ``end`` is k·A₀·w·∫R dt, analytic for a sum of
exponentials. A restriction replaces the usual pattern (weight wᵤ) by the
restricted one (wᵣ) for a period T from discharge t₀:

    D(T) = k·A₀·Σₖ fₖ/λₖ · [wᵣ·e^(−λₖt₀) + (wᵤ − wᵣ)·e^(−λₖ(t₀+T))]

which is again a sum of exponentials in t₀+T: the shortest T that meets a dose
constraint comes from the same solver as the discharge time
(:func:`first_time_below`).
"""

from __future__ import annotations

import numpy as np

from rltcare.catalog.jurisdiction import Contact, ContactScenario, Jurisdiction
from rltcare.physics.dose_rate import distance_factor
from rltcare.physics.retention import Kinetics
from rltcare.result import Result

#: Newton steps at most; each step is exact from the left, so 60 is never reached in practice.
_MAX_ITERATIONS = 60
_RELATIVE_TOLERANCE = 1e-7


def first_time_below(coef: np.ndarray, lam: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Earliest t ≥ 0 with S(t) = Σₖ coef·exp(−lam·t) ≤ target, per row; inf if target ≤ 0.

    ``coef`` (≥ 0) and ``lam`` (> 0) are (n, k), ``target`` is (n,). log S(t) is
    convex and decreasing, so Newton's method on log S − log target started left
    of the root climbs to it without overshooting. The start is the largest
    single-term root maxₖ ln(coefₖ/target)/lamₖ, a lower bound within
    ln(k)/min(lam) of the answer, so a few steps suffice. Columns are handled one
    by one (k is small) and converged rows leave the iteration.
    """
    coef = np.ascontiguousarray(np.asarray(coef, dtype=float).T)  # (k, n): rows contiguous
    rate = np.ascontiguousarray(np.asarray(lam, dtype=float).T)
    target = np.broadcast_to(np.asarray(target, dtype=float), coef.shape[1:])
    reachable = target > 0
    result = np.where(reachable, 0.0, np.inf)
    active = reachable & (coef.sum(axis=0) > target)
    if not active.all():
        coef, rate, target = coef[:, active], rate[:, active], target[active]
    index = np.flatnonzero(active)
    log_target = np.log(target)
    with np.errstate(divide="ignore"):  # log 0 = −inf: that term gives no bound
        t = np.maximum(((np.log(coef) - log_target) / rate).max(axis=0), 0.0)
    term = np.empty_like(t)
    for _ in range(_MAX_ITERATIONS):
        total = np.zeros_like(t)
        slope = np.zeros_like(t)
        for c, lam_j, neg_j in zip(coef, rate, -rate, strict=True):
            np.multiply(neg_j, t, out=term)
            np.exp(term, out=term)
            term *= c
            total += term
            term *= lam_j
            slope += term
        step = np.log(total)
        step -= log_target
        np.maximum(step, 0.0, out=step)
        step *= total
        step /= slope
        t += step
        moving = step > _RELATIVE_TOLERANCE * (1.0 + t)
        if not moving.any():
            break
        if moving.sum() < 0.8 * moving.size:  # drop converged rows
            result[index[~moving]] = t[~moving]
            index, t, log_target = index[moving], t[moving], log_target[moving]
            coef, rate = coef[:, moving], rate[:, moving]
            term = np.empty_like(t)
    result[index] = t
    return result


def contact_weight(contacts: list[Contact]) -> float:
    """Σ hours/24 · f(d): the pattern's dose per hour relative to full-time presence at 1 m."""
    if not contacts:
        return 0.0
    hours = np.array([c.hours_per_day for c in contacts])
    distances = np.array([c.distance_m for c in contacts])
    return float((hours / 24.0 * distance_factor(distances)).sum())


def integrated_dose_msv(
    rate_1m_usv_h: np.ndarray | float,
    kinetics: Kinetics,
    contacts: list[Contact],
    start_h: np.ndarray | float,
    end_h: np.ndarray | float = np.inf,
) -> np.ndarray:
    """Dose (mSv) from ``start_h`` to ``end_h`` to a person with this contact pattern.

    ``rate_1m_usv_h`` is k·A₀, the dose rate at 1 m if all the administered
    activity were retained (µSv/h), one per patient or a scalar.
    """
    weight = contact_weight(contacts)
    return np.asarray(rate_1m_usv_h) * weight * kinetics.integral_h(start_h, end_h) / 1e3


def restriction_period_h(
    rate_1m_usv_h: np.ndarray | float,
    kinetics: Kinetics,
    scenario: ContactScenario,
    constraint_msv: float,
    start_h: np.ndarray | float,
) -> np.ndarray:
    """Shortest restriction (h from ``start_h``) that keeps the dose within ``constraint_msv``.

    0 when the usual contact already meets the constraint; inf when even the
    restricted contact kept up forever would not.
    """
    usual, restricted = contact_weight(scenario.usual), contact_weight(scenario.restricted)
    lam = kinetics.decay_constants_per_h
    rate = np.broadcast_to(np.asarray(rate_1m_usv_h, dtype=float), (kinetics.n,))
    start = np.broadcast_to(np.asarray(start_h, dtype=float), (kinetics.n,))
    area = kinetics.fractions / lam  # ∫₀^∞ of each component
    budget = constraint_msv * 1e3 / rate  # allowed ∫ weighted R dt, in h
    if usual <= restricted:  # the restriction does not lower the dose
        met = usual * kinetics.integral_h(start) <= budget
        return np.where(met, 0.0, np.inf)
    already = restricted * (area * np.exp(-lam * start[:, None])).sum(axis=1)
    target = (budget - already) / (usual - restricted)
    end = first_time_below(area, lam, target)
    return np.maximum(end - start, 0.0)


class RestrictionOutcome(Result):
    """One restriction: the constraint it serves, the doses with and without it, its length."""

    scenario: str
    label: str
    group: str
    constraint_msv: float
    constraint_source: str
    dose_without_restriction_msv: float
    dose_with_restriction_msv: float
    achievable: bool
    duration_h: float | None
    source: str
    assumption: str = ""

    @property
    def duration_text(self) -> str:
        if not self.achievable:
            return "not achievable by this restriction alone"
        if self.duration_h == 0:
            return "none needed"
        if self.duration_h < 48:
            return f"{self.duration_h:.1f} h"
        return f"{self.duration_h / 24:.1f} d ({self.duration_h:.0f} h)"


def restriction_outcomes(
    jurisdiction: Jurisdiction,
    scenarios: list[ContactScenario],
    rate_1m_usv_h: float,
    kinetics: Kinetics,
    *,
    discharge_h: float,
    cycles_per_year: int = 1,
) -> list[RestrictionOutcome]:
    """Each scenario whose group has a constraint in ``jurisdiction``, for one patient."""
    outcomes = []
    for scenario in scenarios:
        constraint = jurisdiction.constraint(scenario.group)
        if constraint is None:
            continue
        limit = constraint.dose_msv / (cycles_per_year if constraint.per == "year" else 1)
        period = float(
            restriction_period_h(rate_1m_usv_h, kinetics, scenario, limit, discharge_h)[0]
        )
        achievable = bool(np.isfinite(period))
        end = discharge_h + period if achievable else np.inf
        with_restriction = integrated_dose_msv(
            rate_1m_usv_h, kinetics, scenario.restricted, discharge_h, end
        ) + (integrated_dose_msv(rate_1m_usv_h, kinetics, scenario.usual, end) if achievable else 0)
        outcomes.append(
            RestrictionOutcome(
                scenario=scenario.id,
                label=scenario.label,
                group=scenario.group,
                constraint_msv=limit,
                constraint_source=constraint.source,
                dose_without_restriction_msv=float(
                    integrated_dose_msv(rate_1m_usv_h, kinetics, scenario.usual, discharge_h)[0]
                ),
                dose_with_restriction_msv=float(np.asarray(with_restriction).ravel()[0]),
                achievable=achievable,
                duration_h=period if achievable else None,
                source=scenario.source,
                assumption=scenario.assumption,
            )
        )
    return outcomes
