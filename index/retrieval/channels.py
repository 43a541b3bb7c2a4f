"""The retrieval channels: dense, sentence, BM25 and sparse, each listing and scoring candidates.

Three retrievers list the chunks the filters allow — whole chunks by dense
vector, chunks by their best sentence's vector, BM25 — and their union is the
candidate pool. The model's sparse latent terms then score each candidate by
its own row (a forward index: the cost does not grow with the corpus), and
BM25, the dense and the sentence vectors give every candidate its exact score
too, so that fusion (index/retrieval/fusion.py) compares every candidate on
every channel.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from index.embed import Embedder
from index.query import QuestionAnalysis
from index.retrieval.dense import DenseIndex
from index.retrieval.filters import Masks
from index.retrieval.postings import TermPostings
from index.retrieval.rowfile import SparseRows, positions, query_lookup
from index.retrieval.segments import Segment
from index.retrieval.snapshot import Snapshot

# candidates taken from each retriever (dense, BM25): re-scoring is exact and the
# sparse head only sees these, so a deeper pool lets it find passages the first
# stage ranked 100-300 (with 100, dev hit@5 among 100k distractors without the
# sentence index was 0.77; with 300, 0.92; the small corpus lost nothing)
POOL = 300
SENTENCE_HITS = 400  # sentences searched; their chunks join the pool
OVERFETCH_MAX = 2_000  # rows a mask may exclude before it becomes a FAISS id selector


class Ranked(NamedTuple):
    """A retriever's list: chunk ids, best first, with their scores."""

    ids: np.ndarray
    scores: np.ndarray


@dataclass
class Retrieved:
    """What the channels found for one question: their lists and every candidate's scores."""

    lists: dict[str, Ranked]  # channel -> its own ranking (fusion reads the ranks)
    pool: np.ndarray  # the candidates: sorted chunk ids
    scores: dict[str, np.ndarray]  # channel -> score of each pool candidate
    tokens: list[str]  # the question's BM25 terms (the figure vote reads them)
    query_vector: np.ndarray
    query_sparse: tuple[np.ndarray, np.ndarray] | None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per channel


def retrieve(snap: Snapshot, embedder: Embedder, a: QuestionAnalysis, masks: Masks) -> Retrieved:
    """Every channel's list among the allowed rows, then every candidate's exact scores."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    qv = embedder.embed([a.text], query=True)[0]
    q_sparse = None
    if embedder.has_sparse and any(s.sparse is not None for s in snap.segments):
        q_sparse = embedder.sparse([a.text])[0]
    timings["embed"] = time.perf_counter() - t
    lists: dict[str, Ranked] = {}
    t = time.perf_counter()
    lists["dense"] = _merge(
        _dense_top(seg.dense, qv, POOL, seg.ids, m, seg.rows)
        for seg, m in zip(snap.segments, masks, strict=True)
    )
    timings["dense"] = time.perf_counter() - t
    t = time.perf_counter()
    if snap.use_sentences:
        lists["sentence"] = _merge(
            _sentence_top(seg, qv, m) for seg, m in zip(snap.segments, masks, strict=True)
        )
    timings["sentence"] = time.perf_counter() - t
    t = time.perf_counter()
    tokens = snap.lexical.query_tokens(a.search_text)  # English: the glossary's words too
    bm25 = snap.lexical.segment_postings(tokens)
    lists["bm25"] = _merge(
        _bm25_top(seg.ids, sc, m) for seg, sc, m in zip(snap.segments, bm25, masks, strict=True)
    )
    timings["bm25"] = time.perf_counter() - t
    found = Retrieved(lists, _pool(lists), {}, tokens, qv, q_sparse, timings)
    _score_pool(snap, found, bm25)
    return found


def _score_pool(snap: Snapshot, found: Retrieved, bm25: list[TermPostings]) -> None:
    """Each candidate's own score on every channel; the sparse head lists its best too."""
    pool, lists, timings, scores = found.pool, found.lists, found.timings, found.scores
    for name in ("dense", "sentence"):
        if name in lists:
            t = time.perf_counter()
            scores[name] = _exact(snap, pool, lists[name], name, found.query_vector)
            timings[name] += time.perf_counter() - t
    t = time.perf_counter()
    scores["bm25"] = _row_values(snap, pool, lambda i, rows: bm25[i].at(rows))
    timings["bm25"] += time.perf_counter() - t
    t = time.perf_counter()
    if found.query_sparse is not None:
        width = max(s.sparse.shape[1] for s in snap.segments if s.sparse is not None)
        lookup = query_lookup(found.query_sparse, width)
        scores["sparse"] = _row_values(
            snap, pool, lambda i, rows: _row_scores(snap.segments[i].sparse, rows, lookup)
        )
        order = np.argsort(-scores["sparse"], kind="stable")[:POOL]
        lists["sparse"] = Ranked(pool[order], scores["sparse"][order])
    timings["sparse"] = time.perf_counter() - t


def _merge(parts: Iterable[Ranked]) -> Ranked:
    """One ranking from per-segment rankings (their scores are comparable), best POOL."""
    parts = [p for p in parts if len(p.ids)]
    if not parts:
        return Ranked(np.zeros(0, np.int64), np.zeros(0, np.float32))
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([p.ids for p in parts])
    scores = np.concatenate([p.scores for p in parts])
    order = np.argsort(-scores, kind="stable")[:POOL]
    return Ranked(ids[order], scores[order])


