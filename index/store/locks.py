"""Locks in the database: what serialises processes on several hosts that share one store.

On PostgreSQL a lock is a session-level advisory lock held on its own
connection: the database drops it when the holder's connection ends, so a
killed replica never leaves it behind and another one takes over. SQLite lives
in one data directory on one host, where the data-dir lock file does the same
work; there every lock here is granted at once.

Keys are fixed numbers, one per purpose (:class:`LockKey`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import IntEnum

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from index.errors import IngestRunning

log = logging.getLogger(__name__)


class LockKey(IntEnum):
    """Advisory lock keys ("Ratsbot" in the high digits keeps them apart from other apps)."""

    SCHEMA = 7_265_000_001  # creating or upgrading the tables
    INGEST = 7_265_000_002  # ingest, re-index, remove, repair
    TELEGRAM_POLLER = 7_265_000_003  # the one replica that long-polls Telegram
    MATRIX_SYNC = 7_265_000_004  # the one replica that syncs the bot's Matrix account


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def lock_schema(conn: Connection) -> None:
    """Inside a transaction: wait until no other process creates or upgrades the tables.

    A transaction-level advisory lock, released at its commit; a no-op on SQLite,
    whose writers are serialised by the file itself.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int(LockKey.SCHEMA)})


class HeldLock:
    """A granted advisory lock; ``alive()`` tells whether the database still holds it."""

    def __init__(self, conn: Connection | None) -> None:
        self._conn = conn

    def alive(self) -> bool:
        """False once the lock's connection is gone (the database released the lock)."""
        if self._conn is None:
            return True
        try:
            self._conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False


@contextmanager
def advisory_lock(
    engine: Engine,
    key: LockKey,
    *,
    wait: bool = True,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[HeldLock]:
    """Hold lock ``key`` for the block; ``wait=False`` raises :class:`IngestRunning` if taken.

    ``on_wait`` is called once before waiting for another holder.
    """
    if not is_postgres(engine):
        yield HeldLock(None)
        return
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": int(key)}).scalar():
            if not wait:
                raise IngestRunning("another ingest is running on this database; try again later")
            if on_wait is not None:
                on_wait()
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": int(key)})
    except BaseException:
        conn.close()  # the lock, if the wait got it, ends with the connection
        raise
    try:
        yield HeldLock(conn)
    finally:
        _release(conn, key)


@contextmanager
def try_advisory_lock(engine: Engine, key: LockKey) -> Iterator[HeldLock | None]:
    """Take lock ``key`` if free: yields the held lock, or None when another process has it."""
    if not is_postgres(engine):
        yield HeldLock(None)
        return
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": int(key)}).scalar())
    except BaseException:
        conn.close()
        raise
    if not got:
        conn.close()
        yield None
        return
    try:
        yield HeldLock(conn)
    finally:
        _release(conn, key)


def _release(conn: Connection, key: LockKey) -> None:
    """Unlock and give the connection back; a broken one is discarded (the lock went with it)."""
    try:
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": int(key)})
        conn.close()
    except SQLAlchemyError:
        log.warning("the connection holding a database lock broke; the lock is released")
        conn.invalidate()
        conn.close()
