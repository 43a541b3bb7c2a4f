"""The store's contract, on SQLite and (marked integration) PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.embed import FakeEmbedder
from index.errors import EmbedderMismatch
from index.ingest.pipeline import ingest_paths
from index.store.database import Store
from tests.support.paths import HUND as FIXTURE
from tests.support.paths import SEED


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "c"
    d.mkdir()
    shutil.copy(SEED, d / "seed.txt")
    shutil.copy(FIXTURE, d / "hund.txt")
    return d


def test_ingest_then_reingest_touches_nothing(store: Store, corpus: Path) -> None:
    emb = FakeEmbedder()
    first = ingest_paths(store, emb, [corpus])
    assert len(first.added) == 3 and not first.failed  # seed holds two documents
    gen = store.generation()
    stats = store.stats()
    assert stats.documents == 3 and stats.chunks > 10 and stats.embedded_chunks == stats.chunks
    again = ingest_paths(store, emb, [corpus])
    assert not again.changed_anything and len(again.unchanged) == 3
    assert again.chunks_embedded == 0
    assert store.generation() == gen


def test_changed_file_rechunks_only_that_document(store: Store, corpus: Path) -> None:
    emb = FakeEmbedder()
    ingest_paths(store, emb, [corpus])
    before = {d.key: d.id for d in store.documents()}
    f = corpus / "hund.txt"
    f.write_text(f.read_text(encoding="utf-8").replace("180 Euro", "190 Euro"), encoding="utf-8")
    report = ingest_paths(store, emb, [corpus])
    assert report.changed == ["hund.txt#0"]
    assert sorted(report.unchanged) == ["seed.txt#0", "seed.txt#1"]
    assert report.chunks_embedded >= 1
    after = {d.key: d.id for d in store.documents()}
    assert after["seed.txt#0"] == before["seed.txt#0"]
    assert after["hund.txt#0"] == before["hund.txt#0"]  # a changed document keeps its id
    texts = " ".join(c.text for c in _chunks(store, after["hund.txt#0"]))
    assert "190 Euro" in texts and "180 Euro" not in texts


def test_metadata_and_references_are_stored(store: Store, corpus: Path) -> None:
    ingest_paths(store, FakeEmbedder(), [corpus])
    docs = {d.key: d for d in store.documents()}
    apod = docs["seed.txt#0"]
    assert apod.own_numbers == ("18828-20",)
    assert "19027-20" in apod.mentioned_numbers
    assert apod.meeting_date.isoformat() == "2020-12-03"
    assert docs["hund.txt#0"].own_numbers == ("19999-20",)
    # newest meeting first
    assert next(d.key for d in store.documents()) == "hund.txt#0"


def test_quoted_minutes_are_linked_to_the_original(store: Store, corpus: Path) -> None:
    ingest_paths(store, FakeEmbedder(), [corpus])
    docs = {d.key: d for d in store.documents()}
    rat, apod = docs["seed.txt#1"], docs["seed.txt#0"]
    rat_chunks = _chunks(store, rat.id)
    dups = [c for c in rat_chunks if c.duplicate_of_id]
    assert len(dups) >= len(rat_chunks) // 2  # the Rat excerpt quotes the APOD one
    apod_ids = {c.id for c in _chunks(store, apod.id)}
    assert all(c.duplicate_of_id in apod_ids for c in dups)
    # the Rat's own decision is not a duplicate
    assert any(
        "überweist sowohl die Vorlage" in c.text and not c.duplicate_of_id for c in rat_chunks
    )


def test_remove_deletes_everything_derived(store: Store, corpus: Path) -> None:
    ingest_paths(store, FakeEmbedder(), [corpus])
    apod = next(d for d in store.documents() if d.key == "seed.txt#0")
    assert store.remove(apod.id)
    assert not store.remove(apod.id)
    assert store.document(apod.id) is None
    assert all(c.duplicate_of_id is None for d in store.documents() for c in _chunks(store, d.id))
    assert store.stats().documents == 2


def test_bad_file_is_reported_and_nothing_else_lost(store: Store, corpus: Path) -> None:
    ingest_paths(store, FakeEmbedder(), [corpus])
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (corpus / "empty.txt").write_bytes(b"")
    report = ingest_paths(store, FakeEmbedder(), [corpus])
    assert {Path(f.path).name for f in report.failed} == {"broken.pdf", "empty.txt"}
    assert all("\n" not in f.reason and f.reason for f in report.failed)
    assert store.stats().documents == 3


def test_other_embedder_is_refused(store: Store, corpus: Path) -> None:
    ingest_paths(store, FakeEmbedder(), [corpus])
    with pytest.raises(EmbedderMismatch, match="ratsbot reindex"):
        ingest_paths(store, FakeEmbedder(dim=32), [corpus])


def _chunks(store: Store, doc_id: int) -> list:
    from sqlalchemy import select

    from index.store.tables import Chunk

    with store.session() as s:
        return list(s.scalars(select(Chunk).where(Chunk.document_id == doc_id).order_by(Chunk.seq)))
