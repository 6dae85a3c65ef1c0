"""Waste decay-in-storage: when a container may be cleared, and how many are in store.

A container holds a nuclide mix (activities at a reference time, e.g. Lu-177 with
its Lu-177m impurity, or Ac-225 with Ac-227) and a mass. It may be released once
every criterion holds: total activity concentration ≤ a clearance level (Bq/g),
total activity ≤ a limit (Bq), and, with per-nuclide levels, the summation rule
Σ Cᵢ/CLᵢ ≤ 1 (EU BSS 2013/59/Euratom Annex VII). Chains are decayed with
``radioactivedecay``, so progeny that grow in (Ra-223 from Ac-227) count.

The release time is found robustly, not by stepping: the criterion is evaluated
on a logarithmic grid from one minute to the horizon (about ten points a
decade), and the crossing is refined by Brent's method. Daughters growing in
(Ac-225 before equilibrium, Ra-223 from Ac-227) can push a mix back above the
level, so the release time is the LAST crossing: from then on the container
stays below until the horizon. The first time it dips below is reported too.

A jurisdiction's ``clearance`` table supplies the levels when the user gives none
(:func:`clear_container`): per-nuclide levels summed as above, or, where the rule
is a survey to background (US 10 CFR 35.92), that rule instead of a date
(:class:`DecayInStorageRule`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy.optimize import brentq

from rltcare.catalog import Catalog, Jurisdiction, Radiopharmaceutical, default_catalog
from rltcare.errors import InputError, NotAchievableError
from rltcare.physics.decay import chain_activities
from rltcare.result import Result, format_value

HOURS_PER_YEAR = 8766.0
HOURS_PER_WEEK = 168.0
_GRID_POINTS = 160


def product_mix(
    product: Radiopharmaceutical, activity_mbq: float, catalog: Catalog | None = None
) -> dict[str, float]:
    """The main nuclide at ``activity_mbq`` plus the product's impurities (ratios at calibration)."""
    catalog = catalog or default_catalog()
    mix = {catalog.nuclide(product.nuclide).name: activity_mbq}
    for name, ratio in product.impurities.items():
        mix[name] = activity_mbq * ratio
    return mix


class Clearance(BaseModel):
    """The criteria a container must meet before release; at least one is needed.

    With ``nuclide_levels_bq_g``, nuclides without a level are not counted (EU BSS levels
    for a parent marked "+" already include its short-lived daughters).
    """

    model_config = ConfigDict(frozen=True)

    concentration_bq_g: float | None = Field(None, gt=0, description="Total Bq/g.")
    total_bq: float | None = Field(None, gt=0, description="Total activity in Bq.")
    nuclide_levels_bq_g: dict[str, float] = Field(
        default_factory=dict, description="Per-nuclide levels for the summation rule."
    )

    def any(self) -> bool:
        return bool(self.concentration_bq_g or self.total_bq or self.nuclide_levels_bq_g)


def _index(activities: dict[str, np.ndarray], mass_g: float, clearance: Clearance) -> np.ndarray:
    """max over the criteria of (value / limit): the container may go when it is ≤ 1."""
    total_bq = np.sum(list(activities.values()), axis=0) * 1e6
    parts = []
    if clearance.concentration_bq_g:
        parts.append(total_bq / mass_g / clearance.concentration_bq_g)
    if clearance.total_bq:
        parts.append(total_bq / clearance.total_bq)
    if clearance.nuclide_levels_bq_g:
        parts.append(
            sum(
                activities[n] * 1e6 / mass_g / level
                for n, level in clearance.nuclide_levels_bq_g.items()
                if n in activities
            )
            + np.zeros_like(total_bq)
        )
    return np.max(parts, axis=0)


