"""An index generation: a list of segments, the chunks deleted from them, and
the document facts retrieval filters on.

A snapshot is immutable once built. The searcher swaps the whole object when a
new generation is ready, so questions never see half of a re-index. A new
generation reuses the previous one's segments: documents that are new or
changed since then get one small delta segment, deleted or replaced ones are
tombstoned at once (their rows are masked in every retriever), and only when
the deltas or tombstones grow large is everything merged into a new base
(``merge`` below, or ``ratsbot optimize``). Small corpora are always rebuilt
whole, so their ranking is exactly that of one index.

On disk, ``gen-N/manifest.json`` (written last, in a folder renamed into
place) names the segments of generation N and the embedder; ``dead.npz`` holds
the tombstones. Segment folders never change once renamed into place.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from index.embed import Embedder
from index.retrieval.lexical import LexicalView
from index.retrieval.segments import (
    Segment,
    Stamped,
    build_segment,
    doc_stamps,
    load_segment,
    save_segment,
)
from index.store import Store, retrieval_facts

FORMAT = 4  # 4: sparse rows (CSR) instead of columns
MAX_SENTENCE_VECTORS = 2_000_000  # ~250k chunks; above, max-sim would need >3 GiB RAM
REBUILD_BELOW = 5_000  # chunks: smaller corpora are rebuilt whole on every change
MAX_DELTAS = 8
MERGE_SHARE = 0.1  # deltas + tombstones beyond this share of the base trigger a merge


@dataclass
class DocFacts:
    gremium: str | None
    date: dt.date | None
    own: frozenset[str]
    public: bool


class Location(NamedTuple):
    segment: int  # index into ``Snapshot.segments``
    row: int


@dataclass
class Snapshot:
    generation: int
    embedder: str
    segments: list[Segment]
    dead: list[np.ndarray]  # per segment: sorted chunk ids deleted since it was built
    docs: dict[int, DocFacts] = field(default_factory=dict)
    dup: dict[int, int] = field(default_factory=dict)  # quoted copy -> original chunk id
    mentions: dict[str, np.ndarray] = field(default_factory=dict)  # number -> chunk ids
    papers: dict[str, np.ndarray] = field(default_factory=dict)  # number -> own document ids
    alive: list[np.ndarray | None] = field(default_factory=list)  # per segment, None = all
    lexical: LexicalView = field(init=False)

    def __post_init__(self) -> None:
        self.alive = []
        for seg, dead in zip(self.segments, self.dead, strict=True):
            if len(dead):
                m = np.ones(seg.size, dtype=bool)
                rows = seg.rows(dead)
                m[rows[rows >= 0]] = False
                self.alive.append(m)
            else:
                self.alive.append(None)
        self.lexical = LexicalView([s.lexical for s in self.segments])

    @property
    def size(self) -> int:
        """Live chunks."""
        return sum(
            s.size if a is None else int(a.sum())
            for s, a in zip(self.segments, self.alive, strict=True)
        )

    @property
    def use_sentences(self) -> bool:
        """Max-sim only when every segment has it; otherwise ranks would not be comparable."""
        return any(s.size for s in self.segments) and all(
            s.sentences is not None for s in self.segments if s.size
        )

    def locate(self, chunk_id: int) -> Location | None:
        """Where a live chunk is held, or None."""
        for i, (seg, alive) in enumerate(zip(self.segments, self.alive, strict=True)):
            row = int(seg.rows(np.array([chunk_id]))[0])
            if row >= 0 and (alive is None or alive[row]):
                return Location(i, row)
        return None


def _facts(store: Store) -> tuple[dict, dict, dict, dict]:
    """Documents, quoted-copy links and paper numbers: small tables, read whole."""
    facts = retrieval_facts(store)
    docs = {
        d.id: DocFacts(d.gremium, d.meeting_date, frozenset(), d.public) for d in facts.documents
    }
    mentions: dict[str, set[int]] = {}
    papers: dict[str, set[int]] = {}
    for ref in facts.references:
        if ref.role == "own" and ref.chunk_id is None:
            papers.setdefault(ref.number, set()).add(int(ref.document_id))
        elif ref.chunk_id is not None:
            mentions.setdefault(ref.number, set()).add(int(ref.chunk_id))
        else:
            mentions.setdefault(ref.number, set())
    for number, doc_ids in papers.items():
        for d in doc_ids:
            if d in docs:
                docs[d].own = docs[d].own | {number}
    return (
        docs,
        facts.duplicates,
        {n: np.array(sorted(c), dtype=np.int64) for n, c in mentions.items()},
        {n: np.array(sorted(c), dtype=np.int64) for n, c in papers.items()},
    )


def _with_facts(store: Store, gen: int, key: str, segs: list, dead: list) -> Snapshot:
    docs, dup, mentions, papers = _facts(store)
    return Snapshot(gen, key, segs, dead, docs, dup, mentions, papers)


def _build(
    store: Store,
    embedder: Embedder,
    doc_ids: list[int] | None,
    known: frozenset[str],
    stamps: dict[int, Stamped] | None = None,
    dense_kind: str | None = None,
) -> Segment:
    info = embedder.info
    return build_segment(
        store,
        info.key,
        info.dim,
        info.sparse_dim if embedder.has_sparse else 0,
        doc_ids,
        max_sentences=MAX_SENTENCE_VECTORS,
        vocabulary=known,
        stamps=stamps,
        dense_kind=dense_kind,
    )


def build_snapshot(store: Store, embedder: Embedder, dense_kind: str | None = None) -> Snapshot:
    """One base segment over every chunk, from the store's cached vectors; embeds nothing."""
    gen = store.generation()
    base = _build(store, embedder, None, frozenset(), dense_kind=dense_kind)
    return _with_facts(store, gen, embedder.info.key, [base], [np.zeros(0, np.int64)])


