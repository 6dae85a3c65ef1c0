"""Where each region's patients are treated: flows between regions and abroad.

Each region's cycles in a year (from :mod:`rltcare.national.demand`) are assigned to
centres, at home or abroad, in one of two ways:

- **nearest with capacity** (default): every (region, centre) pair within ``max_hours``
  is taken in order of travel time, shortest first, and gets as many cycles as the
  region still needs and the centre can still give; so a region fills its nearest
  centre and spills over to the next when it is full, and the capacity of a centre goes
  first to the regions closest to it. What is left is unmet demand.
- **a flow matrix** the user gives: the share of each region's cycles treated at each
  centre (each region's shares add up to 1 at most; the rest is unmet). Capacity is not
  enforced; centres loaded beyond it are reported.

A centre's capacity in cycles a year is the smallest of rooms × bed-days a room,
chairs × chair hours and scanners × scanner slots, each divided by the national mix's
use per cycle (:func:`rltcare.national.gap.per_cycle_use`); staff are not a limit here
(the capacity gap counts them). Travel is from the region's centroid: great-circle
distance × the road factor, ÷ the road speed, or a user's travel-time matrix.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from pydantic import Field

from rltcare.catalog import Catalog, default_catalog
from rltcare.errors import InputError
from rltcare.national import access as fca_engine
from rltcare.national.demand import DemandResult
from rltcare.national.gap import Centre, capacity_units, demand_year, per_cycle_use
from rltcare.national.resources import Capacity, ResourceUse
from rltcare.result import Result

ABROAD = "abroad"


class Flow(Result):
    origin: str
    centre: str
    destination: str = Field(description="The centre's region, or its country code abroad.")
    abroad: bool
    cycles: float
    hours: float
    road_km: float


class RegionFlows(Result):
    region: str
    name: str
    cycles: float
    own_region: float
    other_regions: float
    abroad: float
    unmet: float


class CentreLoad(Result):
    centre: str
    name: str
    region: str
    abroad: bool
    capacity_cycles: float
    cycles: float
    utilisation: float


class FlowResult(Result):
    country: str
    year: int
    quantile: str
    method: str
    travel_time: str
    max_hours: float | None
    cycles: float
    treated_cycles: float
    abroad_cycles: float
    unmet_cycles: float
    flows: list[Flow]
    regions: list[RegionFlows]
    centres: list[CentreLoad]
    between: dict[str, dict[str, float]]
    travel_h: dict[str, float]
    road_km: dict[str, float]
    treated_beyond_h: dict[str, float]
    assumptions: list[str]

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("country, year", f"{self.country} {self.year} ({self.quantile} demand)"),
            ("assignment", self.method),
            ("cycles", f"{self.cycles:,.0f}"),
            ("treated", f"{self.treated_cycles:,.0f} ({self.abroad_cycles:,.0f} abroad)"),
            ("unmet", f"{self.unmet_cycles:,.0f}"),
            (
                "travel of treated cycles",
                f"median {self.travel_h['median']:.2f} h, 90th percentile "
                f"{self.travel_h['p90']:.2f} h, longest {self.travel_h['max']:.2f} h",
            ),
            (
                "road distance",
                f"median {self.road_km['median']:,.0f} km, 90th percentile "
                f"{self.road_km['p90']:,.0f} km",
            ),
        ]
        rows += [(f"treated beyond {k} h", f"{v:.1%}") for k, v in self.treated_beyond_h.items()]
        for r in self.regions:
            away = sorted(
                ((k, v) for k, v in self.between.get(r.region, {}).items() if k != r.region),
                key=lambda item: -item[1],
            )
            parts = [f"{r.own_region:,.0f} at home"] + [f"{k} {v:,.0f}" for k, v in away]
            parts.append(f"{r.unmet:,.0f} unmet")
            rows.append((f"{r.region} {r.name}", f"{r.cycles:,.0f} cycles: " + ", ".join(parts)))
        full = [c for c in self.centres if c.utilisation > 1 + 1e-9]
        if full:
            rows.append(
                ("over capacity", ", ".join(f"{c.centre} {c.utilisation:.0%}" for c in full))
            )
        return rows


def centre_capacity_cycles(
    centres: list[Centre], mix: Mapping[str, float], use: Mapping[str, ResourceUse], capacity
) -> np.ndarray:
    """Cycles a year each centre can give for the cycle mix ``mix`` (indication → cycles)."""
    total = sum(mix.values())
    shares = {k: v / total for k, v in mix.items()} if total else {k: 1 / len(mix) for k in mix}
    out = np.full(len(centres), np.inf)
    for unit, (key, per) in capacity_units(capacity).items():
        per_cycle = sum(getattr(use[k], key) * s for k, s in shares.items())
        if per_cycle > 0:
            have = np.array([getattr(c, unit) for c in centres], dtype=float) * per
            out = np.minimum(out, have / per_cycle)
    return np.where(np.isfinite(out), out, 0.0)


def patient_flows(
    demand: DemandResult,
    centres: list[Centre],
    *,
    abroad: list[Centre] = (),
    year: int | None = None,
    quantile: str = "median",
    shares: np.ndarray | None = None,
    travel_time_h: np.ndarray | None = None,
    max_hours: float | None = None,
    use: Mapping[str, ResourceUse] | None = None,
    capacity: Capacity | None = None,
    road_factor: float = fca_engine.ROAD_FACTOR,
    speed_kmh: float = fca_engine.ROAD_SPEED_KMH,
    catalog: Catalog | None = None,
) -> FlowResult:
    """Assign each region's cycles in ``year`` to centres (home first, then ``abroad``)."""
    catalog = catalog or default_catalog()
    country = catalog.country(demand.country)
    year, column = demand_year(demand, year, quantile)
    everywhere = [*centres, *abroad]
    if not everywhere:
        raise InputError("no centres given", field="centres")
    clash = {c.id for c in centres} & {c.id for c in abroad}
    if clash:
        raise InputError(f"centre id '{sorted(clash)[0]}' is at home and abroad", field="abroad")
    if max_hours is not None and not max_hours > 0:
        raise InputError("the longest journey must be > 0 h", field="max_hours")
    codes = [r.code for r in country.regions]
    need = np.zeros(len(codes))
    mix: dict[str, float] = {}
    for row in demand.rows:
        if row.year == year:
            need[codes.index(row.region)] += getattr(row, column)
            mix[row.indication] = mix.get(row.indication, 0.0) + getattr(row, column)
    lat = np.array([r.lat for r in country.regions])
    lon = np.array([r.lon for r in country.regions])
    clat, clon = np.array([c.lat for c in everywhere]), np.array([c.lon for c in everywhere])
    crow_km = fca_engine.great_circle_km(lat, lon, clat, clon)
    km = crow_km * road_factor
    if travel_time_h is None:
        hours = fca_engine.road_hours(crow_km, road_factor, speed_kmh)
        how = f"great circle × {road_factor:g} ÷ {speed_kmh:g} km/h from region centroids"
    else:
        hours = _checked(travel_time_h, (len(codes), len(everywhere)), "travel_time")
        how = "user matrix"
    per_cycle = per_cycle_use(demand, country, use, catalog)
    capacity_cycles = centre_capacity_cycles(everywhere, mix, per_cycle, capacity or Capacity())
    if shares is None:
        assigned = _nearest_with_capacity(need, capacity_cycles, hours, max_hours)
        method = "nearest centre with capacity, spilling over to the next"
        if max_hours is not None:
            method += f" (journeys up to {max_hours:g} h)"
    else:
        shares = _checked(shares, hours.shape, "shares")
        sums = shares.sum(axis=1)
        if (shares < 0).any() or (sums > 1 + 1e-9).any():
            bad = int(np.argmax(sums))
            raise InputError(
                f"the shares of region {codes[bad]} add up to {sums[bad]:.3g}; they must be "
                "≥ 0 and add up to 1 at most",
                field="share",
            )
        assigned = shares * need[:, None]
        method = "user flow matrix"
    return FlowResult(
        country=country.id,
        year=year,
        quantile=quantile,
        method=method,
        travel_time=how,
        max_hours=max_hours,
        assumptions=[
            "travel from each region's centroid (a coarse stand-in for where patients live)",
            "a centre's capacity in cycles: rooms, chairs and scanners for the national mix "
            "of indications; staff not limiting",
            "per-cycle use: " + "; ".join(f"{k}: {u.source}" for k, u in per_cycle.items()),
        ],
        **_tables(country, everywhere, len(centres), need, assigned, hours, km, capacity_cycles),
    )


