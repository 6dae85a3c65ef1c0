"""Driver-level bulk inserts: executemany on SQLite, COPY on PostgreSQL.

SQLAlchemy's per-row type processing costs more than the database itself for
millions of rows, so imports and the audit trail write plain tuples through the
DBAPI connection of the current transaction. Values arrive as Python objects
(``date``, aware ``datetime``, ``bool``); on SQLite they are stored in the same
text forms SQLAlchemy uses, so the ORM reads them back unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"
#: Rows per piece of COPY text sent to PostgreSQL.
COPY_BLOCK = 5_000


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime(_SQLITE_DATETIME)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _sqlite_columns(columns: list[list[Any]]) -> list[list[Any]]:
    """Only columns holding dates or timestamps are converted; repeated values once."""
    out = []
    for values in columns:
        sample = next((v for v in values if v is not None), None)
        if isinstance(sample, dt.date):
            cache: dict[Any, Any] = {}
            values = [
                cache[v] if v in cache else cache.setdefault(v, _sqlite_value(v)) for v in values
            ]
        out.append(values)
    return out


def _copy_value(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date):  # datetime too: ISO 8601 with its offset
        return value.isoformat()
    if isinstance(value, str):
        # str.replace runs in C; str.translate with a table is ten times slower on long text
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return repr(value)  # int, float: repr round-trips exactly


def _copy_column(values: list[Any]) -> list[str]:
    """A column as COPY text: numbers through ``repr`` in C, other values converted once each.

    Building the text here and sending it in one piece is several times faster
    than psycopg's per-row ``write_row``, which looks up a dumper for every value.
    """
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, int | float) and not isinstance(sample, bool):
        if None not in values:
            return list(map(repr, values))
        return ["\\N" if v is None else repr(v) for v in values]
    cache: dict[Any, str] = {}
    return [cache[v] if v in cache else cache.setdefault(v, _copy_value(v)) for v in values]


def insert_rows(
    connection: Connection, table: str, names: Sequence[str], columns: list[list[Any]]
) -> None:
    """Insert ``columns`` (one list per name, equal lengths) into ``table``."""
    if not columns or not columns[0]:
        return
    raw = connection.connection.driver_connection
    quoted = ", ".join(f'"{n}"' for n in names)
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
            # In blocks: the server stores one block while the next one is formatted here.
            for start in range(0, len(columns[0]), COPY_BLOCK):
                block = [_copy_column(c[start : start + COPY_BLOCK]) for c in columns]
                copy.write("\n".join(map("\t".join, zip(*block, strict=True))) + "\n")
        return
    marks = ", ".join("?" * len(names))
    cursor = raw.cursor()
    try:
        cursor.executemany(
            f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})',
            zip(*_sqlite_columns(columns), strict=True),
        )
    finally:
        cursor.close()


def next_ids(connection: Connection, table: str, count: int) -> range:
    """Ids for ``count`` new rows; PostgreSQL's sequence is moved past them (table locked)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
    top = connection.exec_driver_sql(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"').scalar()
    if connection.dialect.name == "postgresql" and count:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {top + count})"
        )
    return range(top + 1, top + count + 1)
