"""Bring a database to the newest schema revision (``ratsbot upgrade``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from index.errors import IndexStoreError
from index.store.database import _safe
from index.store.schema import SchemaStatus, Upgrade, schema_status, upgrade_schema


def plain_engine(url: str) -> Engine:
    """An engine without Ratsbot's pragmas; a SQLite file's folder is made if missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url)


def upgrade_database(url: str) -> Upgrade:
    """Run the missing migrations in one transaction; the caller holds the ingest lock.

    The engine is a plain one: on SQLite, foreign keys stay off while migrating,
    since Alembic's batch mode re-creates a table to alter it and dropping the
    old table would otherwise cascade into every table that refers to it.
    """
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            return upgrade_schema(conn)
    except SQLAlchemyError as e:
        raise IndexStoreError(
            f"cannot open the database to upgrade it: {e.__class__.__name__}"
        ) from e
    finally:
        engine.dispose()


def database_schema(url: str) -> SchemaStatus:
    """Where the database stands, changing nothing (``ratsbot upgrade --check``)."""
    engine = plain_engine(url)
    try:
        with engine.connect() as conn:
            return schema_status(conn)
    except SQLAlchemyError as e:
        raise IndexStoreError(
            f"cannot open the database {_safe(url)}: {e.__class__.__name__}"
        ) from e
    finally:
        engine.dispose()
