"""The search on PostgreSQL (``RATSBOT_SEARCH=postgres``): the same channels, fusion and
votes as the embedded index, with pgvector and the search tables in place of the files.

The embedded backend lists candidates from its snapshot (index/retrieval/channels.py);
this one asks the database for the same lists under the same filter — dense by
HNSW over the passage vectors, sentences by HNSW over the sentence vectors (their
chunks in order of their best sentence), BM25 among the passages holding a
question term — re-scores the pool on every channel exactly, and hands the lists
and scores to the same fusion (``fuse_pool``) and votes. Nothing is held but the
vocabulary the question analysis needs, which grows with the terms table; a
commit is visible to the next question of every replica.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.embed import Embedder
from index.query import NamedDate, QuestionAnalysis, as_analysis, search_tokens
from index.retrieval.channels import POOL, SENTENCE_HITS, Ranked, _pool
from index.retrieval.filters import Filters
from index.retrieval.fusion import evidence_of, fuse_pool, weights_for
from index.retrieval.lexical import Lexicon, lucene_idf
from index.retrieval.search import Searcher, SearchResult, WriteGuard
from index.retrieval.votes import VOTE_DEPTH, NameLookup, cast_votes
from index.store import (
    PassageFilter,
    PgReads,
    Store,
    SyncReport,
    create_search_tables,
    pg_reads,
    sparse_literal,
    sync_search,
    term_rows,
    vacuum_filled_tables,
)


def open_searcher(
    backend: str,
    store: Store,
    embedder: Embedder,
    index_dir: Path,
    dense_kind: str | None = None,
    may_write: WriteGuard | None = None,
) -> Searcher | PgSearcher:
    """The searcher of ``backend``: embedded (files in ``index_dir``) or postgres."""
    if backend == "postgres":
        return PgSearcher(store, embedder)
    return Searcher(store, embedder, index_dir, dense_kind=dense_kind, may_write=may_write)


class PgLexicon(Lexicon):
    """The vocabulary and the document frequencies of one question's terms."""

    def __init__(self, vocabulary: frozenset[str], df: dict[str, int], n: int) -> None:
        self.vocabulary = vocabulary
        self.df = df
        self.n = n

    def idf(self, term: str) -> float:
        """log(N / df), as ``LexicalView.idf``; an unknown term gets the highest weight."""
        return float(np.log((max(self.n, 1) + 1) / (self.df.get(term, 0) + 0.5)))