class ReleaseResult(Result):
    """When a stored container may be released, and its activity over time."""

    mix_mbq: dict[str, float]
    mass_kg: float
    clearance_bq_g: float | None
    clearance_total_bq: float | None
    initial_concentration_bq_g: float
    storage_time_h: float
    storage_time_d: float
    reference: datetime | None
    release_date: datetime | None
    first_below_h: float
    dominant_nuclide: str
    jurisdiction: str | None = None
    nuclide_levels_bq_g: dict[str, float] = Field(default_factory=dict)
    times_h: list[float]
    concentration_bq_g: list[float]
    nuclides_bq_g: dict[str, list[float]]

    def summary_rows(self) -> list[tuple[str, str]]:
        mix = ", ".join(f"{n} {format_value(a)} MBq" for n, a in self.mix_mbq.items())
        rows = [
            ("mix", mix),
            ("mass", f"{format_value(self.mass_kg)} kg"),
            ("initial concentration", f"{format_value(self.initial_concentration_bq_g)} Bq/g"),
        ]
        if self.clearance_bq_g is not None:
            rows.append(("clearance level", f"{format_value(self.clearance_bq_g)} Bq/g"))
        if self.clearance_total_bq is not None:
            rows.append(("total activity limit", f"{format_value(self.clearance_total_bq)} Bq"))
        if self.nuclide_levels_bq_g:
            levels = ", ".join(
                f"{n} {format_value(v)}" for n, v in self.nuclide_levels_bq_g.items()
            )
            rows.append(("clearance levels (Bq/g, summed)", levels))
        if self.jurisdiction:
            rows.append(("jurisdiction", self.jurisdiction))
        rows += [
            ("storage time", f"{format_value(self.storage_time_d)} d"),
            ("largest contributor at release", self.dominant_nuclide),
        ]
        if self.first_below_h < self.storage_time_h:
            rows.append(("first below (then above again)", f"{format_value(self.first_below_h)} h"))
        if self.release_date is not None:
            rows.append(("release date", self.release_date.isoformat(timespec="minutes")))
        return rows


def release_time(
    mix_mbq: Mapping[str, float],
    mass_kg: float,
    clearance: Clearance,
    *,
    reference: datetime | None = None,
    horizon_h: float = 100 * HOURS_PER_YEAR,
    catalog: Catalog | None = None,
) -> ReleaseResult:
    """Earliest time after ``reference`` from which the container meets every clearance criterion.

    Raises :class:`NotAchievableError` if it is still above at ``horizon_h``.
    """
    catalog = catalog or default_catalog()
    if not np.isfinite(mass_kg) or mass_kg <= 0:
        raise InputError(f"mass must be more than zero, got {mass_kg}", field="mass")
    if not clearance.any():
        raise InputError(
            "give a clearance level (Bq/g) or a total activity limit (Bq)",
            field="clearance",
            hint="e.g. --clearance '10 Bq/g'",
        )
    levels = {catalog.nuclide(n).name: v for n, v in clearance.nuclide_levels_bq_g.items()}
    clearance = clearance.model_copy(update={"nuclide_levels_bq_g": levels})
    mass_g = mass_kg * 1e3
    grid = np.concatenate([[0.0], np.geomspace(1 / 60, horizon_h, _GRID_POINTS)])
    chains = chain_activities(mix_mbq, grid, catalog)
    index = _index(chains, mass_g, clearance)

    def excess(t: float) -> float:
        return float(_index(chain_activities(mix_mbq, [t], catalog), mass_g, clearance)[0]) - 1

    above = np.flatnonzero(index > 1)
    if above.size and above[-1] == grid.size - 1:
        raise NotAchievableError(
            f"the container is still above the clearance level after {horizon_h / HOURS_PER_YEAR:.0f}"
            f" years ({index[-1]:.3g} times the limit)",
            field="clearance",
            hint="check the activities, the mass and the level; long-lived impurities may never clear",
        )
    t_release = first_below = 0.0
    if above.size:
        last = int(above[-1])
        t_release = brentq(excess, grid[last], grid[last + 1], xtol=1e-3)
        first = int(np.argmax(index <= 1))
        first_below = first and brentq(excess, grid[first - 1], grid[first], xtol=1e-3)
    later = chain_activities(mix_mbq, [t_release], catalog)
    share = {n: a[0] for n, a in later.items()}
    concentration = np.sum(list(chains.values()), axis=0) * 1e6 / mass_g
    return ReleaseResult(
        mix_mbq={catalog.nuclide(n).name: float(a) for n, a in mix_mbq.items()},
        mass_kg=mass_kg,
        clearance_bq_g=clearance.concentration_bq_g,
        clearance_total_bq=clearance.total_bq,
        initial_concentration_bq_g=float(concentration[0]),
        storage_time_h=float(t_release),
        storage_time_d=float(t_release / 24),
        reference=reference,
        release_date=reference + timedelta(hours=float(t_release)) if reference else None,
        first_below_h=float(first_below),
        dominant_nuclide=max(share, key=share.get),
        nuclide_levels_bq_g={n: v for n, v in levels.items() if n in later},
        times_h=grid.tolist(),
        concentration_bq_g=concentration.tolist(),
        nuclides_bq_g={n: (a * 1e6 / mass_g).tolist() for n, a in chains.items()},
    )


