"""Files the ``national`` commands read: centres and points CSV, travel times, TOML inputs."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from rltcare.catalog.country import Country
from rltcare.errors import InputError, from_validation_errors
from rltcare.national.gap import centres_from_rows, csv_rows
from rltcare.national.resources import ResourceUse
from rltcare.national.supply import SupplyNetwork


def read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return csv_rows(handle)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None


def centres(home: Path, country: Country, abroad: Path | None = None) -> tuple[list, list]:
    """The centres file at home and, if given, the centres abroad (their region a country code)."""
    found = centres_from_rows(read_csv(home), country, file=str(home))
    away = centres_from_rows(read_csv(abroad), None, file=str(abroad)) if abroad else []
    return found, away


def points(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = read_csv(path)
    if not rows:
        raise InputError("no demand points", file=str(path))
    values = np.empty((len(rows), 3))
    for number, row in enumerate(rows, start=1):
        for k, column in enumerate(("lat", "lon", "population")):
            try:
                values[number - 1, k] = float(row[column])
            except (KeyError, TypeError, ValueError):
                raise InputError(
                    f"{column} must be a number", file=str(path), row=number, field=column
                ) from None
    return values[:, 0], values[:, 1], values[:, 2]


def matrix(
    path: Path, country, centres, *, column: str = "hours", missing: float | None = None
) -> np.ndarray:
    """A regions × centres matrix from CSV rows ``region,centre,<column>``.

    A pair not given is an error, or ``missing`` where that is set (e.g. 0 for shares)."""
    rows = read_csv(path)
    regions = {r.code: i for i, r in enumerate(country.regions)}
    ids = {c.id: j for j, c in enumerate(centres)}
    matrix = np.full((len(regions), len(ids)), np.nan)
    for number, row in enumerate(rows, start=1):
        for field, known in (("region", regions), ("centre", ids)):
            if (row.get(field) or "").strip() not in known:
                raise InputError(
                    f"unknown {field} {row.get(field)!r}", file=str(path), row=number, field=field
                )
        try:
            value = float(row[column])
        except (KeyError, TypeError, ValueError):
            raise InputError(
                f"{column} must be a number", file=str(path), row=number, field=column
            ) from None
        matrix[regions[row["region"].strip()], ids[row["centre"].strip()]] = value
    if missing is not None:
        return np.where(np.isnan(matrix), missing, matrix)
    gaps = np.argwhere(np.isnan(matrix))
    if gaps.size:
        i, j = gaps[0]
        raise InputError(
            f"{len(gaps)} region-centre pair(s) missing, first {country.regions[i].code} → "
            f"{centres[j].id}",
            file=str(path),
            field=column,
            hint="give a value for every region and centre",
        )
    return matrix


def resource_use(path: Path) -> dict[str, ResourceUse]:
    data = toml(path)
    out = {}
    for name, record in data.items():
        try:
            out[name] = ResourceUse.model_validate(record)
        except ValidationError as exc:
            raise from_validation_errors(exc.errors(), name, file=str(path)) from None
    return out


def toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=str(path)) from None


def network(path: Path) -> SupplyNetwork:
    data = toml(path)
    try:
        return SupplyNetwork.model_validate(data)
    except ValidationError as exc:
        raise from_validation_errors(exc.errors(), file=str(path)) from None
