"""Shared fixtures: a clean environment, tmp data dirs, store backends, settings."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from index.store.database import Store

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SEED = (
    CORPUS / "dortmund_18828-20_masterplan-digitale-verwaltung_apod-2020-12-03_rat-2020-12-17.txt"
)
REALDOCS = REPO.parent / "shared" / "realdocs"
DEV_QA = REPO.parent / "shared" / "eval" / "dev_qa.jsonl"
PG_ADMIN_URL = os.environ.get(
    "RATSBOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

# Run every service, CLI and bot test against PostgreSQL instead of SQLite:
# RATSBOT_TEST_DATABASE_URL=<url of a disposable database> (its tables are dropped
# before each test), or "fresh" to create one on RATSBOT_TEST_PG_URL's server.
TEST_DATABASE_URL = os.environ.get("RATSBOT_TEST_DATABASE_URL", "")

_KEEP_ENV = {
    "RATSBOT_TEST_DATABASE_URL",
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "RATSBOT_TEST_PG_URL",
    "CI",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OMP_NUM_THREADS",
    "VIRTUAL_ENV",
}


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's tokens or data dirs."""
    for key in list(os.environ):
        if key.startswith(("RATSBOT_", "TELEGRAM_", "DATABASE_URL")) and key not in _KEEP_ENV:
            monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="session")
def _test_database() -> Iterator[str | None]:
    """The PostgreSQL database all stores use in a PostgreSQL run (None: SQLite)."""
    if not TEST_DATABASE_URL:
        yield None
        return
    if TEST_DATABASE_URL != "fresh":
        yield TEST_DATABASE_URL
        return
    yield from _fresh_database()


@pytest.fixture(autouse=True)
def _store_backend(_test_database: str | None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In a PostgreSQL run: an empty database per test, used by settings and the CLI."""
    if _test_database is None:
        yield
        return
    import sqlalchemy as sa

    import index.store.knowledge_tables  # noqa: F401  (all tables)
    from index.store.tables import Base

    eng = sa.create_engine(_test_database)
    with eng.connect() as c:  # a test that forgot to close its store must not block the drop
        c.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    Base.metadata.drop_all(eng)
    eng.dispose()
    url = _test_database
    monkeypatch.setattr(Settings, "db_url", property(lambda s: s.database_url or url))
    monkeypatch.setenv("DATABASE_URL", url)
    yield


def require_realdocs() -> Path:
    if not REALDOCS.is_dir():
        pytest.skip(f"real documents not found at {REALDOCS} (../shared/realdocs beside the repo)")
    return REALDOCS


def _pg_available() -> str | None:
    try:
        import sqlalchemy as sa

        eng = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(sa.text("select 1"))
        eng.dispose()
        return None
    except Exception as e:  # any failure means: no server here
        return f"no PostgreSQL server answers at {PG_ADMIN_URL}: {e.__class__.__name__}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    yield from _fresh_database()


def _fresh_database() -> Iterator[str]:
    reason = _pg_available()
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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The store contract runs on SQLite always and on PostgreSQL where a server answers."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    url = request.getfixturevalue("pg_database")
    import sqlalchemy as sa

    from index.store.tables import Base

    eng = sa.create_engine(url)
    Base.metadata.drop_all(eng)
    eng.dispose()
    yield url
    eng = sa.create_engine(url)
    Base.metadata.drop_all(eng)
    eng.dispose()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """The store on each backend of ``db_url``."""
    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled corpus that a test may change."""
    d = tmp_path / "corpus"
    d.mkdir()
    shutil.copy(SEED, d / SEED.name)
    return d


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedder="fake", corpus_dirs=(corpus_dir,))
