"""Small values that expire, shared by every process on the database: the chat's memory.

Replicas behind one bot answer a question on one host and a button press on
another, so what a button needs (the answer it belongs to), the ``/sprache``
choice and the flood guard's recent questions live here instead of in one
process. Each value has an expiry time; expired ones read as absent and are
deleted as new ones are written. Keys are chosen by the caller (the chat layer
hashes user and chat ids into them); values are text (JSON).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from index.store.database import Store
from index.store.tables import ExpiringValue, utcnow

PURGE_EVERY = 200  # writes between two deletions of expired values


class ExpiringState:
    """Get, put and atomically update values with a lifetime, in the store's database."""

    def __init__(self, store: Store, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock
        self._writes = 0

    def get(self, key: str) -> str | None:
        """The value of ``key``, or None if absent or expired."""
        with self.store.session() as s:
            row = s.get(ExpiringValue, key)
            return row.value if row is not None and row.expires > self.clock() else None

    def put(self, key: str, value: str, ttl: float) -> None:
        """Set ``key`` to ``value`` for ``ttl`` seconds."""
        with self.store.session() as s:
            row = _locked_row(s, key)
            row.value = value
            row.expires = self.clock() + dt.timedelta(seconds=ttl)
            self._maybe_purge(s)

    def update(self, key: str, change: Callable[[str | None], str], ttl: float) -> str:
        """Replace the value by ``change(old)`` (old None if absent or expired), atomically.

        The row is locked for the transaction (``SELECT … FOR UPDATE`` on PostgreSQL;
        SQLite serialises writers itself), so two replicas never lose a change.
        """
        now = self.clock()
        with self.store.session() as s:
            row = _locked_row(s, key)
            old = row.value if row.expires > now else None
            row.value = change(old)
            row.expires = now + dt.timedelta(seconds=ttl)
            self._maybe_purge(s)
            return row.value

    def purge(self) -> int:
        """Delete every expired value; returns how many."""
        with self.store.session() as s:
            return _purge(s, self.clock())

    def _maybe_purge(self, s: Session) -> None:
        self._writes += 1
        if self._writes % PURGE_EVERY == 1:
            _purge(s, self.clock())


def _purge(s: Session, now: dt.datetime) -> int:
    result = s.execute(delete(ExpiringValue).where(ExpiringValue.expires <= now))
    return int(getattr(result, "rowcount", 0) or 0)


def _locked_row(s: Session, key: str) -> ExpiringValue:
    """The row of ``key``, created expired if missing, locked until the transaction ends."""
    dialect = s.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    expired = dt.datetime(1970, 1, 1)
    s.execute(
        insert(ExpiringValue)
        .values(key=key, value="", expires=expired)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    q = select(ExpiringValue).where(ExpiringValue.key == key).with_for_update()
    return s.execute(q.execution_options(populate_existing=True)).scalar_one()
