"""Schema migrations: a new store at the newest revision, an old one refused, then upgraded.

The old store is a real one: written by main at ff684d1, the last commit before
the migrations (tests/support/legacy_store.py), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner

from bot.answer import render_plain
from bot.cli import cli
from bot.service import Ratsbot
from bot.settings import Settings
from index.errors import IndexStoreError, SchemaOutOfDate
from index.store import Store, database_schema, head_revision, upgrade_database
from index.store.schema import BEFORE_MIGRATIONS, alembic_config
from index.store.tables import Base
from tests.support.legacy_store import (
    DOCUMENTS,
    GENERATION,
    PASSAGES,
    baseline_tables,
    legacy_copy,
    legacy_sqlite,
)

QUESTION = "Wie viele Planstellen sollen für die Digitalisierung eingereicht werden?"


def _differences(url: str) -> list[object]:
    """What the database lacks or has beyond the models (Alembic's autogenerate diff)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    return list(diff)


def _migrate_from_nothing(url: str, to: str = "head") -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, to)
    engine.dispose()


def test_the_migrations_have_one_head() -> None:
    assert head_revision()


def test_a_new_store_is_stamped_with_the_newest_revision(db_url: str) -> None:
    Store(db_url).close()
    status = database_schema(db_url)
    assert status.current == head_revision() and status.up_to_date


def test_the_revisions_build_exactly_the_models(db_url: str) -> None:
    """Run from nothing, every revision together makes what ``tables.py`` declares.

    Fails when a table, column or index was added to the models without a revision.
    """
    _migrate_from_nothing(db_url)
    assert _differences(db_url) == []


def test_the_baseline_is_the_schema_before_the_migrations(tmp_path: Path) -> None:
    """The frozen copy in 0001 matches what ff684d1 wrote, table by table and column by column."""
    engine = sa.create_engine(legacy_sqlite(tmp_path / "old.sqlite3"))
    found = sa.inspect(engine)
    for table in baseline_tables().sorted_tables:
        assert {c["name"] for c in found.get_columns(table.name)} == set(table.c.keys())
        have = {ix["name"] for ix in found.get_indexes(table.name)}
        assert {ix.name for ix in table.indexes} <= have
    engine.dispose()


def test_a_store_of_the_previous_version_is_refused_until_upgraded(tmp_path: Path) -> None:
    url = legacy_sqlite(tmp_path / "data" / "ratsbot.sqlite3")
    with pytest.raises(SchemaOutOfDate, match="ratsbot upgrade"):
        Store(url)
    env = {
        "RATSBOT_DATA_DIR": str(tmp_path / "data"),
        "RATSBOT_EMBEDDER": "fake",
        "DATABASE_URL": url,
    }
    checked = CliRunner().invoke(cli, ["upgrade", "--check"], env=env)
    assert checked.exit_code == 1, checked.output
    assert BEFORE_MIGRATIONS in checked.output
    done = CliRunner().invoke(cli, ["upgrade"], env=env)
    assert done.exit_code == 0, done.output
    assert f"→ {head_revision()}" in done.output
    again = CliRunner().invoke(cli, ["upgrade"], env=env)
    assert "aktuell" in again.output
    assert _differences(url) == []


def _ask_the_old_store(settings: Settings) -> None:
    bot = Ratsbot(settings)  # upgrades on start, under the ingest lock
    try:
        assert database_schema(settings.db_url).current == head_revision()
        stats = bot.store.stats()
        assert (stats.documents, stats.chunks) == (DOCUMENTS, PASSAGES)
        assert bot.store.generation() == GENERATION
        answer = bot.ask(QUESTION)  # the index is rebuilt from the old vector cache
        assert not answer.abstained
        assert "18828-20" in render_plain(answer)
        new = settings.corpus_dirs[0] / "neu.txt"
        new.write_text("Rat der Stadt, Sitzung am 01.02.2021\n\nDer Rat beschließt den Radweg.\n")
        report = bot.ingest([new])  # the upgraded store takes new documents
        assert report.added and not report.failed
    finally:
        bot.close()


def test_the_service_upgrades_an_old_sqlite_store_on_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    url = legacy_sqlite(data / "ratsbot.sqlite3")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    settings = Settings(data_dir=data, database_url=url, embedder="fake", corpus_dirs=(corpus,))
    with pytest.raises(SchemaOutOfDate):
        Ratsbot(settings.with_overrides(auto_upgrade=False))
    _ask_the_old_store(settings)


@pytest.mark.postgres
def test_the_service_upgrades_an_old_postgres_store_on_start(
    tmp_path: Path, pg_database: str
) -> None:
    from tests.support.postgres import drop_all_tables

    drop_all_tables(pg_database)
    legacy_copy(pg_database, tmp_path)
    with pytest.raises(SchemaOutOfDate):
        Store(pg_database)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    settings = Settings(
        data_dir=tmp_path / "data", database_url=pg_database, embedder="fake", corpus_dirs=(corpus,)
    )
    try:
        _ask_the_old_store(settings)
        assert _differences(pg_database) == []
    finally:
        drop_all_tables(pg_database)


def test_a_store_of_a_newer_version_is_refused(db_url: str) -> None:
    Store(db_url).close()
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(IndexStoreError, match="newer Ratsbot"):
        Store(db_url)
    with pytest.raises(IndexStoreError, match="newer Ratsbot"):
        upgrade_database(db_url)


def test_two_starts_at_once_upgrade_once(tmp_path: Path) -> None:
    """The ingest lock serialises them: the second finds the schema current."""
    from concurrent.futures import ThreadPoolExecutor

    from index.ingest import upgrade_store

    data = tmp_path / "data"
    url = legacy_sqlite(data / "ratsbot.sqlite3")
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda _: upgrade_store(url, data), range(2)))
    assert sorted(r.changed for r in runs) == [False, True]
    assert {r.after for r in runs} == {head_revision()}
    assert _differences(url) == []
