"""Stable document ids and tombstones in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from index.embed import FakeEmbedder
from index.ingest.pipeline import ingest_paths
from index.store import corpus_sources, tombstones, upgrade_database
from index.store.database import Store
from index.store.tables import DocumentIdentity
from tests.support.legacy_store import DOCUMENTS, legacy_sqlite
from tests.support.paths import HUND, SEED


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "c"
    d.mkdir()
    shutil.copy(SEED, d / "seed.txt")
    return d


def _ids(store: Store) -> dict[str, int]:
    return {d.key: d.id for d in store.documents()}


def test_an_old_store_gets_identities_from_its_migration(tmp_path: Path, corpus: Path) -> None:
    """A real store of ff684d1 (before identities): upgraded, its ids stay and are recorded."""
    url = legacy_sqlite(tmp_path / "old.sqlite3")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        before = {k: i for k, i in conn.execute(sa.text("SELECT key, id FROM documents"))}
    engine.dispose()
    assert len(before) == DOCUMENTS
    upgrade_database(url)
    store = Store(url)
    try:
        with store.session() as s:
            rows = {r.key: r.id for r in s.query(DocumentIdentity)}
        assert rows == before
        shutil.copy(HUND, corpus / "hund.txt")
        ingest_paths(store, FakeEmbedder(), [corpus / "hund.txt"])
        assert _ids(store)["hund.txt#0"] == max(before.values()) + 1
    finally:
        store.close()


def test_remove_leaves_a_tombstone_that_naming_the_file_lifts(store: Store, corpus: Path) -> None:
    emb = FakeEmbedder()
    ingest_paths(store, emb, [corpus], corpus_roots=[corpus])
    ids = _ids(store)
    assert corpus_sources(store) == ["seed.txt"]
    assert store.remove(ids["seed.txt#0"])
    assert tombstones(store) == {"seed.txt#0"}
    walked = ingest_paths(store, emb, [corpus], corpus_roots=[corpus])
    assert walked.kept_removed == ["seed.txt#0"] and not walked.added
    assert set(_ids(store)) == {"seed.txt#1"}
    named = ingest_paths(store, emb, [corpus / "seed.txt"], corpus_roots=[corpus])
    assert named.added == ["seed.txt#0"] and tombstones(store) == set()
    assert _ids(store) == ids


def test_documents_from_outside_the_corpus_are_not_corpus_sources(
    store: Store, corpus: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(HUND, elsewhere / "hund.txt")
    ingest_paths(store, FakeEmbedder(), [corpus, elsewhere], corpus_roots=[corpus])
    assert corpus_sources(store) == ["seed.txt"]
