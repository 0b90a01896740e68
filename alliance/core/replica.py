"""Heavy read-only work on a read replica, everything else on the primary.

When ``DATABASE_REPLICA_URL`` is set, settings add a ``replica`` database (a
streaming-replication standby of the primary). Code that reads a lot and
writes nothing it reads (the practice outcomes report) wraps its
reads in ``reading_from_replica()``; inside, ``ReplicaRouter`` sends ORM reads
to the replica, and raw SQL follows a queryset's ``.db``. Writes always go to
the primary, inside the block too (the audit record of the report, say).

The replica lags the primary by however long replication takes (usually well
under a second, longer under load or after a network break): a score submitted
a moment ago may be missing from the report. So only reports that describe a
period, never a page someone has just changed, read from it.

Without a replica, ``reading_from_replica()`` changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reading: ContextVar[bool] = ContextVar("alliance_reading_from_replica", default=False)


def replica_alias() -> str:
    """The alias heavy reads should use: the replica when there is one."""
    return REPLICA if REPLICA in connections.settings else DEFAULT_DB_ALIAS


@contextmanager
def reading_from_replica() -> Iterator[str]:
    """Send reads inside the block to the replica (when there is one); yields
    the alias they use."""
    token = _reading.set(True)
    try:
        yield replica_alias()
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """Reads inside ``reading_from_replica()`` go to the replica; every other
    read and every write to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        # None: Django's own choice (the primary, or an object's database).
        return replica_alias() if _reading.get() else None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        # Explicit, so an object read from the replica is saved to the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # A standby takes its schema from the primary by replication.
        return db != REPLICA
