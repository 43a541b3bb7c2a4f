"""New minutes answer before their sentence vectors exist; those follow, even after a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import index.ingest.pipeline as ingest_mod
from bot.service import Ratsbot
from bot.settings import Settings
from index.store.database import text_hash
from index.store.pending import pending_documents
from index.store.reports import IngestReport
from index.store.tables import Chunk
from tests.support.bots import MakeBot
from tests.support.paths import HUND as FIXTURE

DOG_TAX = "Wie hoch ist die Hundesteuer 2021?"


@pytest.fixture
def bot(small_deltas: None, make_bot: MakeBot) -> Ratsbot:
    """New documents go into deltas even for this tiny corpus."""
    return make_bot()


def _sentence_hashes(bot: Ratsbot, doc_id: int) -> list[str]:
    with bot.store.session() as s:
        rows = s.query(Chunk.text, Chunk.sentences).filter(Chunk.document_id == doc_id).all()
    return [text_hash(t[a:b]) for t, sents in rows for a, b in sents]


def _chunk_hashes(bot: Ratsbot, doc_id: int) -> list[str]:
    with bot.store.session() as s:
        rows = s.query(Chunk.embed_text).filter(Chunk.document_id == doc_id).all()
    return [text_hash(t) for (t,) in rows]


def _found(bot: Ratsbot, doc_id: int) -> bool:
    snap = bot.searcher.snapshot
    for h in bot.searcher.search(DOG_TAX, k=5).hits[:5]:
        seg, row = snap.locate(h.chunk_id)
        if int(snap.segments[seg].doc_of[row]) == doc_id:
            return True
    return False


def test_found_by_words_at_once_then_by_vectors_then_sentences_follow(
    bot: Ratsbot, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small upload is committed before any vector: BM25 answers until the model is done."""
    seen: dict[str, dict[str, object]] = {}

    def state(report_doc: list[int]) -> dict[str, object]:
        (doc_id,) = report_doc
        key = bot.embedder.info.key
        answer = bot.ask(DOG_TAX)
        hashes = set(_sentence_hashes(bot, doc_id))
        chunks = _chunk_hashes(bot, doc_id)
        return {
            "pending": doc_id in pending_documents(bot.store),
            "found": _found(bot, doc_id),
            "answered": not answer.abstained
            and any("Hundesteuer" in q.text for q in answer.quotes),
            "most_sentences_missing": len(bot.store.cached_hashes(key, list(hashes)))
            < len(hashes) / 2,  # a few equal a chunk
            "chunk_vectors": len(bot.store.cached_hashes(key, chunks)) == len(set(chunks)),
            "chunk_sparse": bool(bot.store.cached_hashes(key, chunks, sparse=True)),
        }

    early, semantic = bot._answerable_early, bot._semantic_early
    ids: list[int] = []

    def spy_commit(report: IngestReport) -> None:
        early(report)
        ids.extend(report.new_document_ids)
        seen["committed"] = state(ids)
        findings = bot.check().findings  # a check meanwhile sees work under way, no damage
        seen["check"] = {"severities": sorted({f.severity.value for f in findings})}
        seen["check"]["awaits"] = any("await their vectors" in f.message for f in findings)

    def spy_vectors() -> None:
        semantic()
        seen["vectors"] = state(ids)

    monkeypatch.setattr(bot, "_answerable_early", spy_commit)
    monkeypatch.setattr(bot, "_semantic_early", spy_vectors)
    shutil.copy(FIXTURE, corpus_dir / FIXTURE.name)
    report = bot.ingest([corpus_dir / FIXTURE.name])
    common = {"pending": True, "found": True, "answered": True, "most_sentences_missing": True}
    assert seen["committed"] == {**common, "chunk_vectors": False, "chunk_sparse": False}
    assert seen["vectors"] == {**common, "chunk_vectors": True, "chunk_sparse": False}
    assert "error" not in seen["check"]["severities"] and seen["check"]["awaits"]
    (doc_id,) = report.new_document_ids
    assert pending_documents(bot.store) == set()
    hashes = _sentence_hashes(bot, doc_id)
    key = bot.embedder.info.key
    assert len(bot.store.cached_hashes(key, hashes, sparse=True)) == len(set(hashes))
    chunks = _chunk_hashes(bot, doc_id)
    assert len(bot.store.cached_hashes(key, chunks, sparse=True)) == len(set(chunks))
    assert all(seg.sparse is not None for seg in bot.searcher.snapshot.segments)
    snap = bot.searcher.snapshot
    ids = [int(c) for seg in snap.segments if seg.sentences for c in seg.sentences.chunk_of]
    mine = [seg.ids[seg.doc_of == doc_id] for seg in snap.segments]
    assert set(np.concatenate(mine).tolist()) <= set(ids)  # its sentences are in the index
    assert report.seconds_searchable <= report.seconds


def test_a_crash_between_the_phases_is_finished_by_the_next_ingest(
    bot: Ratsbot, settings: Settings, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(*_a: object, **_k: object) -> int:
        raise KeyboardInterrupt("killed after the commit")

    shutil.copy(FIXTURE, corpus_dir / FIXTURE.name)
    # A context, not monkeypatch.undo(): that would also undo the PostgreSQL run's
    # database setting, and the second bot would open an empty SQLite store.
    with monkeypatch.context() as m:
        m.setattr(ingest_mod, "fill_sentences", killed)
        with pytest.raises(KeyboardInterrupt):
            bot.ingest([corpus_dir / FIXTURE.name])
    bot.close()

    again = Ratsbot(settings)
    try:
        (doc_id,) = pending_documents(again.store)
        assert _found(again, doc_id)  # committed and answerable without its sentences
        report = again.reindex()  # nothing changed on disk: it only finishes the work
        assert report.added == [] and report.changed == []
        assert report.chunks_embedded > 0 and pending_documents(again.store) == set()
        assert _found(again, doc_id)
    finally:
        again.close()
