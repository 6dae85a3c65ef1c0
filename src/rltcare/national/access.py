"""Spatial accessibility: floating catchment areas (2SFCA, E2SFCA, 3SFCA) and travel time.

Travel time defaults to great-circle distance × a road circuity factor ÷ a mean
road speed; a user's travel-time matrix can replace it. Every method works on
the pairs (demand point i, centre j) within the catchment, held sparsely:

- 2SFCA (Luo & Wang 2003): Rⱼ = Sⱼ / Σᵢ Pᵢ, Aᵢ = Σⱼ Rⱼ over pairs within the catchment;
- E2SFCA (Luo & Qi 2009): the same with a distance-decay weight Wᵢⱼ in both sums;
- 3SFCA (Wan, Zou & Sternberg 2012): a selection weight Gᵢⱼ = Wᵢⱼ / Σₖ Wᵢₖ also
  enters both sums, so a population is not counted in full at every centre it reaches.

For a million demand points the pairs are found block by block from unit vectors:
a matrix product gives cos(angle) for every pair and only the pairs inside the
catchment keep an arccos. The great circle uses a sphere of radius 6371.0088 km.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from rltcare.errors import InputError

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
#: Road distance per great-circle distance: "1.3 ± 0.1" over large motorway networks (Wang,
#: Bette, Schreckenberg & Guhr 2024, arXiv:2406.06490); 1.343 on average for trips to the
#: centre of 300 European cities (Environ. Plan. B 2023, doi:10.1177/23998083231168870).
ROAD_FACTOR = 1.3
#: Mean door-to-door road speed, km/h (rltcare assumption; mixes motorway and local roads).
ROAD_SPEED_KMH = 70.0


@dataclass(frozen=True)
class Decay:
    """A distance-decay weight on travel time (h): ``step``, ``gaussian`` or ``zones``.

    ``step`` weighs 1 inside the catchment (2SFCA). ``gaussian`` weighs
    exp(−t²/2σ²) (σ = ``sigma_h``). ``zones`` weighs ``weights[k]`` up to
    ``edges_h[k]`` (inclusive), e.g. Luo & Qi's 1, 0.68, 0.22 over thirds of the catchment.
    """

    kind: Literal["step", "gaussian", "zones"] = "step"
    sigma_h: float = 0.5
    edges_h: tuple[float, ...] = ()
    weights: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in ("step", "gaussian", "zones"):
            raise InputError(
                f"unknown decay {self.kind!r}", field="decay", hint="step, gaussian, zones"
            )
        if self.kind == "gaussian" and not self.sigma_h > 0:
            raise InputError("sigma must be > 0", field="sigma")
        if self.kind == "zones" and (
            len(self.edges_h) != len(self.weights)
            or not self.edges_h
            or np.any(np.diff(self.edges_h) <= 0)
            or min(self.weights) < 0
        ):
            raise InputError("zones need increasing edges and as many weights ≥ 0", field="zones")

    def __call__(self, time_h: np.ndarray) -> np.ndarray:
        if self.kind == "step":
            return np.ones_like(time_h)
        if self.kind == "gaussian":
            return np.exp(-(time_h**2) / (2 * self.sigma_h**2))
        index = np.searchsorted(np.asarray(self.edges_h), time_h, side="left")
        table = np.append(np.asarray(self.weights, dtype=float), 0.0)
        return table[index]


@dataclass(frozen=True)
class Pairs:
    """Demand-centre pairs within the catchment: indices and travel time (h)."""

    demand: np.ndarray
    centre: np.ndarray
    time_h: np.ndarray
    n_demand: int
    n_centres: int


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Distance (km) between every point 1 and every point 2, shape (n1, n2) (haversine)."""
    la1, lo1 = (
        np.radians(np.asarray(lat1, float))[:, None],
        np.radians(np.asarray(lon1, float))[:, None],
    )
    la2, lo2 = (
        np.radians(np.asarray(lat2, float))[None, :],
        np.radians(np.asarray(lon2, float))[None, :],
    )
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def road_hours(km: np.ndarray, road_factor: float = ROAD_FACTOR, speed_kmh: float = ROAD_SPEED_KMH):
    if not road_factor >= 1 or not speed_kmh > 0:
        raise InputError(
            "road factor must be ≥ 1 and speed > 0",
            field="road_factor" if road_factor < 1 else "speed",
        )
    return np.asarray(km) * road_factor / speed_kmh


