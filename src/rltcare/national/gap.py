"""Capacity gap: each region's demand against its centres, and what to add where.

Demand (cycles per year, from :mod:`rltcare.national.demand`) times per-cycle
resource use (:mod:`rltcare.national.resources`) gives bed-days, chair hours,
scanner slots, staff hours by role and GBq a year; the centres of the region give
the capacity. Patients are assumed treated in their own region (flows across regions and
borders are :mod:`rltcare.national.flows`); the shortfall is converted to rooms, chairs,
scanners and FTE to add.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rltcare.catalog import Catalog, default_catalog
from rltcare.catalog.country import Country
from rltcare.errors import InputError, from_validation_errors
from rltcare.national.demand import DemandResult
from rltcare.national.resources import ROLES, Capacity, ResourceUse, resource_use
from rltcare.result import Result

CENTRE_COLUMNS = ("id", "name", "lat", "lon", "region", "rooms", "chairs", "scanners")


class Centre(BaseModel):
    """A treating centre: where it is and what it has."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    region: str
    rooms: int = Field(ge=0)
    chairs: int = Field(ge=0)
    scanners: int = Field(ge=0)
    fte: dict[str, float] = Field(default_factory=dict)


def centres_from_rows(
    rows: Iterable[Mapping[str, str]],
    country: Country | None,
    *,
    file: str = "centres",
) -> list[Centre]:
    """Validate centre rows (``fte_<role>`` columns give staff); errors name file, row, field.

    ``country`` None reads centres abroad: ``region`` is then their country (or region)
    code, which is not checked."""
    centres, seen = [], set()
    for number, row in enumerate(rows, start=1):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        missing = [c for c in CENTRE_COLUMNS if c not in row]
        if missing:
            raise InputError(
                f"missing column '{missing[0]}'", file=file, row=number, field=missing[0]
            )
        fte = {}
        for key in [k for k in row if k.startswith("fte_")]:
            role = key[4:]
            if role not in ROLES:
                raise InputError(
                    f"unknown staff role '{role}'",
                    file=file,
                    row=number,
                    field=key,
                    hint="fte_" + ", fte_".join(ROLES),
                )
            fte[role] = row.pop(key) or "0"
        extra = set(row) - set(CENTRE_COLUMNS)
        if extra:
            field = sorted(extra)[0]
            raise InputError(f"unknown column '{field}'", file=file, row=number, field=field)
        try:
            centre = Centre.model_validate({**row, "fte": fte})
        except ValidationError as exc:
            raise from_validation_errors(exc.errors(), file=file, row=number) from None
        if centre.id in seen:
            raise InputError(
                f"centre id '{centre.id}' appears twice", file=file, row=number, field="id"
            )
        seen.add(centre.id)
        if country is None:
            centres.append(centre.model_copy(update={"region": centre.region.upper()}))
        else:
            centres.append(place_centre(centre, country, file=file, row=number))
    if not centres:
        raise InputError("no centres given", file=file)
    return centres


def place_centre(
    centre: Centre, country: Country, *, file: str | None = None, row: int | None = None
) -> Centre:
    """The centre with its region code checked against the country and its location."""
    codes = [r.code for r in country.regions]
    if centre.region.upper() not in codes:
        raise InputError(
            f"region '{centre.region}' is not a region of {country.name}",
            file=file,
            row=row,
            field="region",
            hint="one of " + ", ".join(codes),
        )
    lon_min, lat_min, lon_max, lat_max = country.bbox
    if not (lon_min <= centre.lon <= lon_max and lat_min <= centre.lat <= lat_max):
        raise InputError(
            f"centre '{centre.id}' at ({centre.lat}, {centre.lon}) lies outside every region "
            f"of {country.name}",
            file=file,
            row=row,
            field="lat",
            hint="check the coordinates (latitude first, decimal degrees)",
        )
    return centre.model_copy(update={"region": centre.region.upper()})


def counted(value: float, unit: str) -> str:
    """``1 scanner``, ``2 scanners``, ``1.5 nurse_fte``: a unit in the singular for one."""
    if value == 1 and unit.endswith("s") and not unit.endswith("_fte"):
        unit = unit[:-1]
    return f"{value:g} {unit}"


def activity_text(gbq: Mapping[str, float]) -> str:
    """GBq per nuclide as text, ``1,234 GBq Lu-177; 56 GBq I-131`` (never one sum)."""
    return "; ".join(f"{v:,.0f} GBq {k}" for k, v in gbq.items()) or "0 GBq"


def csv_rows(lines: Iterable[str]) -> list[dict[str, str]]:
    """Rows of a CSV text whose lines starting with ``#`` are comments (as in the examples).

    The one reader the CLI (files) and the page (pasted text) use for centres."""
    return list(csv.DictReader(line for line in lines if not line.lstrip().startswith("#")))


class RegionGap(Result):
    region: str
    name: str
    cycles: float
    activity_gbq: dict[str, float] = Field(description="GBq a year per nuclide.")
    required: dict[str, float]
    available: dict[str, float]
    shortfall: dict[str, float]
    add: dict[str, float]


