"""A per-process cache of patient timelines, valid while the audit trail has not moved.

Every write of a registry row appends to the audit trail in the same transaction
(see :mod:`rltcare.registry.audit`, bulk imports included), so the id of the newest
audit entry is a version number of the whole registry. A value remembered with an
older head may be stale and is read again. One indexed query per request tells
every worker process, on either back end, whether anything was written anywhere
since; no process needs to tell the others. A row changed with raw SQL behind the
application's back is not seen until the next audited write (``verify-audit``
reports such a row anyway).

The head is read *before* the value is loaded: a write committed in between leaves
newer data under an older head, which only costs one extra reload.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rltcare.registry.audit import AuditEntry

_HEAD_QUERY = select(func.max(AuditEntry.id))


def audit_head(session: Session) -> int:
    """The id of the newest audit entry (0 for an empty trail): one index lookup."""
    return session.connection().execute(_HEAD_QUERY).scalar() or 0


class HeadCache:
    """At most ``size`` values, least recently used dropped first, each stamped with a head."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_load(self, key: Hashable, head: int, load: Callable[[], Any]) -> Any:
        """The value for ``key`` remembered at ``head``, else ``load()`` (remembered at ``head``)."""
        with self._lock:
            found = self._values.get(key)
            if found is not None and found[0] == head:
                self._values.move_to_end(key)
                self.hits += 1
                return found[1]
        self.misses += 1
        value = load()  # outside the lock: loads of different keys run concurrently
        with self._lock:
            self._values[key] = (head, value)
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
