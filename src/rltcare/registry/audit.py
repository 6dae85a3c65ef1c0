"""The audit trail: an append-only, hash-chained log of every insert, update and delete.

Each entry holds who, when, the table, the row id and the row's values before and
after, as canonical JSON. Its ``hash`` is SHA-256 over the previous entry's hash and
the entry's own canonical JSON, so changing, removing or inserting an entry breaks
the chain after it. :func:`verify` re-computes the chain and also compares every
live row with the values its last entry recorded, which reveals a row changed,
added or deleted behind the application's back (e.g. with raw SQL).

An import writes one ``import`` entry per batch of consecutive new rows of a
table instead of one ``insert`` entry per row: ``row_id`` is the first row's id
and ``after`` holds each row's canonical JSON on its own line (canonical JSON
has no raw newline), so the entry records every value while the chain grows by
one link, not a thousand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection, Index, Integer, String, Text, event, func, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from rltcare.registry import bulk
from rltcare.registry.models import Base, UTCDateTime, Versioned

GENESIS = "0" * 64
#: The action of an entry recording a batch of rows with consecutive ids (one line each).
IMPORT = "import"
_LOCK_KEY = 7_314_159  # PostgreSQL advisory lock that serialises appends to the chain


class AuditEntry(Base):
    __tablename__ = "audit_log"
    # ``updated_since`` looks up the rows of one table changed after a time (see filters.py)
    __table_args__ = (Index("ix_audit_log_table_name_at", "table_name", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(10))
    table_name: Mapped[str] = mapped_column(String(60), index=True)
    row_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def canonical(data: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, dates as ISO 8601 (UTC for timestamps)."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    )


def audited_columns(table) -> list:
    return [c for c in table.columns if c.info.get("audit", True)]


def _typed(column, value: Any) -> Any:
    """A column value in the form both back ends give back (REAL vs int, naive UTC)."""
    if value is None:
        return None
    python_type = column.type.python_type
    if python_type is float:
        return float(value)
    if python_type is bool:
        return bool(value)
    if python_type is dt.datetime and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def snapshot(table, values: dict[str, Any]) -> str:
    """Canonical JSON of a row's audited columns."""
    return canonical({c.name: _typed(c, values.get(c.name)) for c in audited_columns(table)})


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    """SHA-256 over the previous hash, the entry's canonical JSON and its row values.

    The hashed text is ``prev_hash``, the canonical JSON of ``at``, ``actor``,
    ``action``, ``table_name`` and ``row_id``, then the ``before`` and ``after``
    JSON texts (``null`` when absent), separated by newlines (JSON text has none).
    """
    return _hasher(entry)(prev_hash, entry["row_id"], entry["before"], entry["after"])


def _hasher(entry: dict[str, Any]):
    """A fast :func:`entry_hash` for entries sharing time, actor, action and table."""
    meta = canonical(
        {**{k: entry[k] for k in ("at", "actor", "action", "table_name")}, "row_id": 0}
    )
    head, tail = meta.split('"row_id":0')
    head += '"row_id":'

    def digest(prev_hash: str, row_id: int, before: str | None, after: str | None) -> str:
        text_ = f"{prev_hash}{head}{int(row_id)}{tail}\n{before or 'null'}\n{after or 'null'}"
        return hashlib.sha256(text_.encode()).hexdigest()

    return digest


