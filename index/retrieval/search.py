"""Hybrid retrieval: a question in, the best passages out, from the current index snapshot.

A search runs four steps, each in its own module: the rows the filters allow
(index/retrieval/filters.py), every channel's candidates and their exact
scores — dense, sentences, BM25, sparse (channels.py) —, one ranking from the
weighted standardised scores with quoted copies folded in (fusion.py), and
the speaker, meeting and figure votes (votes.py). The question arrives
analysed once (index/query/analysis.py); nothing here reads its text again.

The ``Searcher`` holds the snapshot and swaps in a new generation atomically.
A question arriving while the next index is being built is answered from the
previous generation: the one the admin's re-index started from, complete and
consistent in itself (chunks deleted by the new generation are simply not
found in the store and drop out of the sources). Only a process without any
loaded index waits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from index.embed import Embedder
from index.query import QuestionAnalysis, as_analysis
from index.retrieval.channels import retrieve
from index.retrieval.filters import Filters, allowed_for
from index.retrieval.fusion import Hit, evidence_of, fuse, weights_for
from index.retrieval.lexical import Lexicon
from index.retrieval.snapshot import (
    Snapshot,
    build_snapshot,
    load_snapshot,
    save_snapshot,
    update_snapshot,
)
from index.retrieval.votes import VOTE_DEPTH, NameLookup, cast_votes, dated_chunks
from index.store import Store


@dataclass
class SearchResult:
    analysis: QuestionAnalysis
    hits: list[Hit]
    references: list[str]  # paper numbers of the question that restricted retrieval
    evidence: dict[str, float]  # features the abstention decision uses
    query_vector: np.ndarray | None = None
    query_sparse: tuple[np.ndarray, np.ndarray] | None = None
    lexical: Lexicon | None = (
        None  # the snapshot's (or the search tables'), for coverage of question terms
    )
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


WriteGuard = Callable[[], AbstractContextManager[bool]]
EARLY_REFRESH_MAX_CHUNKS = 5_000  # an ingest this small is searchable before its sentences


class Searcher:
    """Holds the current snapshot; ``refresh`` swaps in a new generation atomically.

    A refresh after an ingest reuses the previous generation's segments (see
    index/retrieval/snapshot.py), so new minutes are searchable in seconds at any size.
    """

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        index_dir: Path,
        dense_kind: str | None = None,
        may_write: WriteGuard | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.index_dir = index_dir
        self.dense_kind = dense_kind  # flat|ivf|hnsw; None: by size (index/retrieval/dense.py)
        # whether index folders may be written now (the service passes index.ingest.index_writer)
        self.may_write: WriteGuard = may_write or (lambda: nullcontext(True))
        self._snap: Snapshot | None = None
        self._lock = threading.Lock()
        self.names = NameLookup(store)

    @property
    def loaded(self) -> bool:
        """Whether a snapshot is in memory (a refresh then updates it incrementally)."""
        return self._snap is not None

    @property
    def snapshot(self) -> Snapshot:
        """The store's generation; the loaded one while another thread builds the next."""
        snap = self._snap
        if snap is not None and self._lock.locked():
            return snap  # a refresh is running: keep answering from this generation
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
                    snap = update_snapshot(prev, self.store, self.embedder, self.dense_kind)
                else:
                    snap = build_snapshot(self.store, self.embedder, self.dense_kind)
                self._save(snap)
            self._snap = snap
            return snap

    def optimize(self) -> Snapshot:
        """Merge all segments into one new base (drops tombstoned rows for good)."""
        with self._lock:
            snap = build_snapshot(self.store, self.embedder, self.dense_kind)
            self._save(snap)
            self._snap = snap
            return snap

    def _save(self, snap: Snapshot) -> None:
        """Write ``snap``'s folders if nobody else may be writing them; else keep it in memory.

        An ingest of this data directory holds its lock and writes the files itself;
        a question that raced it must not rename or delete folders under it.
        """
        with self.may_write() as allowed:
            if allowed:
                save_snapshot(snap, self.index_dir)

    def published(self, *, complete: bool, chunks_added: int) -> None:
        """An ingest's new generation may be shown (``index.ingest.Publisher``): at the
        end of a run always; before it only small additions to a loaded index, so new
        minutes are answered before their sentence vectors exist while a first or bulk
        ingest does not build its whole index twice."""
        if complete or (self.loaded and 0 < chunks_added <= EARLY_REFRESH_MAX_CHUNKS):
            self.refresh()

    def forget(self) -> None:
        """Drop the in-memory snapshot (its files were deleted): the next use rebuilds."""
        with self._lock:
            self._snap = None

    def search(
        self,
        question: str | QuestionAnalysis,
        *,
        k: int = 5,
        filters: Filters | None = None,
        language: str | None = None,
    ) -> SearchResult:
        """The best passages for ``question`` (its text is analysed here with ``language``).

        Run it inside ``one_thread()`` (index/retrieval/threads.py), as the
        service does once per question.
        """
        a = as_analysis(question, language)
        snap = self.snapshot
        t0 = time.perf_counter()
        allowed = allowed_for(snap, filters or Filters(), a.references)
        if allowed.rows == 0:
            return SearchResult(a, [], allowed.references, {"empty": 1.0})
        timings = {"filters": time.perf_counter() - t0}
        found = retrieve(snap, self.embedder, a, allowed.masks)
        timings.update(found.timings)
        t = time.perf_counter()
        w = weights_for(a.language)
        # votes lift only hits among the first VOTE_DEPTH: deeper ones are never returned
        depth = max(VOTE_DEPTH, 4 * max(k, 1))
        hits = fuse(snap, allowed.masks, found.pool, found.scores, found.lists, w, depth)
        cast_votes(
            hits,
            a,
            lambda n, c: dated_chunks(snap, n, c),
            self.store,
            self.names,
            found.tokens,
            w,
        )
        evidence = evidence_of(found.lists, hits)
        timings["fusion"] = time.perf_counter() - t
        return SearchResult(
            a,
            hits[: max(k, 1) * 4],
            allowed.references,
            evidence,
            found.query_vector,
            found.query_sparse,
            snap.lexical,
            timings,
        )
