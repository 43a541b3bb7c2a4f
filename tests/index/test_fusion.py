"""Candidate scoring and score fusion in index/search.py, on small hand-made inputs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from index.search import WEIGHTS, _fuse, _listed, _pool, _row_scores


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
    q = np.zeros(1000, dtype=np.float32)
    q[rng.choice(1000, 30, replace=False)] = rng.random(30)
    rows = np.array([150, 3, 77, 3, 199, 0])  # unsorted, with a repeat
    full = np.asarray(m @ q).ravel()
    assert np.allclose(_row_scores(m, rows, q), full[rows], atol=1e-5)
    assert len(_row_scores(None, rows, q)) == len(rows)


def test_unlisted_candidate_gets_the_lists_last_score() -> None:
    pool = np.array([1, 2, 5, 9])
    ids, scores = np.array([9, 2]), np.array([0.9, 0.7])
    assert _listed(pool, ids, scores).tolist() == [0.7, 0.7, 0.7, 0.9]
    assert _listed(pool, np.zeros(0, np.int64), np.zeros(0)).tolist() == [0.0] * 4


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
