"""Segments: new documents become a delta, deletions are tombstoned at once, merges agree."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pytest

import index.retrieval.snapshot as snapshot_mod
from bot.service import Ratsbot
from index.retrieval.dense import DenseIndex, choose_kind
from index.retrieval.lexical import LexicalIndex, LexicalView
from index.retrieval.postings import TermPostings
from index.retrieval.rowfile import RowFile
from index.retrieval.search import Searcher
from tests.support.bots import MakeBot
from tests.support.paths import HUND as FIXTURE

DOG_TAX = "Wie hoch ist die Hundesteuer 2021?"


@pytest.fixture
def bot(small_deltas: None, make_bot: MakeBot) -> Ratsbot:
    """New documents go into deltas even for this tiny corpus."""
    return make_bot()


def _doc_ids(bot: Ratsbot, question: str) -> set[int]:
    res = bot.searcher.search(question, k=5)
    snap = bot.searcher.snapshot
    out = set()
    for h in res.hits[:5]:
        seg, row = snap.locate(h.chunk_id)
        out.add(int(snap.segments[seg].doc_of[row]))
    return out


def _add_fixture(bot: Ratsbot, corpus: Path) -> int:
    shutil.copy(FIXTURE, corpus / FIXTURE.name)
    report = bot.ingest([corpus / FIXTURE.name])
    return report.new_document_ids[0]


def test_new_document_goes_into_a_delta_and_is_found(bot: Ratsbot, corpus_dir: Path) -> None:
    base = bot.searcher.snapshot.segments[0]
    doc_id = _add_fixture(bot, corpus_dir)
    snap = bot.searcher.snapshot
    assert len(snap.segments) == 2
    assert snap.segments[0] is base  # the base was not rebuilt
    assert set(snap.segments[1].stamps) == {doc_id}
    assert doc_id in _doc_ids(bot, DOG_TAX)
    folders = {p.name for p in bot.searcher.index_dir.iterdir()}
    assert {base.name, snap.segments[1].name, f"gen-{snap.generation}"} <= folders


def test_removed_document_disappears_at_once(bot: Ratsbot, corpus_dir: Path) -> None:
    doc_id = _add_fixture(bot, corpus_dir)
    assert doc_id in _doc_ids(bot, DOG_TAX)
    seed_doc = next(d for d in bot.searcher.snapshot.segments[0].stamps)
    assert bot.remove(seed_doc)
    snap = bot.searcher.snapshot
    assert len(snap.segments) == 2  # tombstones, no rebuild
    assert snap.segments[0].size > snap.size - snap.segments[1].size
    for _ in range(3):
        assert seed_doc not in _doc_ids(bot, "Planstellen Digitalisierung Personalrat")
    assert bot.remove(doc_id)
    assert doc_id not in _doc_ids(bot, DOG_TAX)


def test_saved_generation_loads_with_its_tombstones(bot: Ratsbot, corpus_dir: Path) -> None:
    doc_id = _add_fixture(bot, corpus_dir)
    seed_doc = next(d for d in bot.searcher.snapshot.segments[0].stamps)
    bot.remove(seed_doc)
    before = [h.chunk_id for h in bot.searcher.search(DOG_TAX, k=5).hits]
    fresh = Searcher(bot.store, bot.embedder, bot.searcher.index_dir)
    snap = fresh.snapshot
    assert len(snap.segments) == 2 and sum(len(d) for d in snap.dead) > 0
    assert [h.chunk_id for h in fresh.search(DOG_TAX, k=5).hits] == before
    assert doc_id in _doc_ids(bot, DOG_TAX)


def test_optimize_merges_into_one_base_with_the_same_answers(
    bot: Ratsbot, corpus_dir: Path
) -> None:
    _add_fixture(bot, corpus_dir)
    live = bot.searcher.snapshot.size
    top = {h.chunk_id for h in bot.searcher.search(DOG_TAX, k=5).hits[:3]}
    merged = bot.searcher.optimize()
    assert len(merged.segments) == 1 and merged.size == live
    assert top == {h.chunk_id for h in bot.searcher.search(DOG_TAX, k=5).hits[:3]}


def test_small_corpus_is_rebuilt_whole(make_bot: MakeBot, corpus_dir: Path) -> None:
    b = make_bot()
    _add_fixture(b, corpus_dir)
    assert len(b.searcher.snapshot.segments) == 1


def test_one_segment_view_scores_exactly_like_bm25s() -> None:
    texts = ["Die Hundesteuer steigt 2021", "Planstellen für die Digitalisierung", "E-Akte"]
    lex = LexicalIndex.build([1, 2, 3], texts)
    view = LexicalView([lex])
    toks = view.query_tokens("Hundesteuer Digitalisierung Akte")
    expected = lex.retriever.get_scores(toks)
    np.testing.assert_array_equal(view.segment_scores(toks)[0], expected)


def test_shared_idf_makes_segments_comparable() -> None:
    common = "Sitzung Rat Stadt Beschluss"
    a = LexicalIndex.build([1, 2], [f"{common} Hundesteuer", common])
    b = LexicalIndex.build([3, 4], [f"{common} Hundesteuer", f"{common} Schule"])
    view = LexicalView([a, b])
    sa, sb = view.segment_scores(view.query_tokens("Hundesteuer"))
    assert sa[0] == pytest.approx(sb[0], rel=0.1)  # same text, same score in either segment


def _clustered(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(64, dim))
    x = centers[rng.integers(0, 64, n)] + 0.6 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_ivf_recall_against_flat_and_filters() -> None:
    vecs = _clustered(20_000, 32)
    ids = np.arange(10, 20_010, dtype=np.int64)
    flat = DenseIndex.build(ids, vecs, 32, "flat")
    ivf = DenseIndex.build(ids, vecs, 32, "ivf")
    assert ivf.kind == "ivf"
    queries = _clustered(50, 32, seed=1)
    recall = np.mean(
        [len(set(flat.search(q, 10)[0]) & set(ivf.search(q, 10)[0])) / 10 for q in queries]
    )
    assert recall >= 0.98
    allowed = ids[::97]
    got, _ = ivf.search(queries[0], 10, allowed)
    exact, _ = flat.search(queries[0], 10, allowed)
    assert set(got) <= set(allowed.tolist())
    assert list(got) == list(exact)


def test_dense_kind_is_automatic_and_overridable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert choose_kind(1_000) == "flat"
    assert choose_kind(1_000_000) == "ivf"
    monkeypatch.setenv("RATSBOT_DENSE_INDEX", "hnsw")
    assert choose_kind(1_000) == "hnsw"


def test_ivf_index_round_trips_with_its_vectors_left_on_disk(tmp_path: Path) -> None:
    vecs = _clustered(5_000, 16)
    ids = np.arange(5_000, dtype=np.int64) * 3
    ivf = DenseIndex.build(ids, vecs, 16, "ivf")
    ivf.save(tmp_path / "d.faiss")
    loaded = DenseIndex.load(tmp_path / "d.faiss")
    assert loaded.kind == "ivf" and isinstance(loaded.exact, RowFile)  # read by row
    q = vecs[7]
    assert list(loaded.search(q, 5)[0]) == list(ivf.search(q, 5)[0])
    assert loaded.search(q, 1)[0][0] == ids[7]


def test_deltas_merge_when_they_grow(bot: Ratsbot, corpus_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(snapshot_mod, "MERGE_SHARE", 0.01)
    _add_fixture(bot, corpus_dir)
    assert len(bot.searcher.snapshot.segments) == 1


def test_bm25_rescoring_is_timed_as_bm25(bot: Ratsbot, monkeypatch: pytest.MonkeyPatch) -> None:
    # the pool's exact BM25 scores were counted in the sparse head's step. A clock that
    # moves only while postings are read (by 1000 per read) shows which step is charged.
    clock = [0.0]
    real = TermPostings.at

    def counted(self: TermPostings, rows: np.ndarray) -> np.ndarray:
        clock[0] += 1000.0
        return real(self, rows)

    monkeypatch.setattr(TermPostings, "at", counted)
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    timings = bot.searcher.search(DOG_TAX, k=5).timings
    assert timings["bm25"] >= 1000.0
    assert timings.get("sparse", 0.0) == 0.0
