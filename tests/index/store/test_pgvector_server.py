"""The pgvector server of the test session (tests/support/pgvector.py) works as the store needs."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from index.store import Store
from tests.support.pgvector import drop_database, new_database, sqlalchemy_url, with_database

pytestmark = pytest.mark.postgres


def test_vector_extension_answers_a_nearest_neighbour_query(pgvector_url: str) -> None:
    eng = sa.create_engine(pgvector_url)
    try:
        with eng.begin() as c:
            version = c.execute(
                sa.text("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            ).scalar()
            c.execute(sa.text("CREATE TEMP TABLE v (id int, e vector(3))"))
            c.execute(sa.text("INSERT INTO v VALUES (1, '[1,0,0]'), (2, '[0,1,0]')"))
            nearest = c.execute(
                sa.text("SELECT id FROM v ORDER BY e <=> '[0.1,0.9,0]' LIMIT 1")
            ).scalar()
    finally:
        eng.dispose()
    assert version is not None
    assert nearest == 2


def test_a_new_database_holds_a_store_and_is_dropped(pgvector_server: str) -> None:
    url = new_database(pgvector_server)
    store = Store(url)
    try:
        assert store.generation() == 0
    finally:
        store.close()
    drop_database(pgvector_server, url)
    eng = sa.create_engine(pgvector_server)
    try:
        with eng.connect() as c:
            name = url.partition("?")[0].rsplit("/", 1)[1]
            left = c.execute(
                sa.text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()
    finally:
        eng.dispose()
    assert left == 0


def test_urls_keep_the_socket_directory() -> None:
    url = sqlalchemy_url("postgresql://postgres:@/postgres?host=/tmp/x")
    assert url == "postgresql+psycopg://postgres:@/postgres?host=/tmp/x"
    assert with_database(url, "other") == "postgresql+psycopg://postgres:@/other?host=/tmp/x"