class DecayInStorageRule(Result):
    """A jurisdiction whose waste rule is a survey to background, not a Bq/g level."""

    jurisdiction: str
    rule: str
    source: str
    max_half_life_d: float | None
    half_life_d: dict[str, float]
    not_eligible: list[str]
    ten_half_lives_d: float

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [("jurisdiction", self.jurisdiction), ("rule", self.rule), ("source", self.source)]
        if self.max_half_life_d is not None:
            rows.append(("half-life limit", f"{format_value(self.max_half_life_d)} d"))
        rows.append(
            (
                "eligible for decay in storage",
                "no: half-life above the limit for " + ", ".join(self.not_eligible)
                if self.not_eligible
                else "yes",
            )
        )
        rows.append(
            (
                "10 half-lives of the longest-lived (practice)",
                f"{format_value(self.ten_half_lives_d)} d",
            )
        )
        return rows


def decay_in_storage_rule(
    jurisdiction: Jurisdiction, nuclides: Sequence[str], catalog: Catalog | None = None
) -> DecayInStorageRule:
    """The survey rule of ``jurisdiction`` and whether every nuclide may use it."""
    catalog = catalog or default_catalog()
    rule = jurisdiction.clearance
    half_lives = {catalog.nuclide(n).name: catalog.nuclide(n).half_life_h for n in nuclides}
    limit = rule.max_half_life_h
    return DecayInStorageRule(
        jurisdiction=jurisdiction.id,
        rule=rule.rule,
        source=rule.source,
        max_half_life_d=limit / 24 if limit else None,
        half_life_d={n: h / 24 for n, h in half_lives.items()},
        not_eligible=[n for n, h in half_lives.items() if limit and h > limit],
        ten_half_lives_d=10 * max(half_lives.values()) / 24,
    )


def jurisdiction_levels(
    jurisdiction: Jurisdiction,
    nuclides: Sequence[str],
    extra_levels_bq_g: Mapping[str, float] | None = None,
    catalog: Catalog | None = None,
) -> dict[str, float]:
    """Per-nuclide levels (Bq/g) of ``jurisdiction`` with ``extra_levels_bq_g`` over them.

    Every nuclide of the container needs a level; its progeny need none (a "+" level
    covers them, and the summation counts only nuclides with a level).
    """
    catalog = catalog or default_catalog()
    rule = jurisdiction.clearance
    levels = {level.nuclide: level.level_bq_g for level in rule.levels} if rule else {}
    levels.update({catalog.nuclide(n).name: v for n, v in (extra_levels_bq_g or {}).items()})
    missing = [catalog.nuclide(n).name for n in nuclides if catalog.nuclide(n).name not in levels]
    if missing:
        raise InputError(
            f"no clearance level for {', '.join(missing)} in jurisdiction '{jurisdiction.id}'"
            + (f" (listed: {', '.join(levels)})" if levels else ""),
            field="level",
            hint=f"give it, e.g. --level '{missing[0]}=1 Bq/g', or a total --clearance",
        )
    return levels


def resolve_clearance(
    nuclides: Sequence[str],
    clearance: Clearance,
    jurisdiction: Jurisdiction | None = None,
    catalog: Catalog | None = None,
) -> Clearance | DecayInStorageRule:
    """The criteria for a container of ``nuclides``: the user's, or ``jurisdiction``'s.

    A total level (``concentration_bq_g``/``total_bq``) given by the user replaces the
    jurisdiction's; per-nuclide levels given by the user add to or override its table.
    A survey jurisdiction (no Bq/g level) with no level from the user answers with its
    rule.
    """
    if jurisdiction is None or clearance.concentration_bq_g or clearance.total_bq:
        return clearance
    rule = jurisdiction.clearance
    if rule is None and not clearance.nuclide_levels_bq_g:
        raise InputError(
            f"jurisdiction '{jurisdiction.id}' has no clearance rule in its file",
            field="jurisdiction",
            hint="give --clearance, or add a [clearance] table to the jurisdiction file",
        )
    if rule is not None and rule.method == "survey" and not clearance.nuclide_levels_bq_g:
        return decay_in_storage_rule(jurisdiction, nuclides, catalog)
    levels = jurisdiction_levels(jurisdiction, nuclides, clearance.nuclide_levels_bq_g, catalog)
    return Clearance(nuclide_levels_bq_g=levels)