def _checked(matrix, shape, field: str) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=float)
    if matrix.shape != shape:
        raise InputError(f"{field} matrix is {matrix.shape}, need {shape}", field=field)
    if not np.isfinite(matrix).all() or (matrix < 0).any():
        raise InputError(f"{field} values must be numbers ≥ 0", field=field)
    return matrix


def _nearest_with_capacity(need, capacity, hours, max_hours) -> np.ndarray:
    """Pairs in order of travel time; each takes what the region needs and the centre has."""
    left, room = need.astype(float), capacity.astype(float)
    assigned = np.zeros(hours.shape)
    for flat in np.argsort(hours, axis=None, kind="stable"):
        i, j = divmod(int(flat), hours.shape[1])
        if max_hours is not None and hours[i, j] > max_hours:
            break
        take = min(left[i], room[j])
        if take > 0:
            assigned[i, j] = take
            left[i] -= take
            room[j] -= take
    return assigned


def _weighted_quantiles(values, weights) -> dict[str, float]:
    if weights.sum() <= 0:
        return {"mean": 0.0, "median": 0.0, "p90": 0.0, "max": 0.0}
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cumulative = np.cumsum(w) / w.sum()
    median, p90 = (
        float(v[min(np.searchsorted(cumulative, q - 1e-12), len(v) - 1)]) for q in (0.5, 0.9)
    )
    return {
        "mean": float((v * w).sum() / w.sum()),
        "median": median,
        "p90": p90,
        "max": float(v[w > 0].max()),
    }