def update_snapshot(
    prev: Snapshot, store: Store, embedder: Embedder, dense_kind: str | None = None
) -> Snapshot:
    """The next generation from ``prev``: a delta for new documents, tombstones for gone ones.

    Falls back to a full rebuild for small corpora and when the deltas or
    tombstones have grown past ``MERGE_SHARE`` of the base.
    """
    gen = store.generation()
    stamps = doc_stamps(store, embedder.info.key)
    covered: dict[int, tuple[int, str]] = {}
    for i, seg in enumerate(prev.segments):
        for d, st in seg.stamps.items():
            covered[d] = (i, st)
    gone = [d for d, (_i, st) in covered.items() if d not in stamps or stamps[d].stamp != st]
    new = [d for d, now in stamps.items() if d not in covered or covered[d][1] != now.stamp]
    dead = list(prev.dead)
    if gone:
        gone_a = np.array(sorted(gone), dtype=np.int64)
        for i, seg in enumerate(prev.segments):
            hit = seg.ids[np.isin(seg.doc_of, gone_a)]
            if len(hit):
                dead[i] = np.union1d(dead[i], hit)
    segs = list(prev.segments)
    if new:
        segs.append(_build(store, embedder, new, prev.lexical.vocabulary, stamps, dense_kind))
        dead.append(np.zeros(0, np.int64))
    keep = [0] + [i for i in range(1, len(segs)) if segs[i].size > len(dead[i])]  # no dead deltas
    segs, dead = [segs[i] for i in keep], [dead[i] for i in keep]
    total = sum(s.size for s in segs)
    churn = sum(s.size for s in segs[1:]) + sum(len(d) for d in dead)
    if total < REBUILD_BELOW or len(segs) > MAX_DELTAS + 1 or churn > MERGE_SHARE * total:
        return build_snapshot(store, embedder, dense_kind)
    return _with_facts(store, gen, embedder.info.key, segs, dead)


def save_snapshot(snap: Snapshot, index_dir: Path) -> Path:
    """Write new segments aside and rename them, then the generation folder (manifest last)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    for seg in snap.segments:
        save_segment(seg, index_dir)
    final = index_dir / f"gen-{snap.generation}"
    tmp = index_dir / f".tmp-gen-{snap.generation}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    np.savez(tmp / "dead.npz", *snap.dead)
    manifest = {
        "format": FORMAT,
        "generation": snap.generation,
        "embedder": snap.embedder,
        "segments": [s.name for s in snap.segments],
        "chunks": snap.size,
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest))
    _fsync_dir(tmp)
    if final.exists():
        shutil.rmtree(final)
    os.replace(tmp, final)
    _fsync_dir(index_dir)
    used = {s.name for s in snap.segments}
    for old in index_dir.iterdir():
        stale_gen = old.name.startswith("gen-") and old != final
        stale_seg = old.name.startswith("seg-") and old.name not in used
        if stale_gen or stale_seg:
            shutil.rmtree(old, ignore_errors=True)
    return final


def load_snapshot(
    index_dir: Path, generation: int | None, embedder: str, store: Store
) -> Snapshot | None:
    """The saved snapshot of that generation (None: the newest saved), or None if absent."""
    folder = index_dir / f"gen-{generation}"
    if generation is None:
        gens = sorted(
            (int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdigit()),
            reverse=True,
        )
        if not gens:
            return None
        folder = index_dir / f"gen-{gens[0]}"
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("format") != FORMAT or manifest.get("embedder") != embedder:
        return None
    try:
        segs = [load_segment(index_dir, name) for name in manifest["segments"]]
        dead_npz = np.load(folder / "dead.npz")
        dead = [dead_npz[f"arr_{i}"] for i in range(len(segs))]
    except (OSError, ValueError, KeyError):
        return None
    snap = _with_facts(store, int(manifest["generation"]), embedder, segs, dead)
    return snap if snap.size == manifest["chunks"] else None


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