def pairs_from_points(
    demand_lat,
    demand_lon,
    centre_lat,
    centre_lon,
    catchment_h: float,
    *,
    road_factor: float = ROAD_FACTOR,
    speed_kmh: float = ROAD_SPEED_KMH,
    block: int = 65_536,
) -> Pairs:
    """Pairs within ``catchment_h`` by great circle × road factor ÷ speed, found in blocks."""
    _check_points(demand_lat, demand_lon, "demand")
    _check_points(centre_lat, centre_lon, "centres")
    hours_per_radian = EARTH_RADIUS_KM * float(road_hours(1.0, road_factor, speed_kmh))
    cos_max = np.cos(min(catchment_h / hours_per_radian, np.pi))
    centres64 = unit_vectors(centre_lat, centre_lon)
    points64 = unit_vectors(demand_lat, demand_lon)
    centres, points = centres64.astype(np.float32).T, points64.astype(np.float32)
    rows, cols, times = [], [], []
    for start in range(0, points.shape[0], block):
        # float32 screens the pairs (with a margin); the kept ones get a float64 chord
        cos = points[start : start + block] @ centres
        i, j = np.nonzero(cos >= cos_max - 1e-5)
        chord = np.linalg.norm(points64[start + i] - centres64[j], axis=1)
        hours = 2 * np.arcsin(np.minimum(chord / 2, 1.0)) * hours_per_radian
        keep = hours <= catchment_h
        rows.append(i[keep] + start)
        cols.append(j[keep])
        times.append(hours[keep])
    return Pairs(
        np.concatenate(rows),
        np.concatenate(cols),
        np.concatenate(times),
        points.shape[0],
        centres.shape[1],
    )


def pairs_from_matrix(time_h: np.ndarray, catchment_h: float) -> Pairs:
    """Pairs from a dense (demand × centres) travel-time matrix in hours; NaN is an error."""
    matrix = np.asarray(time_h, dtype=float)
    if matrix.ndim != 2:
        raise InputError(
            "the travel-time matrix must be 2-D (demand × centres)", field="travel_time"
        )
    missing = np.argwhere(~np.isfinite(matrix))
    if missing.size:
        i, j = missing[0]
        raise InputError(
            f"travel time missing for {len(missing)} pair(s), first demand {i} → centre {j}",
            field="travel_time",
            hint="give a time for every demand-centre pair",
        )
    if (matrix < 0).any():
        raise InputError("travel times must be ≥ 0", field="travel_time")
    i, j = np.nonzero(matrix <= catchment_h)
    return Pairs(i, j, matrix[i, j], matrix.shape[0], matrix.shape[1])


def fca(
    pairs: Pairs,
    population: np.ndarray,
    supply: np.ndarray,
    decay: Decay | None = None,
    *,
    three_stage: bool = False,
) -> np.ndarray:
    """Accessibility (supply per person) of each demand point by 2SFCA/E2SFCA/3SFCA."""
    population = np.asarray(population, dtype=float)
    supply = np.asarray(supply, dtype=float)
    if population.shape != (pairs.n_demand,) or supply.shape != (pairs.n_centres,):
        raise InputError(
            f"need {pairs.n_demand} populations and {pairs.n_centres} supplies, got "
            f"{population.shape[0]} and {supply.shape[0]}",
            field="population" if population.shape != (pairs.n_demand,) else "supply",
        )
    if (population < 0).any() or (supply < 0).any():
        raise InputError("population and supply must be ≥ 0", field="population")
    weight = (decay or Decay())(pairs.time_h)
    if three_stage:
        total = np.bincount(pairs.demand, weight, minlength=pairs.n_demand)
        share = np.zeros_like(weight)
        np.divide(weight, total[pairs.demand], out=share, where=total[pairs.demand] > 0)
        weight = weight * share
    served = np.bincount(pairs.centre, weight * population[pairs.demand], minlength=pairs.n_centres)
    ratio = np.divide(supply, served, out=np.zeros_like(supply), where=served > 0)
    return np.bincount(pairs.demand, weight * ratio[pairs.centre], minlength=pairs.n_demand)


def nearest_hours(
    demand_lat,
    demand_lon,
    centre_lat,
    centre_lon,
    *,
    road_factor: float = ROAD_FACTOR,
    speed_kmh: float = ROAD_SPEED_KMH,
    block: int = 65_536,
) -> np.ndarray:
    """Travel time (h) from each demand point to its nearest centre."""
    centres = unit_vectors(centre_lat, centre_lon).T
    points = unit_vectors(demand_lat, demand_lon)
    best = np.concatenate(
        [(points[s : s + block] @ centres).max(axis=1) for s in range(0, len(points), block)]
    )
    return road_hours(EARTH_RADIUS_KM * np.arccos(np.clip(best, -1, 1)), road_factor, speed_kmh)


def share_beyond(
    time_h: np.ndarray, population: np.ndarray, thresholds_h=(1.0, 2.0, 3.0)
) -> dict[float, float]:
    """Share of the population whose nearest centre is more than each threshold away."""
    population = np.asarray(population, dtype=float)
    total = population.sum()
    return {
        float(t): float(population[np.asarray(time_h) > t].sum() / total) if total else 0.0
        for t in thresholds_h
    }


def _check_points(lat, lon, field: str) -> None:
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    if lat.shape != lon.shape or lat.ndim != 1 or lat.size == 0:
        raise InputError(
            f"{field}: latitudes and longitudes must be equal-length lists", field=field
        )
    if not (np.isfinite(lat).all() and np.isfinite(lon).all()):
        raise InputError(f"{field}: coordinates must be numbers", field=field)
    if (np.abs(lat) > 90).any() or (np.abs(lon) > 180).any():
        raise InputError(f"{field}: latitude must be within ±90 and longitude ±180", field=field)
