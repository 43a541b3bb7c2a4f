"""An index generation: dense, sparse and BM25 indexes plus the chunk facts
retrieval filters on, built from the store and saved as one folder.

A snapshot is immutable once built. The searcher swaps the whole object when a
new generation is ready, so questions never see half of a re-index. Files are
written to a temporary folder and renamed into place; the manifest, written
last, records the store generation and the embedder so a mismatch is noticed
at start-up instead of serving wrong citations.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sqlalchemy import select

from index.dense import DenseIndex, SentenceIndex
from index.embed import Embedder
from index.errors import IndexOutOfSync
from index.lexical import LexicalIndex
from index.schema import Chunk, Document, Reference
from index.store import Store, text_hash

FORMAT = 2
MAX_SENTENCE_VECTORS = 3_000_000  # ~4.6 GB of float32 at 384-d: beyond that, chunks only


@dataclass
class DocFacts:
    gremium: str | None
    date: dt.date | None
    own: frozenset[str]
    public: bool


@dataclass
class Snapshot:
    generation: int
    embedder: str
    ids: np.ndarray  # chunk ids, row order of sparse and lexical
    doc_of: np.ndarray  # document id per row
    dup_of: np.ndarray  # original chunk id per row, 0 if original
    public: np.ndarray  # bool per row
    dense: DenseIndex
    sparse: sp.csr_matrix | None
    lexical: LexicalIndex
    sentences: SentenceIndex | None = None
    docs: dict[int, DocFacts] = field(default_factory=dict)
    mentions: dict[str, np.ndarray] = field(default_factory=dict)  # number -> chunk ids
    row_of: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.row_of = {int(c): i for i, c in enumerate(self.ids)}

    @property
    def size(self) -> int:
        return len(self.ids)


def build_snapshot(store: Store, embedder: Embedder) -> Snapshot:
    """Read chunks and their cached vectors from the store; embeds nothing."""
    key = embedder.info.key
    with store.session() as s:
        generation = int(store.get_state("generation", s) or 0)
        rows = s.execute(
            select(
                Chunk.id,
                Chunk.document_id,
                Chunk.duplicate_of_id,
                Chunk.embed_text,
                Chunk.text,
                Chunk.sentences,
            ).order_by(Chunk.id)
        ).all()
        docs = {
            d.id: DocFacts(d.gremium, d.meeting_date, frozenset(), d.public)
            for d in s.scalars(select(Document))
        }
        own: dict[int, set[str]] = {}
        mentions: dict[str, set[int]] = {}
        doc_chunks: dict[int, list[int]] = {}
        for r in rows:
            doc_chunks.setdefault(r.document_id, []).append(r.id)
        for ref in s.scalars(select(Reference)):
            if ref.role == "own" and ref.chunk_id is None:
                own.setdefault(ref.document_id, set()).add(ref.number)
            elif ref.chunk_id is not None:
                mentions.setdefault(ref.number, set()).add(ref.chunk_id)
            else:
                mentions.setdefault(ref.number, set())
        for doc_id, numbers in own.items():
            docs[doc_id].own = frozenset(numbers)
            for n in numbers:
                mentions.setdefault(n, set()).update(doc_chunks.get(doc_id, []))
    ids = np.array([r.id for r in rows], dtype=np.int64)
    vecs = store.load_embeddings(key, [text_hash(r.embed_text) for r in rows])
    missing = [r.id for r in rows if text_hash(r.embed_text) not in vecs]
    if missing:
        raise IndexOutOfSync(
            f"{len(missing)} chunks have no vectors for embedder {key}: run 'ratsbot reindex'"
        )
    dim = embedder.info.dim
    dense_m = np.zeros((len(rows), dim), dtype=np.float32)
    sparse_rows: list[tuple[np.ndarray, np.ndarray]] = []
    for i, r in enumerate(rows):
        d, spv = vecs[text_hash(r.embed_text)]
        dense_m[i] = d
        if spv is not None:
            sparse_rows.append(spv)
    sparse = None
    if embedder.has_sparse and len(sparse_rows) == len(rows) and rows:
        indptr = np.cumsum([0] + [len(i) for i, _ in sparse_rows])
        sparse = sp.csr_matrix(
            (
                np.concatenate([v for _, v in sparse_rows]),
                np.concatenate([i for i, _ in sparse_rows]),
                indptr,
            ),
            shape=(len(rows), embedder.info.sparse_dim),
            dtype=np.float32,
        )
    return Snapshot(
        generation=generation,
        embedder=key,
        ids=ids,
        sentences=_sentence_index(store, key, rows, dim),
        doc_of=np.array([r.document_id for r in rows], dtype=np.int64),
        dup_of=np.array([r.duplicate_of_id or 0 for r in rows], dtype=np.int64),
        public=np.array([docs[r.document_id].public for r in rows], dtype=bool),
        dense=DenseIndex.build(ids, dense_m, dim),
        sparse=sparse,
        lexical=LexicalIndex.build(ids.tolist(), [r.embed_text for r in rows]),
        docs=docs,
        mentions={n: np.array(sorted(c), dtype=np.int64) for n, c in mentions.items()},
    )


def _sentence_index(store: Store, key: str, rows: list, dim: int) -> SentenceIndex | None:
    """Vectors of every sentence (cached at ingest) with the chunk each belongs to."""
    hashes, chunk_of = [], []
    for r in rows:
        for a, b in r.sentences or []:
            hashes.append(text_hash(r.text[a:b]))
            chunk_of.append(r.id)
    if not hashes or len(hashes) > MAX_SENTENCE_VECTORS:
        return None
    vecs = store.load_embeddings(key, hashes)
    keep = [i for i, h in enumerate(hashes) if h in vecs]
    if not keep:
        return None
    m = np.stack([vecs[hashes[i]][0] for i in keep]).astype(np.float32)
    return SentenceIndex.build(np.asarray(chunk_of, np.int64)[keep], m, dim)


def save_snapshot(snap: Snapshot, index_dir: Path) -> Path:
    """Write to a temporary folder, then rename it to ``gen-N`` (atomic on POSIX)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    final = index_dir / f"gen-{snap.generation}"
    tmp = index_dir / f".tmp-gen-{snap.generation}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    snap.dense.save(tmp / "dense.faiss")
    if snap.sparse is not None:
        sp.save_npz(tmp / "sparse.npz", snap.sparse)
    snap.lexical.save(tmp)
    if snap.sentences is not None:
        snap.sentences.save(tmp)
    np.savez(
        tmp / "rows.npz", ids=snap.ids, doc_of=snap.doc_of, dup_of=snap.dup_of, public=snap.public
    )
    facts = {
        "docs": {
            str(k): [v.gremium, v.date.isoformat() if v.date else None, sorted(v.own), v.public]
            for k, v in snap.docs.items()
        },
        "mentions": {n: c.tolist() for n, c in snap.mentions.items()},
    }
    (tmp / "facts.json").write_text(json.dumps(facts))
    manifest = {
        "format": FORMAT,
        "generation": snap.generation,
        "embedder": snap.embedder,
        "chunks": snap.size,
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest))
    _fsync_dir(tmp)
    if final.exists():
        shutil.rmtree(final)
    os.replace(tmp, final)
    _fsync_dir(index_dir)
    for old in index_dir.glob("gen-*"):
        if old != final:
            shutil.rmtree(old, ignore_errors=True)
    return final