def _last_hash(connection: Connection) -> str:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    last = connection.execute(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar()
    return last or GENESIS


def append(
    connection: Connection,
    actor: str,
    changes: Iterable[tuple[str, str, int, str | None, str | None]],
) -> int:
    """Append entries ``(action, table, row_id, before, after)`` to the chain; returns how many."""
    changes = [(a, str(t), i, b, c) for a, t, i, b, c in changes]  # plain str: fastest to bind
    if not changes:
        return 0
    at = dt.datetime.now(dt.UTC)
    stamp = at.isoformat()
    first = prev = _last_hash(connection)
    digests: dict[tuple[str, str], Any] = {}
    hashes = []
    for action, table_name, row_id, before, after in changes:
        key = (action, table_name)
        if key not in digests:
            meta = {"action": action, "actor": actor, "at": stamp, "table_name": table_name}
            digests[key] = _hasher(meta)
        prev = digests[key](prev, row_id, before, after)
        hashes.append(prev)
    count = len(changes)
    names = [
        "at",
        "actor",
        "action",
        "table_name",
        "row_id",
        "before",
        "after",
        "prev_hash",
        "hash",
    ]
    values = [[at] * count, [actor] * count, *map(list, zip(*changes, strict=True))]
    values += [[first, *hashes[:-1]], hashes]
    bulk.insert_rows(connection, AuditEntry.__tablename__, names, values)
    return count


def _column_values(obj: Versioned, *, before: bool) -> dict[str, Any]:
    state = inspect(obj)
    values = {}
    for column in obj.__table__.columns:
        attr = state.mapper.get_property_by_column(column)
        history = state.attrs[attr.key].history
        if before and history.deleted:
            values[column.name] = history.deleted[0]
        elif before and not history.unchanged and history.added:
            values[column.name] = None
        else:
            values[column.name] = getattr(obj, attr.key)
    return values


def _flush_changes(session: Session) -> list[tuple[str, str, int, str | None, str | None]]:
    changes = []
    for obj in session.new:
        if isinstance(obj, Versioned):
            after = snapshot(obj.__table__, _column_values(obj, before=False))
            changes.append(("insert", obj.__tablename__, obj.id, None, after))
    for obj in session.dirty:
        if isinstance(obj, Versioned) and session.is_modified(obj, include_collections=False):
            table = obj.__table__
            old = _column_values(obj, before=True)
            old["version"] = obj.version - 1  # the mapper bumps it without history
            before = snapshot(table, old)
            after = snapshot(table, _column_values(obj, before=False))
            if before != after:
                changes.append(("update", obj.__tablename__, obj.id, before, after))
    for obj in session.deleted:
        if isinstance(obj, Versioned):
            before = snapshot(obj.__table__, _column_values(obj, before=False))
            changes.append(("delete", obj.__tablename__, obj.id, before, None))
    return changes


@event.listens_for(Session, "after_flush")
def _record(session: Session, _context) -> None:
    """Every ORM flush of a registry row appends its changes, in the same transaction."""
    changes = _flush_changes(session)
    if not changes:
        return
    actor = session.info.get("actor")
    if not actor:
        raise RuntimeError("registry writes need an actor: use rltcare.registry.service")
    append(session.connection(), actor, changes)


@dataclass
class Verification:
    """What :func:`verify` found: ``ok`` when the chain and every audited row are intact."""

    entries: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _digest(text_: str) -> int:
    return int.from_bytes(hashlib.sha256(text_.encode()).digest()[:8], "little") | 1


def verify(connection: Connection, tables: Sequence | None = None, limit: int = 20) -> Verification:
    """Re-compute the hash chain, then compare each audited table with its last entries."""
    result = Verification()
    prev = GENESIS
    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=20_000)
    for row in connection.execute(query).mappings():
        result.entries += 1
        entry = dict(row, at=row["at"].isoformat())
        if row["prev_hash"] != prev or entry_hash(prev, entry) != row["hash"]:
            result.problems.append(f"audit entry {row['id']} does not match the chain")
            if len(result.problems) >= limit:
                return result
        prev = row["hash"]
    for table in tables if tables is not None else audited_tables():
        _verify_table(connection, table, result, limit)
    return result


def audited_tables() -> list:
    return [m.local_table for m in Base.registry.mappers if issubclass(m.class_, Versioned)]


def _verify_table(connection: Connection, table, result: Verification, limit: int) -> None:
    top = max(
        connection.execute(select(func.max(table.c.id))).scalar() or 0,
        connection.execute(
            select(func.max(AuditEntry.row_id)).where(AuditEntry.table_name == table.name)
        ).scalar()
        or 0,
    )
    expected = np.zeros(top + 1, dtype=np.uint64)  # 0: no live row expected
    entries = select(AuditEntry.action, AuditEntry.row_id, AuditEntry.after).where(
        AuditEntry.table_name == table.name
    )
    for action, row_id, after in connection.execute(entries.order_by(AuditEntry.id)):
        if action == IMPORT:
            lines = after.split("\n")
            if row_id + len(lines) > len(expected):
                expected = np.concatenate(
                    [expected, np.zeros(row_id + len(lines) - len(expected), dtype=np.uint64)]
                )
            expected[row_id : row_id + len(lines)] = [_digest(line) for line in lines]
        else:
            expected[row_id] = 0 if after is None else _digest(after)
    top = len(expected) - 1
    seen = np.zeros(top + 1, dtype=bool)
    for row in connection.execute(select(table).execution_options(yield_per=20_000)).mappings():
        result.rows += 1
        seen[row["id"]] = True
        if expected[row["id"]] != _digest(snapshot(table, row)):
            reason = (
                "has no audit entry"
                if expected[row["id"]] == 0
                else "differs from its last audit entry"
            )
            result.problems.append(f"{table.name} row {row['id']} {reason}")
        if len(result.problems) >= limit:
            return
    for row_id in np.flatnonzero((expected != 0) & ~seen)[: max(0, limit - len(result.problems))]:
        result.problems.append(f"{table.name} row {row_id} was deleted without an audit entry")