def _tables(country, everywhere, n_home, need, assigned, hours, km, capacity_cycles) -> dict:
    """The flows, per-region and per-centre tables and travel statistics of an assignment."""
    codes = [r.code for r in country.regions]
    is_abroad = np.arange(len(everywhere)) >= n_home
    destination = [c.region for c in everywhere]
    flows, between = [], {}
    for i, j in zip(*np.nonzero(assigned > 1e-9), strict=True):
        target = destination[j]
        flows.append(
            Flow(
                origin=codes[i],
                centre=everywhere[j].id,
                destination=target,
                abroad=bool(is_abroad[j]),
                cycles=float(assigned[i, j]),
                hours=float(hours[i, j]),
                road_km=float(km[i, j]),
            )
        )
        row = between.setdefault(codes[i], {})
        key = f"{ABROAD}:{target}" if is_abroad[j] else target
        row[key] = row.get(key, 0.0) + float(assigned[i, j])
    home = np.array([[c.region == code for c in everywhere] for code in codes]) & ~is_abroad
    regions = [
        RegionFlows(
            region=code,
            name=r.name,
            cycles=float(need[i]),
            own_region=float(assigned[i, home[i]].sum()),
            other_regions=float(assigned[i, ~home[i] & ~is_abroad].sum()),
            abroad=float(assigned[i, is_abroad].sum()),
            unmet=float(max(need[i] - assigned[i].sum(), 0.0)),
        )
        for i, (code, r) in enumerate(zip(codes, country.regions, strict=True))
    ]
    load = assigned.sum(axis=0)
    centres = [
        CentreLoad(
            centre=c.id,
            name=c.name,
            region=c.region,
            abroad=bool(is_abroad[j]),
            capacity_cycles=float(capacity_cycles[j]),
            cycles=float(load[j]),
            utilisation=float(load[j] / capacity_cycles[j]) if capacity_cycles[j] else 0.0,
        )
        for j, c in enumerate(everywhere)
    ]
    w = assigned.ravel()
    treated = float(w.sum())
    return {
        "cycles": float(need.sum()),
        "treated_cycles": treated,
        "abroad_cycles": float(assigned[:, is_abroad].sum()),
        "unmet_cycles": float(sum(r.unmet for r in regions)),
        "flows": flows,
        "regions": regions,
        "centres": centres,
        "between": between,
        "travel_h": _weighted_quantiles(hours.ravel(), w),
        "road_km": _weighted_quantiles(km.ravel(), w),
        "treated_beyond_h": {
            f"{t:g}": float(w[hours.ravel() > t].sum() / treated) if treated else 0.0
            for t in (1.0, 2.0, 3.0)
        },
    }
