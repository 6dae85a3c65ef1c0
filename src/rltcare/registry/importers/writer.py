"""Writing validated import tables: bulk inserts with their audit entries, keys resolved."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from rltcare.registry import audit, bulk
from rltcare.registry.importers.links import Known
from rltcare.registry.models import BY_TABLE, CLINICAL

CHUNK = 50_000
#: Rows per audit entry of an import (see :data:`rltcare.registry.audit.IMPORT`).
AUDIT_BATCH = 1_000
#: SQLite page cache during an import (KiB).
IMPORT_CACHE_KIB = 256 * 1024


def _python(series: pd.Series, column) -> list[Any]:
    """A column's values as the Python objects the database takes (None for empty)."""
    python = column.type.python_type
    if python is float:
        return [None if v is None or v != v else float(v) for v in series.tolist()]
    if python is int:
        return [None if v is None or v != v else int(v) for v in series.tolist()]
    if python is dt.date:
        if series.dtype == object:  # a column the file did not have
            return [None] * len(series)
        return series.to_numpy().astype("datetime64[D]").tolist()  # date objects, None for NaT
    if python is dt.datetime:
        if series.dtype == object:
            return [None] * len(series)
        naive = series.dt.tz_convert(None).to_numpy().astype("datetime64[us]").tolist()
        return [None if v is None else v.replace(tzinfo=dt.UTC) for v in naive]
    return [None if v is None or (isinstance(v, float) and v != v) else v for v in series.tolist()]


_JSON_STRING = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes


def _json_text(value: Any) -> str:
    """One value as :func:`rltcare.registry.audit.canonical` writes it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return _JSON_STRING(value.astimezone(dt.UTC).isoformat())
    if isinstance(value, dt.date):
        return _JSON_STRING(value.isoformat())
    return _JSON_STRING(value)


def _json_column(values: list[Any]) -> list[str]:
    """A column's values as JSON text: numbers through ``repr`` in C, the rest cached."""
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, int | float) and not isinstance(sample, bool):
        if None not in values:
            return list(map(repr, values))
        return ["null" if v is None else repr(v) for v in values]
    cache: dict[Any, str] = {}
    return [cache[v] if v in cache else cache.setdefault(v, _json_text(v)) for v in values]


def _json_rows(values: dict[str, list[Any]], names: list[str]) -> list[str]:
    """Each row's canonical JSON (keys in ``names`` order, which must be sorted).

    One ``%`` format per row with a template of the keys is much cheaper than
    encoding a dict per row, and gives the same text as :func:`audit.canonical`.
    """
    template = "{" + ",".join(_JSON_STRING(n).replace("%", "%%") + ":%s" for n in names) + "}"
    columns = [_json_column(values[name]) for name in names]
    return [template % row for row in zip(*columns, strict=True)]


def _insert(connection: Connection, actor: str, table, values: dict[str, list[Any]]) -> list[int]:
    """Insert rows with fresh, consecutive ids, and an audit entry per :data:`AUDIT_BATCH` rows.

    Each entry holds its rows' canonical JSON, one line per row, so the trail keeps
    every value written while the hash chain grows by one link per batch.
    """
    count = len(next(iter(values.values())))
    ids = list(bulk.next_ids(connection, table.name, count))
    values = {"id": ids, **values}
    audited = sorted(c.name for c in audit.audited_columns(table))
    for start in range(0, count, CHUNK):
        part = {name: column[start : start + CHUNK] for name, column in values.items()}
        bulk.insert_rows(connection, table.name, list(part), list(part.values()))
        afters = _json_rows(part, audited)
        audit.append(
            connection,
            actor,
            (
                (
                    audit.IMPORT,
                    table.name,
                    part["id"][i],
                    None,
                    "\n".join(afters[i : i + AUDIT_BATCH]),
                )
                for i in range(0, len(afters), AUDIT_BATCH)
            ),
        )
    return ids


def write(
    connection: Connection, actor: str, tables: dict[str, pd.DataFrame], known: Known
) -> dict[str, int]:
    """Insert every table, parents first; returns rows written per table."""
    if connection.dialect.name == "sqlite":
        # Indexes of a table filled with millions of rows stay in memory with a larger
        # page cache than SQLite's 2 MB default; set back below for the pooled connection.
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
        try:
            return _write(connection, actor, tables, known)
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")
    return _write(connection, actor, tables, known)


def _write(
    connection: Connection, actor: str, tables: dict[str, pd.DataFrame], known: Known
) -> dict[str, int]:
    centres = dict(known.centres)
    patients = {p: pid for p, (pid, _) in known.patients.items()}
    courses = dict(known.courses)
    counts = {}
    for model in CLINICAL:
        name = model.__tablename__
        if name not in tables:
            continue
        df = tables[name]
        table = BY_TABLE[name].__table__
        values: dict[str, list[Any]] = {}
        for column in table.columns:
            if column.name == "id":
                continue
            if column.name == "version":
                values["version"] = [1] * len(df)
            elif column.name == "centre_id":
                values["centre_id"] = df["centre"].map(centres).astype(int).tolist()
            elif column.name == "patient_id":
                values["patient_id"] = df["pseudonym"].map(patients).astype(int).tolist()
            elif column.name == "course_id":
                keys = zip(df["pseudonym"], df["course"].astype(int), strict=True)
                values["course_id"] = [courses[k] for k in keys]
            else:
                values[column.name] = _python(df[column.name], column)
        ids = _insert(connection, actor, table, values)
        counts[name] = len(ids)
        if name == "centre":
            centres.update(zip(df["code"], ids, strict=True))
        elif name == "patient":
            patients.update(zip(df["pseudonym"], ids, strict=True))
        elif name == "treatment_course":
            courses.update(
                zip(zip(df["pseudonym"], df["number"].astype(int), strict=True), ids, strict=True)
            )
    return counts
