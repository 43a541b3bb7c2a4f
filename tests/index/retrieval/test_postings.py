"""MaxScore top-n must equal scoring every posting, with and without a mask."""

from __future__ import annotations

import numpy as np
import pytest

from index.retrieval.lexical import LexicalIndex, LexicalView
from index.retrieval.postings import TermPostings


def _random_postings(rng: np.random.Generator, size: int) -> TermPostings:
    """Zipf-like lists: a few rare terms with high weights, common ones with low."""
    lists = []
    for share, weight in ((0.001, 9.0), (0.01, 6.0), (0.05, 3.0), (0.3, 1.0), (0.6, 0.4)):
        k = max(1, int(share * size))
        rows = np.sort(rng.choice(size, k, replace=False))
        lists.append((rows, (rng.random(k) * weight + 0.01).astype(np.float32)))
    return TermPostings(lists, size)


def _reference(tp: TermPostings, n: int, allowed: np.ndarray | None) -> tuple:
    full = tp.dense()
    if allowed is not None:
        full = np.where(allowed, full, 0)
    rows = np.flatnonzero(full > 0)
    order = np.lexsort((rows, -full[rows]))[:n]
    return rows[order], full[rows][order]


@pytest.mark.parametrize("masked", [False, True])
def test_top_equals_scoring_every_posting(masked: bool) -> None:
    rng = np.random.default_rng(7)
    for size, n in ((20_000, 100), (500, 100), (50, 100), (3_000, 1)):
        tp = _random_postings(rng, size)
        allowed = rng.random(size) < 0.5 if masked else None
        rows, scores = tp.top(n, allowed)
        want_rows, want_scores = _reference(tp, n, allowed)
        np.testing.assert_allclose(scores, want_scores, rtol=1e-5)
        assert rows.tolist() == want_rows.tolist()
        if allowed is not None:
            assert allowed[rows].all()


def test_at_equals_the_dense_scores() -> None:
    rng = np.random.default_rng(3)
    tp = _random_postings(rng, 5_000)
    rows = rng.choice(5_000, 300, replace=False)
    np.testing.assert_allclose(tp.at(rows), tp.dense()[rows], rtol=1e-6)


def test_no_terms_and_no_rows() -> None:
    empty = TermPostings([], 10)
    assert empty.top(5)[0].tolist() == []
    assert empty.at(np.array([1, 2])).tolist() == [0.0, 0.0]
    one = TermPostings([(np.array([4]), np.array([2.0], np.float32))], 10)
    assert one.top(5)[0].tolist() == [4]
    assert one.top(5, np.zeros(10, bool))[0].tolist() == []


def test_segment_postings_rank_as_the_bm25_scores() -> None:
    """On a real bm25s index: same top rows and scores as the whole score array."""
    rng = np.random.default_rng(5)
    words = [f"wort{i}" for i in range(400)]
    texts = [" ".join(rng.choice(words, 30, p=np.arange(400, 0, -1) / 80200)) for _ in range(3000)]
    a = LexicalIndex.build(range(2000), texts[:2000])
    b = LexicalIndex.build(range(2000, 3000), texts[2000:])
    view = LexicalView([a, b])
    toks = view.query_tokens("wort1 wort5 wort80 wort300 wort5")
    for tp, full in zip(view.segment_postings(toks), view.segment_scores(toks), strict=True):
        _rows, scores = tp.top(50)  # rows may tie
        order = np.lexsort((np.arange(len(full)), -full))[:50]
        np.testing.assert_allclose(scores, full[order], rtol=1e-5)
        np.testing.assert_allclose(tp.at(order), full[order], rtol=1e-5)