def _dense_top(
    index: DenseIndex,
    q: np.ndarray,
    k: int,
    keys: np.ndarray,
    mask: np.ndarray | None,
    rows_of: Callable[[np.ndarray], np.ndarray],
) -> Ranked:
    """Top ``k`` keys allowed by ``mask`` (over rows; ``keys`` are the FAISS ids per row).

    A mask that excludes only a few rows (tombstones, a handful of
    non-public documents) is applied after over-fetching; a real filter goes
    into FAISS as an id selector.
    """
    if mask is None:
        return Ranked(*index.search(q, k))
    excluded = len(mask) - int(np.count_nonzero(mask))
    if excluded <= OVERFETCH_MAX:
        ids, scores = index.search(q, k + excluded)
        rows = rows_of(ids)
        ok = (rows >= 0) & mask[np.maximum(rows, 0)]
        return Ranked(ids[ok][:k], scores[ok][:k])
    return Ranked(*index.search(q, k, keys[mask]))


def _sentence_top(seg: Segment, q: np.ndarray, mask: np.ndarray | None) -> Ranked:
    """Chunks in order of their best sentence: (chunk ids, best sentence scores)."""
    assert seg.sentences is not None
    srows = seg.sentence_rows
    smask = None if mask is None else mask[srows]
    positions = np.arange(len(srows), dtype=np.int64)
    pos, scores = _dense_top(seg.sentences.dense, q, SENTENCE_HITS, positions, smask, lambda p: p)
    chunks = seg.ids[srows[pos]]
    _, first = np.unique(chunks, return_index=True)
    first.sort()
    return Ranked(chunks[first][:POOL], scores[first][:POOL])


def _bm25_top(ids: np.ndarray, postings: TermPostings, allowed: np.ndarray | None) -> Ranked:
    rows, scores = postings.top(POOL, allowed)
    return Ranked(ids[rows], scores)


def _pool(lists: dict[str, Ranked]) -> np.ndarray:
    """The candidates: every chunk a retriever listed (BM25 only where a term matched)."""
    parts = [ids if name == "dense" else ids[sc > 0] for name, (ids, sc) in lists.items()]
    return np.unique(np.concatenate([np.zeros(0, np.int64), *parts]))


def _exact(
    snap: Snapshot, pool: np.ndarray, listed: Ranked, name: str, qv: np.ndarray
) -> np.ndarray:
    """Every candidate's own dense (or best-sentence) score, read back from its vectors.

    Filling in the list's last score for the candidates a retriever did not list
    (an upper bound, and free) put most of the pool on one value: among many
    near-identical passages the listed few then stood several standard deviations
    apart on a cosine difference of 0.003, and that channel decided the ranking
    (dev hit@5 among 100k distractors 0.77; with exact scores 0.85). A candidate
    with no vector yet (minutes uploaded a moment ago) still gets that bound.

    The listed candidates keep the list's score: it is already exact (flat search,
    or an approximate one re-scored from the stored rows; a chunk's first sentence
    hit is its best sentence), so only the others are read back from disk.
    """
    ids_listed, scores_listed = listed
    order = np.argsort(ids_listed, kind="stable")
    listed_ids, listed_scores = ids_listed[order], scores_listed[order]

    def scores(i: int, rows: np.ndarray) -> np.ndarray:
        seg = snap.segments[i]
        ids = seg.ids[rows]
        pos = positions(listed_ids, ids)
        known = pos >= 0
        out = np.full(len(ids), np.nan)
        out[known] = listed_scores[pos[known]]
        rest = ids[~known]
        if name == "dense":
            out[~known] = seg.dense.score(rest, qv)
        elif seg.sentences is not None:
            out[~known] = seg.sentences.best(rest, qv)
        return out

    out = _row_values(snap, pool, scores, missing=np.nan)
    bound = float(scores_listed[-1]) if len(scores_listed) else 0.0
    return np.where(np.isnan(out), bound, out)


def _row_values(
    snap: Snapshot,
    pool: np.ndarray,
    values: Callable[[int, np.ndarray], np.ndarray],
    missing: float = 0.0,
) -> np.ndarray:
    """Per candidate, ``values(segment index, rows)`` read from the segment holding it."""
    out = np.full(len(pool), missing, dtype=np.float64)
    for i, (seg, alive) in enumerate(zip(snap.segments, snap.alive, strict=True)):
        rows = seg.rows(pool)
        found = rows >= 0
        if alive is not None:
            found[found] = alive[rows[found]]
        if found.any():
            out[found] = values(i, rows[found])
    return out


def _row_scores(m: SparseRows | None, rows: np.ndarray, lookup: np.ndarray) -> np.ndarray:
    """Latent-term score of the given rows only: the sparse head re-scores candidates.

    Searching the whole matrix by column cost 50 ms at a million chunks (posting
    lists of common latent terms are long); a few hundred rows cost well under one.
    """
    if m is None:
        return np.zeros(len(rows))
    return m.dot_rows(rows, lookup)
