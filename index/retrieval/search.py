"""Hybrid retrieval: dense (FAISS) + sentences + BM25 find candidates, all score them.

Three retrievers list the chunks the filters allow — whole chunks by dense
vector, chunks by their best sentence's vector, BM25 — and their union is the
candidate pool. The model's sparse latent terms then score each candidate by
its own row (a forward index: the cost does not grow with the corpus), BM25,
the dense and the sentence vectors give every candidate its exact score too, and
the weighted sum of the
standardised scores ranks them (weights chosen on the dev and
bench/qa_extra.jsonl questions, on the small corpus and among 100k generated
distractors; see bench/RESULTS.md). BM25 only knows German words, so an English
question searches the council glossary's German words too and gives BM25 less
weight. A paper number in the question restricts retrieval to that paper's
chunks and the chunks that mention it. Quoted copies of earlier minutes are
folded into their original so they never take two top slots.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from index.embed import Embedder
from index.query import NamedDate, QuestionAnalysis, as_analysis
from index.retrieval.dense import DenseIndex
from index.retrieval.figure_votes import figure_chunks
from index.retrieval.lexical import LexicalView
from index.retrieval.postings import TermPostings
from index.retrieval.rowfile import SparseRows, positions, query_lookup
from index.retrieval.segments import Segment
from index.retrieval.snapshot import (
    Snapshot,
    build_snapshot,
    load_snapshot,
    save_snapshot,
    update_snapshot,
)
from index.retrieval.speaker_votes import SpeakerLookup
from index.retrieval.threads import one_thread
from index.store import Store

RRF_K = 20
# candidates taken from each retriever (dense, BM25): re-scoring is exact and the
# sparse head only sees these, so a deeper pool lets it find passages the first
# stage ranked 100-300 (with 100, dev hit@5 among 100k distractors without the
# sentence index was 0.77; with 300, 0.92; the small corpus lost nothing)
POOL = 300
SENTENCE_HITS = 400  # sentences searched; their chunks join the pool
VOTE_DEPTH = 100  # fused hits the speaker, meeting and figure votes look at
OVERFETCH_MAX = 2_000  # rows a mask may exclude before it becomes a FAISS id selector
# metadata votes: a named speaker, a named meeting, a figure about what "how many" asks
_VOTES = {"speaker": 1.0, "meeting": 1.0, "figure": 1.0}
WEIGHTS = {  # of standardised scores; chosen on the dev and extra questions, small and 100k
    "de": {"dense": 0.5, "sentence": 1.0, "sparse": 0.5, "bm25": 1.5, **_VOTES},
    "en": {"dense": 0.5, "sentence": 1.0, "sparse": 0.5, "bm25": 0.8, **_VOTES},
}


@dataclass(frozen=True)
class Filters:
    """Restrictions applied inside retrieval, before ranking and truncation."""

    gremium: str | None = None  # case-insensitive substring
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    drucksache: str | None = None
    public_only: bool = True


@dataclass
class Hit:
    chunk_id: int
    score: float
    ranks: dict[str, int] = field(default_factory=dict)  # retriever -> rank (0-based)
    raw: dict[str, float] = field(default_factory=dict)  # retriever -> raw score
    duplicates: list[int] = field(default_factory=list)  # folded-in quoted copies


@dataclass
class SearchResult:
    analysis: QuestionAnalysis
    hits: list[Hit]
    references: list[str]  # paper numbers found in the question
    evidence: dict[str, float]  # features the abstention decision uses
    query_vector: np.ndarray | None = None
    query_sparse: tuple[np.ndarray, np.ndarray] | None = None
    lexical: LexicalView | None = None  # the snapshot's, for coverage of question terms
    timings: dict[str, float] = field(default_factory=dict)  # seconds per retrieval step

    @property
    def question(self) -> str:
        return self.analysis.text

    @property
    def language(self) -> str:
        return self.analysis.language

    @cached_property
    def term_groups(self) -> list[frozenset[str]]:
        """The question's terms in the snapshot's vocabulary (coverage and quote scoring)."""
        vocabulary = self.lexical.vocabulary if self.lexical is not None else frozenset()
        return self.analysis.term_groups(vocabulary)


class Searcher:
    """Holds the current snapshot; ``refresh`` swaps in a new generation atomically.

    A refresh after an ingest reuses the previous generation's segments (see
    index/snapshot.py), so new minutes are searchable in seconds at any size.
    """

    def __init__(self, store: Store, embedder: Embedder, index_dir: Path) -> None:
        self.store = store
        self.embedder = embedder
        self.index_dir = index_dir
        self._snap: Snapshot | None = None
        self._lock = threading.Lock()
        self.speakers = SpeakerLookup(store)

    @property
    def loaded(self) -> bool:
        """Whether a snapshot is in memory (a refresh then updates it incrementally)."""
        return self._snap is not None

    @property
    def snapshot(self) -> Snapshot:
        snap = self._snap
        if snap is None or snap.generation != self.store.generation():
            snap = self.refresh()
        return snap

    def refresh(self) -> Snapshot:
        """Load, or update incrementally and save, the snapshot of the store's generation."""
        with self._lock:
            gen = self.store.generation()
            if self._snap is not None and self._snap.generation == gen:
                return self._snap
            key = self.embedder.info.key
            snap = load_snapshot(self.index_dir, gen, key, self.store)
            if snap is None:
                prev = self._snap or load_snapshot(self.index_dir, None, key, self.store)
                if prev is not None:
                    snap = update_snapshot(prev, self.store, self.embedder)
                else:
                    snap = build_snapshot(self.store, self.embedder)
                save_snapshot(snap, self.index_dir)
            self._snap = snap
            return snap

    def optimize(self) -> Snapshot:
        """Merge all segments into one new base (drops tombstoned rows for good)."""
        with self._lock:
            snap = build_snapshot(self.store, self.embedder)
            save_snapshot(snap, self.index_dir)
            self._snap = snap
            return snap

    def search(
        self,
        question: str | QuestionAnalysis,
        *,
        k: int = 5,
        filters: Filters | None = None,
        language: str | None = None,
    ) -> SearchResult:
        """The best passages for ``question`` (text, analysed here with ``language``)."""
        analysis = as_analysis(question, language)
        with one_thread():  # index/threads.py: spinning BLAS workers slowed the embedding
            return self._search(analysis, k, filters)

    def _search(self, a: QuestionAnalysis, k: int, filters: Filters | None) -> SearchResult:
        snap = self.snapshot
        t0 = time.perf_counter()
        question, lang = a.text, a.language
        refs = list(a.references)
        filters = filters or Filters()
        masks = _allowed_rows(snap, filters, refs)
        n_allowed = _count(snap, masks)
        if n_allowed == 0 and refs:
            # the named paper has nothing this audience may see: answer as if the number
            # were unknown, so the reply does not reveal that a non-public paper exists
            refs = []
            masks = _allowed_rows(snap, filters, refs)
            n_allowed = _count(snap, masks)
        if n_allowed == 0:
            return SearchResult(a, [], refs, {"empty": 1.0})
        w = WEIGHTS.get(lang, WEIGHTS["de"])
        timings: dict[str, float] = {"filters": time.perf_counter() - t0}
        lists: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        t = time.perf_counter()
        qv = self.embedder.embed([question], query=True)[0]
        q_sparse = None
        if self.embedder.has_sparse and any(s.sparse is not None for s in snap.segments):
            q_sparse = self.embedder.sparse([question])[0]
        timings["embed"] = time.perf_counter() - t
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
        # English questions search the German words too (council glossary)
        tokens = snap.lexical.query_tokens(a.search_text)
        bm25 = snap.lexical.segment_postings(tokens)
        lists["bm25"] = _merge(
            _bm25_top(seg.ids, sc, m) for seg, sc, m in zip(snap.segments, bm25, masks, strict=True)
        )
        timings["bm25"] = time.perf_counter() - t
        pool = _pool(snap, lists)
        feats: dict[str, np.ndarray] = {}
        for name in ("dense", "sentence"):
            if name in lists:
                t1 = time.perf_counter()
                feats[name] = _exact(snap, pool, lists[name], name, qv)
                timings[name] += time.perf_counter() - t1
        t = time.perf_counter()
        feats["bm25"] = _row_values(snap, pool, lambda i, rows: bm25[i].at(rows))
        timings["bm25"] += time.perf_counter() - t
        t = time.perf_counter()
        if q_sparse is not None:
            width = max(s.sparse.shape[1] for s in snap.segments if s.sparse is not None)
            lookup = query_lookup(q_sparse, width)
            feats["sparse"] = _row_values(
                snap, pool, lambda i, rows: _row_scores(snap.segments[i].sparse, rows, lookup)
            )
            order = np.argsort(-feats["sparse"], kind="stable")[:POOL]
            lists["sparse"] = (pool[order], feats["sparse"][order])
        timings["sparse"] = time.perf_counter() - t
        t = time.perf_counter()
        # votes lift only hits among the first VOTE_DEPTH: deeper ones are never returned
        hits = _fuse(snap, masks, pool, feats, lists, w, max(VOTE_DEPTH, 4 * max(k, 1)))
        # the question names a speaker or faction, a meeting day or month, or asks
        # "how many …": the passages with that voice, date or figure get a vote
        voiced = self.speakers.chunks_for(a.named, _ids(hits[:VOTE_DEPTH]))
        _vote(hits, voiced, "speaker", w)
        named = list(a.dates)
        dated = self._dated(snap, named, _ids(hits[:VOTE_DEPTH])) if named else set()
        _vote(hits, dated, "meeting", w)
        counted = figure_chunks(self.store, a, tokens, _ids(hits[:VOTE_DEPTH]))
        _vote(hits, counted, "figure", w)
        evidence = _evidence(lists, hits)
        timings["fusion"] = time.perf_counter() - t
        return SearchResult(
            a,
            hits[: max(k, 1) * 4],
            refs,
            evidence,
            qv,
            q_sparse,
            snap.lexical,
            timings,
        )

    @staticmethod
    def _dated(snap: Snapshot, named: list[NamedDate], candidates: list[int]) -> set[int]:
        """Which ``candidates`` come from a meeting on a day (or in a month) ``named``."""
        docs = {d for d, facts in snap.docs.items() if any(n.matches(facts.date) for n in named)}
        if not docs or not candidates:
            return set()
        ids = np.asarray(candidates, dtype=np.int64)
        wanted = np.fromiter(docs, dtype=np.int64)
        out: set[int] = set()
        for seg, alive in zip(snap.segments, snap.alive, strict=True):
            rows = seg.rows(ids)
            found = rows >= 0
            if alive is not None:
                found[found] = alive[rows[found]]
            hit = found.copy()
            hit[found] = np.isin(seg.doc_of[rows[found]], wanted)
            out.update(ids[hit].tolist())
        return out


