"""The store's schema version: Alembic migrations in ``index/store/migrations``.

A new database gets every table from the models at once and is stamped with the
newest revision. A database written by an older Ratsbot (one stamped with an
older revision, or one from before the migrations, which has no version table)
is refused by :class:`~index.store.database.Store` with :class:`SchemaOutOfDate`
until :func:`upgrade_schema` ran (``ratsbot upgrade``, or the service's start
under the ingest lock). One written by a newer Ratsbot is refused outright.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, insert, inspect
from sqlalchemy.exc import SQLAlchemyError

import index.store.knowledge_tables  # noqa: F401  (registers the knowledge tables)
from index.errors import IndexStoreError, SchemaOutOfDate
from index.store.locks import lock_schema
from index.store.tables import Base, State

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BEFORE_MIGRATIONS = "(before migrations)"


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database stands: ``current`` is None for an empty one."""

    current: str | None
    head: str
    empty: bool
    known: bool  # the current revision is one of this Ratsbot's

    @property
    def up_to_date(self) -> bool:
        return self.empty or self.current == self.head


def alembic_config() -> Config:
    """The migrations' configuration, with no ini file (the connection is passed in)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    heads = _scripts().get_heads()
    if len(heads) != 1:  # two branches: a merge revision is missing
        raise IndexStoreError(f"the migrations have {len(heads)} heads: {', '.join(heads)}")
    return heads[0]


def schema_status(conn: Connection) -> SchemaStatus:
    """The revision the database is at, read without changing anything."""
    tables = set(inspect(conn).get_table_names())
    empty = not (tables & set(Base.metadata.tables))
    current = None if empty else MigrationContext.configure(conn).get_current_revision()
    if not empty and current is None:
        current = BEFORE_MIGRATIONS
    known = current in (None, BEFORE_MIGRATIONS) or _has_revision(current)
    return SchemaStatus(current=current, head=head_revision(), empty=empty, known=known)


def _has_revision(rev: str | None) -> bool:
    if rev is None:
        return False
    try:
        return _scripts().get_revision(rev) is not None
    except Exception:  # alembic raises its own errors for unknown ids
        return False


def prepare_schema(conn: Connection) -> None:
    """On opening a store: create a new one at the newest revision, refuse an old one."""
    lock_schema(conn)  # replicas starting at once: one creates or migrates, the others wait
    status = schema_status(conn)
    if status.empty:
        Base.metadata.create_all(conn)
        # the generation row exists from the start, so every bump is one UPDATE
        conn.execute(insert(State).values(key="generation", value="0"))
        MigrationContext.configure(conn).stamp(_scripts(), status.head)
        return
    if status.up_to_date:
        return
    if not status.known:
        raise IndexStoreError(
            f"the database was written by a newer Ratsbot (schema {status.current}; this "
            f"version knows up to {status.head}): install that version or restore a backup"
        )
    raise SchemaOutOfDate(
        f"the database schema is {status.current}, this Ratsbot needs {status.head}: "
        "run 'ratsbot upgrade' (after 'ratsbot backup PATH')"
    )


@dataclass(frozen=True)
class Upgrade:
    """What :func:`upgrade_schema` did."""

    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def upgrade_schema(conn: Connection) -> Upgrade:
    """Run every migration the database lacks, in the caller's transaction.

    A database from before the migrations runs the baseline too: it only adds
    what such a store may lack (tables and indexes made by later versions).
    """
    lock_schema(conn)
    status = schema_status(conn)
    if status.empty or status.up_to_date:
        prepare_schema(conn)
        return Upgrade(status.current, status.head)
    if not status.known:
        prepare_schema(conn)  # raises: written by a newer Ratsbot
    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    try:
        command.upgrade(cfg, "head")
    except SQLAlchemyError as e:
        raise IndexStoreError(
            f"the migration from {status.current} to {status.head} failed "
            f"({e.__class__.__name__}: {e.args[0] if e.args else ''}); restore the backup "
            "taken before the upgrade ('ratsbot restore PATH')"
        ) from e
    return Upgrade(status.current, head_revision())