class GapResult(Result):
    country: str
    year: int
    quantile: str
    regions: list[RegionGap]
    total_add: dict[str, float]
    activity_gbq: dict[str, float] = Field(description="GBq a year per nuclide.")
    resource_use: dict[str, ResourceUse]
    assumptions: list[str]

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [("country", self.country), ("year", str(self.year)), ("demand", self.quantile)]
        rows += [
            (f"activity, {nuclide}", f"{gbq:,.0f} GBq a year")
            for nuclide, gbq in self.activity_gbq.items()
        ]
        for gap in self.regions:
            adds = ", ".join(counted(v, k) for k, v in gap.add.items() if v > 0) or "nothing"
            rows.append((f"{gap.region} {gap.name}", f"{gap.cycles:,.0f} cycles; add {adds}"))
        rows.append(
            ("total to add", ", ".join(counted(v, k) for k, v in self.total_add.items() if v))
        )
        return rows


def demand_year(demand: DemandResult, year: int | None, quantile: str) -> tuple[int, str]:
    """The year (default: the last) and the demand row's cycles column for ``quantile``."""
    year = year if year is not None else demand.start_year + demand.years - 1
    if not demand.start_year <= year < demand.start_year + demand.years:
        raise InputError(f"year {year} is outside the demand's horizon", field="year")
    column = {"median": "cycles", "high": "cycles_high", "low": "cycles_low"}.get(quantile)
    if column is None:
        raise InputError(
            f"quantile must be low, median or high, got {quantile!r}", field="quantile"
        )
    return year, column


def per_cycle_use(
    demand: DemandResult, country: Country, use: Mapping[str, ResourceUse] | None, catalog
) -> dict[str, ResourceUse]:
    """Per-cycle use of each of the demand's indications: ``use`` where given, else the
    documented default under the country's discharge rule."""
    per_cycle = dict(use or {})
    for name in demand.indications:
        if name not in per_cycle:
            product = catalog.indication(name).product
            per_cycle[name] = resource_use(product, country.jurisdiction, catalog=catalog)
    return per_cycle


def capacity_units(capacity: Capacity) -> dict[str, tuple[str, float]]:
    """Centre field → (per-cycle use it serves, how much one unit gives a year)."""
    return {
        "rooms": ("bed_days", capacity.bed_days_per_room),
        "chairs": ("chair_hours", capacity.chair_hours_per_chair),
        "scanners": ("scanner_slots", capacity.scanner_slots_per_scanner),
    }


def capacity_gap(
    demand: DemandResult,
    centres: list[Centre],
    *,
    year: int | None = None,
    quantile: str = "median",
    use: Mapping[str, ResourceUse] | None = None,
    capacity: Capacity | None = None,
    catalog: Catalog | None = None,
) -> GapResult:
    """Per region: resources required by ``demand`` in ``year`` against the centres'."""
    catalog = catalog or default_catalog()
    country = catalog.country(demand.country)
    capacity = capacity or Capacity()
    year, column = demand_year(demand, year, quantile)
    per_cycle = per_cycle_use(demand, country, use, catalog)
    units = capacity_units(capacity)
    gaps, total_gbq = [], {}
    for region in country.regions:
        rows = [r for r in demand.rows if r.region == region.code and r.year == year]
        cycles = {r.indication: getattr(r, column) for r in rows}
        required = {key: 0.0 for key, _ in units.values()}
        required.update({f"{role}_hours": 0.0 for role in ROLES})
        gbq: dict[str, float] = {}
        for name, n in cycles.items():
            u = per_cycle[name]
            required["bed_days"] += n * u.bed_days
            required["chair_hours"] += n * u.chair_hours
            required["scanner_slots"] += n * u.scanner_slots
            for role, hours in u.staff_hours.items():
                required[f"{role}_hours"] = required.get(f"{role}_hours", 0.0) + n * hours
            nuclide = catalog.radiopharmaceutical(catalog.indication(name).product).nuclide
            gbq[nuclide] = gbq.get(nuclide, 0.0) + n * u.activity_gbq
        mine = [c for c in centres if c.region == region.code]
        available = {
            key: sum(getattr(c, unit) for c in mine) * per for unit, (key, per) in units.items()
        }
        available.update(
            {
                f"{role}_hours": sum(c.fte.get(role, 0.0) for c in mine) * capacity.hours_per_fte
                for role in ROLES
            }
        )
        shortfall = {k: max(0.0, required[k] - available.get(k, 0.0)) for k in required}
        add = {unit: math.ceil(shortfall[key] / per - 1e-9) for unit, (key, per) in units.items()}
        add.update(
            {
                f"{role}_fte": round(shortfall[f"{role}_hours"] / capacity.hours_per_fte, 1)
                for role in ROLES
            }
        )
        for nuclide, value in gbq.items():
            total_gbq[nuclide] = total_gbq.get(nuclide, 0.0) + value
        gaps.append(
            RegionGap(
                region=region.code,
                name=region.name,
                cycles=float(sum(cycles.values())),
                activity_gbq=gbq,
                required=required,
                available=available,
                shortfall=shortfall,
                add=add,
            )
        )
    total_add = {k: float(np.round(sum(g.add[k] for g in gaps), 1)) for k in gaps[0].add}
    return GapResult(
        country=country.id,
        year=year,
        quantile=quantile,
        regions=gaps,
        total_add=total_add,
        activity_gbq=total_gbq,
        resource_use=per_cycle,
        assumptions=[
            "patients are treated in their own region",
            f"capacity per unit: {capacity.model_dump()}",
            "per-cycle chair, scanner and staff time: rltcare.national.resources.PER_CYCLE",
        ],
    )
