"""Candidate scoring and score fusion in index/search.py, on small hand-made inputs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest
import scipy.sparse as sp

from index.retrieval.dense import DenseIndex, SentenceIndex
from index.retrieval.rowfile import SparseRows, query_lookup
from index.retrieval.search import WEIGHTS, _exact, _fuse, _pool, _row_scores


@dataclass
class _Snap:
    """The two things fusion asks of a snapshot: quoted copies and where a chunk is."""

    ids: list[int]
    dup: dict[int, int] = field(default_factory=dict)

    def locate(self, chunk_id: int) -> tuple[int, int] | None:
        return (0, self.ids.index(chunk_id)) if chunk_id in self.ids else None


def test_row_scores_equal_the_full_product_on_those_rows() -> None:
    rng = np.random.default_rng(3)
    m = sp.random(200, 1000, density=0.02, format="csr", dtype=np.float32, random_state=4)
    terms = rng.choice(1000, 30, replace=False)
    weights = rng.random(30)
    q = np.zeros(1000)
    q[terms] = weights
    rows = np.array([150, 3, 77, 3, 199, 0])  # unsorted, with a repeat
    full = np.asarray(m @ q).ravel()
    held = SparseRows.of(m.data, m.indices, m.indptr, m.shape)
    lookup = query_lookup((terms, weights), 1000)
    assert np.allclose(_row_scores(held, rows, lookup), full[rows], atol=1e-5)
    assert len(_row_scores(None, rows, lookup)) == len(rows)
    assert query_lookup((np.array([5, 2000]), np.array([1.0, 9.0])), 1000).sum() == 1.0


def _unit(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_dense_score_is_the_exact_product_and_nan_for_ids_not_held(kind: str, tmp_path) -> None:
    vecs = _unit(2000)
    ids = np.arange(2000, dtype=np.int64) * 3 + 5  # sorted, with gaps
    q = _unit(1, seed=9)[0]
    built = DenseIndex.build(ids, vecs, 16, kind)
    built.save(tmp_path / "d.faiss")
    asked = np.array([ids[1999], 6, ids[0], ids[700], ids[0]])  # unsorted, one not held, a repeat
    want = np.r_[vecs[1999] @ q, np.nan, vecs[0] @ q, vecs[700] @ q, vecs[0] @ q]
    for index in (built, DenseIndex.load(tmp_path / "d.faiss")):
        assert np.allclose(index.score(asked, q), want, atol=1e-5, equal_nan=True)


def test_best_sentence_is_the_maximum_over_the_chunks_own_sentences() -> None:
    vecs = _unit(7, seed=2)
    chunk_of = np.array([30, 10, 30, 20, 10, 30, 20], dtype=np.int64)  # rows not grouped
    sents = SentenceIndex(DenseIndex.build(np.arange(7), vecs, 16, "flat"), chunk_of)
    q = _unit(1, seed=4)[0]
    got = sents.best(np.array([20, 99, 30, 10]), q)
    s = vecs @ q
    assert np.allclose(
        got, [max(s[3], s[6]), np.nan, max(s[0], s[2], s[5]), max(s[1], s[4])], equal_nan=True
    )


@dataclass
class _Seg:
    ids: np.ndarray
    dense: DenseIndex
    sentences: SentenceIndex | None = None

    def rows(self, chunk_ids: np.ndarray) -> np.ndarray:
        pos = np.minimum(np.searchsorted(self.ids, chunk_ids), len(self.ids) - 1)
        return np.where(self.ids[pos] == chunk_ids, pos, -1)


@dataclass
class _SegSnap:
    segments: list[_Seg]
    alive: list[np.ndarray | None]


def test_every_candidate_gets_its_own_score_and_one_without_a_vector_the_bound() -> None:
    """Not the listed few only: a filled-in value for the rest made hair-thin leads decisive."""
    vecs = _unit(4, seed=5)
    q = _unit(1, seed=6)[0]
    ids = np.array([1, 2, 3, 4], dtype=np.int64)
    # chunk 4 sits in the segment but has no vector yet (minutes uploaded a moment ago)
    seg = _Seg(ids, DenseIndex.build(ids[:3], vecs[:3], 16, "flat"))
    snap = _SegSnap([seg], [np.array([True, True, False, True])])  # chunk 3 is deleted
    # a listed chunk keeps the list's score (exact already; its row is not read again)
    listed = (np.array([1]), np.array([0.25]))
    got = _exact(snap, np.array([1, 2, 3, 4]), listed, "dense", q)  # type: ignore[arg-type]
    assert np.allclose(got, [0.25, vecs[1] @ q, 0.25, 0.25])
    assert np.allclose(_exact(snap, np.array([2]), listed, "sentence", q), [0.25])  # type: ignore[arg-type]


def test_pool_leaves_out_lexical_rows_without_a_matching_term() -> None:
    lists = {
        "dense": (np.array([4, 1]), np.array([0.8, -0.1])),
        "bm25": (np.array([7, 3]), np.array([2.0, 0.0])),
    }
    assert _pool(None, lists).tolist() == [1, 4, 7]  # type: ignore[arg-type]


def test_a_sure_retriever_outweighs_many_that_see_more_of_the_same() -> None:
    """Twenty near-copies lead dense and sparse by a hair; BM25 is far ahead on one chunk.

    Rank fusion puts the copies first (they lead two of three lists); scores do not.
    """
    pool = np.arange(21)
    dense = np.r_[0.830, np.full(20, 0.835)]
    sparse = np.r_[30.0, np.full(20, 31.0)]
    bm25 = np.r_[14.0, np.full(20, 3.0)]
    feats = {"dense": dense, "sparse": sparse, "bm25": bm25}
    lists = {n: (pool[np.argsort(-v, kind="stable")], np.sort(v)[::-1]) for n, v in feats.items()}
    hits = _fuse(_Snap(list(range(21))), [None], pool, feats, lists, WEIGHTS["de"])  # type: ignore[arg-type]
    assert hits[0].chunk_id == 0
    assert hits[0].ranks["bm25"] == 0 and hits[0].ranks["dense"] == 20
    assert hits[0].raw["bm25"] == 14.0
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_a_quoted_copy_is_folded_into_its_original_with_its_best_scores() -> None:
    pool = np.array([10, 11, 12])
    feats = {"dense": np.array([0.80, 0.90, 0.70]), "bm25": np.array([5.0, 1.0, 0.5])}
    lists = {n: (pool[np.argsort(-v)], np.sort(v)[::-1]) for n, v in feats.items()}
    snap = _Snap([10, 11, 12], dup={11: 10})  # chunk 11 quotes chunk 10
    hits = _fuse(snap, [None], pool, feats, lists, WEIGHTS["de"])  # type: ignore[arg-type]
    assert [h.chunk_id for h in hits] == [10, 12]
    assert hits[0].duplicates == [11]
    assert hits[0].raw == {"dense": 0.90, "bm25": 5.0}
    assert hits[0].ranks == {"dense": 0, "bm25": 0}


def test_depth_keeps_the_same_first_hits() -> None:
    rng = np.random.default_rng(8)
    pool = np.arange(300)
    feats = {"dense": rng.random(300), "bm25": rng.random(300) * 10}
    lists = {n: (pool[np.argsort(-v)], np.sort(v)[::-1]) for n, v in feats.items()}
    snap = _Snap(list(range(300)), dup={299: 0})
    whole = _fuse(snap, [None], pool, feats, lists, WEIGHTS["de"])  # type: ignore[arg-type]
    cut = _fuse(snap, [None], pool, feats, lists, WEIGHTS["de"], 50)  # type: ignore[arg-type]
    assert len(cut) == 50
    assert [(h.chunk_id, h.score, h.ranks) for h in cut] == [
        (h.chunk_id, h.score, h.ranks) for h in whole[:50]
    ]