def load_snapshot(index_dir: Path, generation: int, embedder: str) -> Snapshot | None:
    """The saved snapshot of that generation and embedder, or None if absent or stale."""
    folder = index_dir / f"gen-{generation}"
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("format") != FORMAT or manifest.get("embedder") != embedder:
        return None
    rows = np.load(folder / "rows.npz")
    facts = json.loads((folder / "facts.json").read_text())
    dense = DenseIndex.load(folder / "dense.faiss")
    if dense.size != manifest["chunks"] or len(rows["ids"]) != manifest["chunks"]:
        return None
    sparse_path = folder / "sparse.npz"
    return Snapshot(
        generation=generation,
        embedder=embedder,
        ids=rows["ids"],
        doc_of=rows["doc_of"],
        dup_of=rows["dup_of"],
        public=rows["public"],
        dense=dense,
        sparse=sp.load_npz(sparse_path).tocsr() if sparse_path.exists() else None,
        lexical=LexicalIndex.load(folder),
        sentences=SentenceIndex.load(folder),
        docs={
            int(k): DocFacts(g, dt.date.fromisoformat(d) if d else None, frozenset(o), p)
            for k, (g, d, o, p) in facts["docs"].items()
        },
        mentions={n: np.array(c, dtype=np.int64) for n, c in facts["mentions"].items()},
    )


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
