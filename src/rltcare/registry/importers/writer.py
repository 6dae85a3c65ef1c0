"""Writing validated import tables: bulk inserts with their audit entries, keys resolved."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection, insert

from rltcare.registry import audit
from rltcare.registry.importers.links import Known
from rltcare.registry.models import BY_TABLE, CLINICAL

CHUNK = 10_000


def _python(series: pd.Series, column) -> list[Any]:
    """A column's values as the Python objects SQLAlchemy binds (None for empty)."""
    python = column.type.python_type
    if python is float:
        return [None if v is None or v != v else float(v) for v in series.tolist()]
    if python is int:
        return [None if v is None or v != v else int(v) for v in series.tolist()]
    if python.__name__ == "date":
        return [None if v is None or pd.isna(v) else v.date() for v in series]
    if python.__name__ == "datetime":
        return [None if v is None or pd.isna(v) else v.to_pydatetime() for v in series]
    return [None if v is None or (isinstance(v, float) and v != v) else v for v in series.tolist()]


def _insert(connection: Connection, actor: str, table, rows: list[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        new = [r[0] for r in connection.execute(statement, chunk)]
        audit.append(
            connection,
            actor,
            (
                ("insert", table.name, i, None, audit.snapshot(table, {**r, "id": i}))
                for i, r in zip(new, chunk, strict=True)
            ),
        )
        ids += new
    return ids


def write(
    connection: Connection, actor: str, tables: dict[str, pd.DataFrame], known: Known
) -> dict[str, int]:
    """Insert every table, parents first; returns rows written per table."""
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
        names = list(values)
        rows = [dict(zip(names, row, strict=True)) for row in zip(*values.values(), strict=True)]
        ids = _insert(connection, actor, table, rows)
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
