"""PostgreSQL for the tests: a database the session creates on the server and drops again.

``RATSBOT_TEST_PG_URL`` names the server (default 127.0.0.1:5432, user postgres);
``RATSBOT_TEST_DATABASE_URL`` moves every service, CLI and bot store onto PostgreSQL:
a URL of a disposable database, or ``fresh`` for one made here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

PG_ADMIN_URL = os.environ.get(
    "RATSBOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TEST_DATABASE_URL = os.environ.get("RATSBOT_TEST_DATABASE_URL", "")


def pg_unavailable() -> str | None:
    """Why no PostgreSQL server can be used here, or None when one answers."""
    try:
        import sqlalchemy as sa

        eng = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(sa.text("select 1"))
        eng.dispose()
        return None
    except Exception as e:  # any failure means: no server here
        return f"no PostgreSQL server answers at {PG_ADMIN_URL}: {e.__class__.__name__}"


def fresh_database() -> Iterator[str]:
    """Create a database, yield its URL, drop it. Skips without a server (fails in CI)."""
    reason = pg_unavailable()
    if reason:
        if os.environ.get("CI") or TEST_DATABASE_URL:
            pytest.fail(reason)
        pytest.skip(reason)
    import sqlalchemy as sa

    name = f"ratsbot_test_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as c:
        c.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def drop_all_tables(url: str, *, end_other_sessions: bool = False) -> None:
    """An empty database at ``url``: every table of the store and the schema stamp dropped."""
    import sqlalchemy as sa

    import index.store.knowledge_tables  # noqa: F401  (all tables)
    from index.store.tables import Base

    eng = sa.create_engine(url)
    if end_other_sessions:  # a test that forgot to close its store must not block the drop
        with eng.connect() as c:
            c.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    Base.metadata.drop_all(eng)
    with eng.begin() as c:  # the migrations' stamp: an empty database has none
        c.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    eng.dispose()
