"""Alembic's entry: run the migrations on the connection Ratsbot passes in.

``index.store.schema.upgrade_schema`` hands its connection over in
``config.attributes["connection"]``. Run by the ``alembic`` command (a developer
writing a revision, see tests/README.md), it opens ``sqlalchemy.url`` of
``alembic.ini`` beside this file, or ``RATSBOT_MIGRATION_URL``.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, create_engine

import index.store.knowledge_tables  # noqa: F401  (registers the knowledge tables)
from index.store.tables import Base

config = context.config


def _run(conn: Connection) -> None:
    context.configure(
        connection=conn,
        target_metadata=Base.metadata,
        render_as_batch=conn.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        raise SystemExit("Ratsbot's migrations run online only (they inspect the database)")
    conn = config.attributes.get("connection")
    if conn is not None:
        _run(conn)
        return
    url = os.environ.get("RATSBOT_MIGRATION_URL") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url or "sqlite:///alembic-scratch.sqlite3")
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


main()
