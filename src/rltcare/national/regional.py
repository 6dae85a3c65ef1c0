"""Access for a country's regions (or a user's demand points) to its centres.

Joins :mod:`rltcare.national.access` (travel time, FCA scores, share beyond 1-3 h)
and :mod:`rltcare.national.location` (new sites) for the CLI, the API and the page.
Supply at a centre is its treatment places: rooms + chairs.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from rltcare.catalog.country import Country
from rltcare.errors import InputError
from rltcare.national import access as fca_engine
from rltcare.national.gap import Centre
from rltcare.national.location import maximal_coverage
from rltcare.result import Result

METHODS = ("2sfca", "e2sfca", "3sfca")


class RegionAccess(Result):
    region: str
    name: str
    lat: float
    lon: float
    population: int
    access_per_100k: float
    nearest_h: float


class AccessResult(Result):
    country: str
    method: str
    decay: str
    catchment_h: float
    regions: list[RegionAccess]
    share_beyond_h: dict[str, float]
    points: int = 0
    mean_access_per_100k: float = 0.0
    new_sites: list[str] = Field(default_factory=list)
    covered_share_after: float | None = None
    travel_time: str = ""

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [("method", f"{self.method}, {self.decay} decay, {self.catchment_h:g} h catchment")]
        rows += [
            (
                f"{r.region} {r.name}",
                f"{r.access_per_100k:.3g} places per 100,000; nearest centre {r.nearest_h:.2f} h",
            )
            for r in self.regions
        ]
        if self.points:
            rows.append(("demand points", f"{self.points:,}"))
            rows.append(("mean access per 100,000", f"{self.mean_access_per_100k:.3g}"))
        rows += [(f"population beyond {k} h", f"{v:.1%}") for k, v in self.share_beyond_h.items()]
        if self.new_sites:
            rows.append(("new sites", ", ".join(self.new_sites)))
            rows.append(("population within catchment after", f"{self.covered_share_after:.1%}"))
        return rows


def decay_for(method: str, decay: str, sigma_h: float, catchment_h: float) -> fca_engine.Decay:
    """2SFCA is a step; E2SFCA and 3SFCA take ``decay`` (zones: Luo & Qi's thirds)."""
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}", field="method", hint=", ".join(METHODS))
    return fca_engine.Decay(
        "step" if method == "2sfca" else decay,
        sigma_h=sigma_h,
        edges_h=tuple(catchment_h * np.array([1, 2, 3]) / 3),
        weights=(1, 0.68, 0.22),
    )


def regional_access(
    country: Country,
    centres: list[Centre],
    *,
    method: str = "e2sfca",
    catchment_h: float = 2.0,
    decay: str = "gaussian",
    sigma_h: float = 1.0,
    travel_time_h: np.ndarray | None = None,
    new_sites: int = 0,
    road_factor: float = fca_engine.ROAD_FACTOR,
    speed_kmh: float = fca_engine.ROAD_SPEED_KMH,
) -> AccessResult:
    """FCA score and nearest-centre time per region centroid; optional new sites (MCLP)."""
    rule = decay_for(method, decay, sigma_h, catchment_h)
    lat = np.array([r.lat for r in country.regions])
    lon = np.array([r.lon for r in country.regions])
    pop = np.array([r.population for r in country.regions], dtype=float)
    clat, clon = np.array([c.lat for c in centres]), np.array([c.lon for c in centres])
    if travel_time_h is None:
        matrix = fca_engine.road_hours(
            fca_engine.great_circle_km(lat, lon, clat, clon), road_factor, speed_kmh
        )
        how = f"great circle × {road_factor:g} ÷ {speed_kmh:g} km/h"
    else:
        matrix = np.asarray(travel_time_h, dtype=float)
        if matrix.shape != (len(lat), len(clat)):
            raise InputError(
                f"travel-time matrix is {matrix.shape}, need {(len(lat), len(clat))}",
                field="travel_time",
            )
        how = "user matrix"
    pairs = fca_engine.pairs_from_matrix(matrix, catchment_h)
    supply = np.array([c.rooms + c.chairs for c in centres], dtype=float)
    score = fca_engine.fca(pairs, pop, supply, rule, three_stage=method == "3sfca")
    nearest = matrix.min(axis=1)
    sites, after = [], None
    if new_sites:
        candidates = fca_engine.road_hours(
            fca_engine.great_circle_km(lat, lon, lat, lon), road_factor, speed_kmh
        )
        chosen = maximal_coverage(candidates, pop, new_sites, catchment_h, existing=matrix)
        sites = [country.regions[j].code for j in chosen.chosen]
        after = chosen.covered_share
    return AccessResult(
        country=country.id,
        method=method,
        decay=rule.kind,
        catchment_h=catchment_h,
        regions=[
            RegionAccess(
                region=r.code,
                name=r.name,
                lat=r.lat,
                lon=r.lon,
                population=r.population,
                access_per_100k=float(a * 1e5),
                nearest_h=float(t),
            )
            for r, a, t in zip(country.regions, score, nearest, strict=True)
        ],
        share_beyond_h={f"{k:g}": v for k, v in fca_engine.share_beyond(nearest, pop).items()},
        new_sites=sites,
        covered_share_after=after,
        travel_time=how,
    )


def points_access(
    country: Country,
    centres: list[Centre],
    lat: np.ndarray,
    lon: np.ndarray,
    population: np.ndarray,
    *,
    method: str = "e2sfca",
    catchment_h: float = 2.0,
    decay: str = "gaussian",
    sigma_h: float = 1.0,
    road_factor: float = fca_engine.ROAD_FACTOR,
    speed_kmh: float = fca_engine.ROAD_SPEED_KMH,
) -> AccessResult:
    """The same for a user's demand points (e.g. a population grid), great-circle times."""
    rule = decay_for(method, decay, sigma_h, catchment_h)
    clat, clon = np.array([c.lat for c in centres]), np.array([c.lon for c in centres])
    pop = np.asarray(population, dtype=float)
    pairs = fca_engine.pairs_from_points(
        lat, lon, clat, clon, catchment_h, road_factor=road_factor, speed_kmh=speed_kmh
    )
    supply = np.array([c.rooms + c.chairs for c in centres], dtype=float)
    score = fca_engine.fca(pairs, pop, supply, rule, three_stage=method == "3sfca")
    nearest = fca_engine.nearest_hours(
        lat, lon, clat, clon, road_factor=road_factor, speed_kmh=speed_kmh
    )
    total = pop.sum()
    return AccessResult(
        country=country.id,
        method=method,
        decay=rule.kind,
        catchment_h=catchment_h,
        regions=[],
        share_beyond_h={f"{k:g}": v for k, v in fca_engine.share_beyond(nearest, pop).items()},
        points=len(pop),
        mean_access_per_100k=float((score * pop).sum() / total * 1e5) if total else 0.0,
        travel_time=f"great circle × {road_factor:g} ÷ {speed_kmh:g} km/h",
    )
