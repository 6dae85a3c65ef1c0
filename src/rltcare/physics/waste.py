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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy.optimize import brentq

from rltcare.catalog import Catalog, Radiopharmaceutical, default_catalog
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
        times_h=grid.tolist(),
        concentration_bq_g=concentration.tolist(),
        nuclides_bq_g={n: (a * 1e6 / mass_g).tolist() for n, a in chains.items()},
    )


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