def clear_container(
    mix_mbq: Mapping[str, float],
    mass_kg: float,
    clearance: Clearance,
    *,
    jurisdiction: Jurisdiction | None = None,
    reference: datetime | None = None,
    catalog: Catalog | None = None,
) -> ReleaseResult | DecayInStorageRule:
    """:func:`release_time` under :func:`resolve_clearance`'s criteria (or the survey rule)."""
    resolved = resolve_clearance(list(mix_mbq), clearance, jurisdiction, catalog)
    if isinstance(resolved, DecayInStorageRule):
        return resolved
    result = release_time(mix_mbq, mass_kg, resolved, reference=reference, catalog=catalog)
    if jurisdiction is not None and resolved is not clearance:
        result = result.model_copy(update={"jurisdiction": jurisdiction.id})
    return result


class ContainerStream(BaseModel):
    """A kind of container filled every week: its mix at filling, its mass and the rate."""

    model_config = ConfigDict(frozen=True)

    label: str = "container"
    mix_mbq: dict[str, float]
    mass_kg: float = Field(gt=0)
    per_week: float = Field(gt=0)
    space_m2: float = Field(0.0, ge=0, description="Shelf area one container takes.")


class OccupancyResult(Result):
    """Containers in decay store under a steady weekly load."""

    storage_time_d: dict[str, float]
    steady_state_containers: float
    peak_containers: float
    steady_state_space_m2: float
    weeks_to_steady_state: int
    weeks: list[int]
    containers: list[float]
    space_m2: list[float]

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            (f"storage time ({k})", f"{format_value(v)} d") for k, v in self.storage_time_d.items()
        ]
        return [
            *rows,
            ("containers in store at steady state", format_value(self.steady_state_containers)),
            ("shelf area at steady state", f"{format_value(self.steady_state_space_m2)} m²"),
            ("weeks to steady state", str(self.weeks_to_steady_state)),
        ]


def storage_occupancy(
    streams: Sequence[ContainerStream],
    clearance: Clearance,
    *,
    horizon_h: float = 100 * HOURS_PER_YEAR,
    catalog: Catalog | None = None,
) -> OccupancyResult:
    """Number of stored containers week by week from an empty store to steady state.

    Each week's containers are filled together at the start of the week and leave
    when they clear; a container is counted in the weeks it is still in store.
    """
    if not streams:
        raise InputError("give at least one container stream", field="streams")
    times = {
        s.label: release_time(
            s.mix_mbq, s.mass_kg, clearance, horizon_h=horizon_h, catalog=catalog
        ).storage_time_h
        for s in streams
    }
    stay_weeks = {s.label: int(np.ceil(times[s.label] / HOURS_PER_WEEK)) for s in streams}
    horizon = max(stay_weeks.values()) + 4
    weeks = np.arange(horizon + 1)
    count = np.zeros(weeks.size)
    space = np.zeros(weeks.size)
    for s in streams:
        # Just after week w's filling, the batches of weeks max(0, w - stay + 1) .. w are in store.
        in_store = np.minimum(weeks + 1, max(stay_weeks[s.label], 1)) * s.per_week
        if times[s.label] == 0:
            in_store = np.zeros(weeks.size)
        count += in_store
        space += in_store * s.space_m2
    steady = float(count[-1])
    return OccupancyResult(
        storage_time_d={k: v / 24 for k, v in times.items()},
        steady_state_containers=steady,
        peak_containers=float(count.max()),
        steady_state_space_m2=float(space[-1]),
        weeks_to_steady_state=int(np.argmax(count >= steady)),
        weeks=weeks.tolist(),
        containers=count.tolist(),
        space_m2=space.tolist(),
    )