class _Vocabulary:
    """Every term of the corpus, grown by the terms added since the last look."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.terms: frozenset[str] = frozenset()
        self._last_id = 0
        self._generation = -1
        self._lock = threading.Lock()

    def current(self) -> frozenset[str]:
        gen = self.store.generation()
        if gen != self._generation:
            with self._lock:
                new = term_rows(self.store, self._last_id)
                if new:
                    self._last_id = new[-1][0]
                    self.terms = self.terms | {t for _i, t in new}
                self._generation = gen
        return self.terms


@dataclass(frozen=True)
class TablesView:
    """What health checks and metrics read of an index: here, the search tables."""

    generation: int
    size: int  # passages with a row
    embedder: str


class PgSearcher:
    """Questions answered from the search tables; no snapshot, no index files."""

    def __init__(self, store: Store, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder
        self.names = NameLookup(store)
        self._vocabulary = _Vocabulary(store)
        self.prepared = False

    loaded = True  # nothing to load: every question reads the tables

    def prepare(self) -> SyncReport:
        """Create the tables for this embedder (once per database) and fill in what is
        missing (a store that was searched embedded until now)."""
        info = self.embedder.info
        sparse_dim = info.sparse_dim if self.embedder.has_sparse else 0
        with self.store.session() as s:
            made = create_search_tables(s, info.dim, sparse_dim)
            report = sync_search(s, full=True)
        if made:
            vacuum_filled_tables(self.store.engine)
        self.prepared = True
        return report

    @property
    def snapshot(self) -> TablesView:
        """The store's generation and the passages the tables hold (``index_agrees``
        compares them with the store as it does a loaded snapshot)."""
        self.ensure_prepared()
        gen = self.store.generation()
        with pg_reads(self.store, PassageFilter(public_only=False)) as r:
            passages = r.totals()[0]
        return TablesView(gen, passages, self.embedder.info.key)

    def ensure_prepared(self) -> None:
        """:meth:`prepare` once per process (the tables are created, or filled in for
        passages written before the backend was switched on)."""
        if not self.prepared:
            self.prepare()

    def refresh(self) -> SyncReport:
        return self.prepare()

    def optimize(self) -> TablesView:
        """Fill in every missing row (``ratsbot optimize``, a disagreeing health check)."""
        self.prepare()
        return self.snapshot

    def published(self, *, complete: bool, chunks_added: int) -> None:
        """Nothing to swap in: the commit itself made the documents searchable."""

    def forget(self) -> None:
        """No in-memory index to drop."""

    def search(
        self,
        question: str | QuestionAnalysis,
        *,
        k: int = 5,
        filters: Filters | None = None,
        language: str | None = None,
    ) -> SearchResult:
        """The best passages for ``question``, as ``Searcher.search`` finds them."""
        self.ensure_prepared()
        a = as_analysis(question, language)
        f = filters or Filters()
        vocabulary = self._vocabulary.current()
        t0 = time.perf_counter()
        base = PassageFilter(f.public_only, f.gremium, f.date_from, f.date_to)
        with pg_reads(self.store, base) as r:
            refs = _restrict(r, f, list(a.references))
            if not r.any_allowed():
                return SearchResult(a, [], refs, {"empty": 1.0})
            timings = {"filters": time.perf_counter() - t0}
            return self._search(r, a, vocabulary, refs, k, timings)

    def _search(
        self,
        r: PgReads,
        a: QuestionAnalysis,
        vocabulary: frozenset[str],
        refs: list[str],
        k: int,
        timings: dict[str, float],
    ) -> SearchResult:
        n, has_sentences, has_sparse = r.totals()
        t = time.perf_counter()
        qv = self.embedder.embed([a.text], query=True)[0]
        q_sparse = None
        if self.embedder.has_sparse and has_sparse:
            q_sparse = self.embedder.sparse([a.text])[0]
        timings["embed"] = time.perf_counter() - t
        lists: dict[str, Ranked] = {}
        t = time.perf_counter()
        lists["dense"] = Ranked(*r.nearest("pg_passages", qv, POOL))
        timings["dense"] = time.perf_counter() - t
        t = time.perf_counter()
        if has_sentences:
            lists["sentence"] = _first_per_chunk(r.nearest("pg_sentences", qv, SENTENCE_HITS))
        timings["sentence"] = time.perf_counter() - t
        t = time.perf_counter()
        tokens = search_tokens(a.search_text, vocabulary)
        groups = a.term_groups(vocabulary)
        known = r.terms(sorted(set(tokens) | {x for g in groups for x in g}))
        weights = bm25_weights(tokens, known, n)
        lists["bm25"] = Ranked(*r.bm25_top(weights, POOL))
        timings["bm25"] = time.perf_counter() - t
        pool = _pool(lists)
        scores, dup = self._score_pool(r, pool, lists, qv, q_sparse, weights, timings)
        t = time.perf_counter()
        w = weights_for(a.language)
        depth = max(VOTE_DEPTH, 4 * max(k, 1))
        hits = fuse_pool(dup, r.allowed, pool, scores, lists, w, depth)

        def dated(named: list[NamedDate], candidates: list[int]) -> set[int]:
            dates = r.meeting_dates(candidates)
            return {c for c, d in dates.items() if any(x.matches(d) for x in named)}

        cast_votes(hits, a, dated, self.store, self.names, tokens, w)
        evidence = evidence_of(lists, hits)
        timings["fusion"] = time.perf_counter() - t
        lexicon = PgLexicon(vocabulary, {term: df for term, (_i, df) in known.items()}, n)
        top = hits[: max(k, 1) * 4]
        return SearchResult(a, top, refs, evidence, qv, q_sparse, lexicon, timings)

    def _score_pool(
        self,
        r: PgReads,
        pool: np.ndarray,
        lists: dict[str, Ranked],
        qv: np.ndarray,
        q_sparse: tuple[np.ndarray, np.ndarray] | None,
        weights: dict[int, float],
        timings: dict[str, float],
    ) -> tuple[dict[str, np.ndarray], dict[int, int]]:
        """Every candidate's exact score on every channel, and the quoted-copy links (see
        ``channels._exact``: a candidate without a vector yet gets the list's last score)."""
        t = time.perf_counter()
        sparse = None
        if q_sparse is not None:
            q = {int(i) + 1: float(v) for i, v in zip(*q_sparse, strict=True)}
            sparse = sparse_literal(q, self.embedder.info.sparse_dim)
        got, dup = r.pool_scores(pool, qv, weights, sparse)
        listed = lists["dense"].scores
        bound = float(listed[-1]) if len(listed) else 0.0
        scores = {"dense": np.where(np.isnan(got["dense"]), bound, got["dense"])}
        timings["dense"] += time.perf_counter() - t  # one query: dense, BM25, sparse
        if "sentence" in lists:
            t = time.perf_counter()
            best = r.best_sentences(pool, qv)
            listed = lists["sentence"].scores
            bound = float(listed[-1]) if len(listed) else 0.0
            scores["sentence"] = np.where(np.isnan(best), bound, best)
            timings["sentence"] += time.perf_counter() - t
        scores["bm25"] = got["bm25"]
        timings["sparse"] = 0.0
        if q_sparse is not None:
            scores["sparse"] = got["sparse"]
            order = np.argsort(-scores["sparse"], kind="stable")[:POOL]
            lists["sparse"] = Ranked(pool[order], scores["sparse"][order])
        return scores, dup


def _restrict(r: PgReads, f: Filters, refs: list[str]) -> list[str]:
    """Narrow ``r``'s filter to the paper ``f`` names and the known papers of ``refs``; as
    ``filters.allowed_for``, drop the question's numbers when they leave nothing."""
    base = r.flt
    for attempt in (refs, []):
        known, _c, _d = r.paper(attempt) if attempt else (set(), [], [])
        numbers = ([f.drucksache] if f.drucksache else []) + [x for x in attempt if x in known]
        if numbers:
            _k, chunks, docs = r.paper(numbers)
            r.flt = replace(base, chunk_ids=tuple(chunks), document_ids=tuple(docs))
        else:
            r.flt = base
        if not attempt or r.any_allowed():
            return list(attempt)
    return []


def bm25_weights(
    tokens: Sequence[str], known: dict[str, tuple[int, int]], n: int
) -> dict[int, float]:
    """Term id -> the question's weight of it: IDF times how often the question says it."""
    out: dict[int, float] = {}
    for term, times in Counter(tokens).items():
        if term in known:
            term_id, df = known[term]
            if df > 0:
                out[term_id] = times * lucene_idf(df, n)
    return out


def _first_per_chunk(found: tuple[np.ndarray, np.ndarray]) -> Ranked:
    """Chunks in order of their best sentence among the sentence hits."""
    chunks, scores = found
    _, first = np.unique(chunks, return_index=True)
    first.sort()
    return Ranked(chunks[first][:POOL], scores[first][:POOL])