Ranked = tuple[np.ndarray, np.ndarray]


def _merge(parts: Iterable[Ranked]) -> Ranked:
    """One ranking from per-segment rankings (their scores are comparable), best POOL."""
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([p[0] for p in parts])
    scores = np.concatenate([p[1] for p in parts])
    order = np.argsort(-scores, kind="stable")[:POOL]
    return ids[order], scores[order]


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
        return index.search(q, k)
    excluded = len(mask) - int(np.count_nonzero(mask))
    if excluded <= OVERFETCH_MAX:
        ids, scores = index.search(q, k + excluded)
        rows = rows_of(ids)
        ok = (rows >= 0) & mask[np.maximum(rows, 0)]
        return ids[ok][:k], scores[ok][:k]
    return index.search(q, k, keys[mask])


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
    return chunks[first][:POOL], scores[first][:POOL]


def _pool(snap: Snapshot, lists: dict[str, Ranked]) -> np.ndarray:
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
    order = np.argsort(listed[0], kind="stable")
    listed_ids, listed_scores = listed[0][order], listed[1][order]

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
    bound = float(listed[1][-1]) if len(listed[1]) else 0.0
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


def _fuse(
    snap: Snapshot,
    masks: list[np.ndarray | None],
    pool: np.ndarray,
    feats: dict[str, np.ndarray],
    lists: dict[str, Ranked],
    w: dict[str, float],
    depth: int | None = None,
) -> list[Hit]:
    """The best ``depth`` candidates by the weighted sum of their standardised scores.

    Scores, not ranks: among many similar passages a retriever that is sure (BM25
    far ahead on a rare word) outweighs several that only see "more of the same".
    Standardising over the candidates puts cosines, latent-term and BM25 scores on
    one scale. Quoted copies are folded into their original (best score per
    retriever). ``Hit.score`` is then rank-based, so that the speaker and meeting
    votes added later keep their weight.
    """
    if len(pool) == 0:
        return []
    ids = pool.tolist()
    orig = [snap.dup.get(c, c) for c in ids]
    # an original the filters exclude does not absorb its copy: the copy stands for itself
    ok = [o == c or _is_allowed(snap, masks, o) for c, o in zip(ids, orig, strict=True)]
    orig = [o if keep else c for c, o, keep in zip(ids, orig, ok, strict=True)]
    keys, group = np.unique(np.asarray(orig, dtype=np.int64), return_inverse=True)
    fused = np.zeros(len(keys))
    raw: dict[str, np.ndarray] = {}
    for name, v in feats.items():
        g = np.full(len(keys), -np.inf)
        np.maximum.at(g, group, v)
        raw[name] = g
        sd = float(g.std())
        if sd > 0:
            fused += w[name] * (g - g.mean()) / sd
    total = sum(w[n] for n in feats)
    order = np.argsort(-fused, kind="stable")[:depth]  # Hit objects only for those kept
    hits = [
        Hit(int(keys[j]), total / (RRF_K + rank + 1), raw={n: float(raw[n][j]) for n in raw})
        for rank, j in enumerate(order)
    ]
    by_id = {h.chunk_id: h for h in hits}
    folded = dict(zip(ids, orig, strict=True))
    for c, o in folded.items():
        if c != o and o in by_id:
            by_id[o].duplicates.append(c)
    for name, (lids, _sc) in lists.items():
        for rank, c in enumerate(lids.tolist()):
            h = by_id.get(folded.get(c, -1))
            if h is not None and name not in h.ranks:
                h.ranks[name] = rank
    return hits


