"""Hybrid retrieval: dense (FAISS) + sparse latent terms + BM25, fused by rank.

Each retriever ranks the chunks the filters allow — whole chunks by dense
vector, chunks by their best sentence's vector, the model's sparse latent
terms, BM25 — and weighted reciprocal-rank fusion combines them (weights chosen
on the dev and bench/qa_extra.jsonl questions, see bench/RESULTS.md). BM25
only knows German words, so an English question gives it little weight. A
paper number in the question restricts retrieval to that paper's chunks and
the chunks that mention it. Quoted copies of earlier
minutes are folded into their original so they never take two top slots.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.embed import Embedder
from index.language import detect_language
from index.lexical import LexicalIndex
from index.references import find_references
from index.snapshot import Snapshot, build_snapshot, load_snapshot, save_snapshot
from index.store import Store

RRF_K = 20
POOL = 100  # candidates taken from each retriever
WEIGHTS = {
    "de": {"dense": 0.5, "sentence": 1.0, "sparse": 1.0, "bm25": 0.8},
    "en": {"dense": 0.5, "sentence": 1.0, "sparse": 1.0, "bm25": 0.25},
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
    question: str
    language: str
    hits: list[Hit]
    references: list[str]  # paper numbers found in the question
    evidence: dict[str, float]  # features the abstention decision uses
    query_vector: np.ndarray | None = None
    query_sparse: tuple[np.ndarray, np.ndarray] | None = None
    lexical: LexicalIndex | None = None  # the snapshot's, for coverage of question terms


class Searcher:
    """Holds the current snapshot; ``refresh`` swaps in a new generation atomically."""

    def __init__(self, store: Store, embedder: Embedder, index_dir: Path) -> None:
        self.store = store
        self.embedder = embedder
        self.index_dir = index_dir
        self._snap: Snapshot | None = None
        self._lock = threading.Lock()

    @property
    def snapshot(self) -> Snapshot:
        snap = self._snap
        if snap is None or snap.generation != self.store.generation():
            snap = self.refresh()
        return snap

    def refresh(self) -> Snapshot:
        """Load (or build and save) the snapshot of the store's current generation."""
        with self._lock:
            gen = self.store.generation()
            if self._snap is not None and self._snap.generation == gen:
                return self._snap
            key = self.embedder.info.key
            snap = load_snapshot(self.index_dir, gen, key)
            if snap is None:
                snap = build_snapshot(self.store, self.embedder)
                save_snapshot(snap, self.index_dir)
            self._snap = snap
            return snap

    def search(
        self,
        question: str,
        *,
        k: int = 5,
        filters: Filters | None = None,
        language: str | None = None,
    ) -> SearchResult:
        snap = self.snapshot
        lang = language or detect_language(question)
        refs = [n for _raw, n, _s, _e in find_references(question)]
        filters = filters or Filters()
        allowed = _allowed_rows(snap, filters, refs)
        if snap.size == 0 or (allowed is not None and not allowed.any()):
            return SearchResult(question, lang, [], refs, {"empty": 1.0})
        w = WEIGHTS.get(lang, WEIGHTS["de"])
        lists: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        qv = self.embedder.embed([question], query=True)[0]
        allowed_ids = None if allowed is None else snap.ids[allowed]
        d_ids, d_sc = snap.dense.search(qv, POOL, allowed_ids)
        lists["dense"] = (d_ids, d_sc)
        if snap.sentences is not None:
            lists["sentence"] = snap.sentences.chunk_ranking(qv, POOL, allowed_ids)
        q_sparse = None
        if snap.sparse is not None and self.embedder.has_sparse:
            q_sparse = self.embedder.sparse([question])[0]
            qi, qval = q_sparse
            qs = np.zeros(snap.sparse.shape[1], dtype=np.float32)
            qs[qi] = qval
            lists["sparse"] = _top(snap, snap.sparse @ qs, allowed)
        lists["bm25"] = _top(snap, snap.lexical.scores(question), allowed)
        fused: dict[int, Hit] = {}
        for name, (ids, scores) in lists.items():
            for rank, (cid, sc) in enumerate(zip(ids.tolist(), scores.tolist(), strict=True)):
                if sc <= 0 and name != "dense":
                    break
                orig = int(snap.dup_of[snap.row_of[cid]]) or cid
                if allowed is not None and not allowed[snap.row_of.get(orig, 0)]:
                    orig = cid  # the original is filtered out: the copy stands for itself
                hit = fused.setdefault(orig, Hit(orig, 0.0))
                if cid != orig and cid not in hit.duplicates:
                    hit.duplicates.append(cid)
                if name in hit.ranks:  # a copy already counted for this retriever
                    continue
                hit.ranks[name] = rank
                hit.raw[name] = float(sc)
                hit.score += w[name] / (RRF_K + rank + 1)
        hits = sorted(fused.values(), key=lambda h: -h.score)
        evidence = _evidence(lists, hits)
        return SearchResult(
            question, lang, hits[: max(k, 1) * 4], refs, evidence, qv, q_sparse, snap.lexical
        )


def _top(
    snap: Snapshot, scores: np.ndarray, allowed: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    scores = np.asarray(scores, dtype=np.float32).ravel()
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    n = min(POOL, len(scores))
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    idx = np.argpartition(-scores, n - 1)[:n]
    idx = idx[np.argsort(-scores[idx], kind="stable")]
    idx = idx[np.isfinite(scores[idx])]
    return snap.ids[idx], scores[idx]


def _allowed_rows(snap: Snapshot, f: Filters, refs: list[str]) -> np.ndarray | None:
    mask: np.ndarray | None = None

    def narrow(m: np.ndarray) -> None:
        nonlocal mask
        mask = m if mask is None else (mask & m)

    if f.public_only:
        narrow(snap.public.copy())
    numbers = [f.drucksache] if f.drucksache else []
    known = [n for n in refs if n in snap.mentions]
    numbers += known
    if numbers:
        m = np.zeros(snap.size, dtype=bool)
        for n in numbers:
            for cid in snap.mentions.get(n, np.zeros(0, np.int64)).tolist():
                row = snap.row_of.get(int(cid))
                if row is not None:
                    m[row] = True
        narrow(m)
    if f.gremium or f.date_from or f.date_to:
        ok_docs = {
            d
            for d, facts in snap.docs.items()
            if (not f.gremium or (facts.gremium or "").lower().find(f.gremium.lower()) >= 0)
            and (not f.date_from or (facts.date and facts.date >= f.date_from))
            and (not f.date_to or (facts.date and facts.date <= f.date_to))
        }
        narrow(np.isin(snap.doc_of, list(ok_docs)))
    return mask


def _evidence(lists: dict, hits: list[Hit]) -> dict[str, float]:
    ev: dict[str, float] = {}
    for name, (_ids, scores) in lists.items():
        ev[f"{name}_top"] = float(scores[0]) if len(scores) else 0.0
        if len(scores) > 10:
            ev[f"{name}_gap"] = float(scores[0] - np.mean(scores[:50]))
    if hits:
        top = hits[0]
        ev["agree"] = float(sum(1 for r in top.ranks.values() if r < 5))
        ev["fused_top"] = top.score
    return ev
