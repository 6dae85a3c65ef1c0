"""Backup and restore of every registry table, exactly (a zip of JSON lines per table).

Values are written with their column's type (dates and timestamps as ISO 8601,
floats with full precision), so a restore gives back the same rows, ids, versions
and audit chain. A restore needs an empty, migrated database of the same revision.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from rltcare.errors import InputError
from rltcare.registry import accounts, audit, runs  # noqa: F401  (every table in the metadata)
from rltcare.registry.migrate import current
from rltcare.registry.models import Base

FORMAT = "rltcare-registry-backup/1"


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _decode(column, value: Any) -> Any:
    if value is None:
        return None
    python = column.type.python_type
    if python is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if python is dt.date:
        return dt.date.fromisoformat(value)
    return value


def tables() -> list:
    return list(Base.metadata.sorted_tables)


def backup(engine: Engine, path: Path) -> dict[str, int]:
    """Write every table to ``path`` (a zip); returns the row count per table."""
    counts = {}
    with (
        engine.connect() as connection,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for table in tables():
            order = list(table.primary_key.columns)
            rows = connection.execute(select(table).order_by(*order)).mappings()
            with archive.open(f"{table.name}.jsonl", "w") as handle:
                n = 0
                for row in rows:
                    handle.write(
                        (json.dumps({k: _encode(v) for k, v in row.items()}) + "\n").encode()
                    )
                    n += 1
            counts[table.name] = n
        manifest = {"format": FORMAT, "revision": current(engine), "rows": counts}
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    return counts


def restore(engine: Engine, path: Path) -> dict[str, int]:
    """Load a backup into an empty registry at the same schema revision."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise InputError("not an rltcare registry backup", file=str(path))
        if manifest["revision"] != current(engine):
            raise InputError(
                f"backup is at schema {manifest['revision']}, the database at {current(engine)}",
                hint="run `rltcare registry migrate` to the same revision first",
            )
        with engine.begin() as connection:
            for table in tables():
                if connection.execute(select(func.count()).select_from(table)).scalar():
                    raise InputError(
                        f"table {table.name} is not empty; restore needs an empty registry"
                    )
            for table in tables():
                batch = []
                with archive.open(f"{table.name}.jsonl") as handle:
                    for line in handle:
                        row = json.loads(line)
                        batch.append({c.name: _decode(c, row[c.name]) for c in table.columns})
                        if len(batch) >= 10_000:
                            connection.execute(insert(table), batch)
                            batch = []
                if batch:
                    connection.execute(insert(table), batch)
                if connection.dialect.name == "postgresql" and "id" in table.c:
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE(MAX(id), 1)) FROM {table.name}"
                        )
                    )
    return manifest["rows"]