def _vote(hits: list[Hit], chosen: set[int], name: str, w: dict[str, float]) -> None:
    """A reciprocal-rank vote, in hit order, for the ``chosen`` hits; re-sorts ``hits``."""
    if not chosen:
        return
    for rank, h in enumerate(h for h in hits if h.chunk_id in chosen):
        h.ranks[name] = rank
        h.score += w[name] / (RRF_K + rank + 1)
    hits.sort(key=lambda h: -h.score)


def _ids(hits: list[Hit]) -> list[int]:
    return [h.chunk_id for h in hits]


def _bm25_top(ids: np.ndarray, postings: TermPostings, allowed: np.ndarray | None) -> Ranked:
    rows, scores = postings.top(POOL, allowed)
    return ids[rows], scores


def _is_allowed(snap: Snapshot, masks: list[np.ndarray | None], chunk_id: int) -> bool:
    loc = snap.locate(chunk_id)
    if loc is None:
        return False
    m = masks[loc[0]]
    return m is None or bool(m[loc[1]])


def _count(snap: Snapshot, masks: list[np.ndarray | None]) -> int:
    return sum(
        seg.size if m is None else int(m.sum()) for seg, m in zip(snap.segments, masks, strict=True)
    )


def _allowed_rows(snap: Snapshot, f: Filters, refs: list[str]) -> list[np.ndarray | None]:
    """Per segment, the rows the filters and tombstones allow (None: every row)."""
    numbers = [f.drucksache] if f.drucksache else []
    numbers += [n for n in refs if n in snap.mentions or n in snap.papers]
    ok_docs = None
    if f.gremium or f.date_from or f.date_to:
        ok_docs = np.array(
            [
                d
                for d, facts in snap.docs.items()
                if (not f.gremium or (facts.gremium or "").lower().find(f.gremium.lower()) >= 0)
                and (not f.date_from or (facts.date and facts.date >= f.date_from))
                and (not f.date_to or (facts.date and facts.date <= f.date_to))
            ],
            dtype=np.int64,
        )
    empty = np.zeros(0, np.int64)
    chunk_ids = np.concatenate([empty, *(snap.mentions.get(n, empty) for n in numbers)])
    paper_docs = np.concatenate([empty, *(snap.papers.get(n, empty) for n in numbers)])
    masks: list[np.ndarray | None] = []
    for seg, alive in zip(snap.segments, snap.alive, strict=True):
        mask = None if alive is None else alive.copy()
        # every restriction narrows what the ones before it allowed
        parts: list[np.ndarray] = []
        if f.public_only and not seg.all_public:
            parts.append(seg.public)
        if numbers:
            parts.append(np.isin(seg.ids, chunk_ids) | np.isin(seg.doc_of, paper_docs))
        if ok_docs is not None:
            parts.append(np.isin(seg.doc_of, ok_docs))
        for m in parts:
            mask = m if mask is None else (mask & m)
        masks.append(mask)
    return masks


def _evidence(lists: dict, hits: list[Hit]) -> dict[str, float]:
    ev: dict[str, float] = {}
    for name, (_ids, scores) in lists.items():
        ev[f"{name}_top"] = float(scores[0]) if len(scores) else 0.0
        if len(scores) > 10:
            ev[f"{name}_gap"] = float(scores[0] - np.mean(scores[:50]))
    if hits:
        top = hits[0]
        # the figure vote says only that a passage states some figure of the kind
        # asked for: not evidence that the documents cover the question
        ev["agree"] = float(sum(1 for n, r in top.ranks.items() if r < 5 and n != "figure"))
        ev["fused_top"] = top.score
    return ev
