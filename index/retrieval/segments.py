"""Index segments: a large base plus small deltas, each immutable once written.

Rebuilding every structure for a million chunks takes minutes (FAISS IVF
training, BM25 tokenising, the sparse matrix), but a new 50-chunk document only
needs its own small segment. A segment holds everything retrieval needs for
its chunks — dense FAISS index, sentence index, sparse latent-term matrix by
row (retrieval re-scores only its candidates' rows), BM25 — and the version stamp
of each document it covers, so a later refresh can tell which documents are
new, changed or gone. Segments are written to a temporary folder and renamed,
and never change afterwards; deletions live in the generation's tombstones.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

import numpy as np

from index.errors import IndexOutOfSync
from index.retrieval.dense import DenseIndex, SentenceIndex
from index.retrieval.lexical import LexicalIndex
from index.retrieval.rowfile import RowFile, SparseRows, positions
from index.store import (
    ChunkRow,
    Store,
    chunk_rows,
    document_versions,
    scan_embeddings,
    text_hash,
)

DocStamp = str  # content hash + ingest time: changes whenever a document is rewritten
# a pending document's stamp ends in a mark, so its segment is rebuilt once its vectors exist
NO_CHUNK_VECTORS = "!"  # its chunks have no vectors yet (found by BM25 alone)
NO_SENTENCE_VECTORS = "~"  # its chunks have vectors, its sentences not yet


class Stamped(NamedTuple):
    """A document's version stamp and whether the public may see it."""

    stamp: DocStamp
    public: bool


@dataclass
class Segment:
    name: str
    ids: np.ndarray  # sorted chunk ids; row order of every structure below
    doc_of: np.ndarray  # document id per row
    public: np.ndarray  # bool per row
    dense: DenseIndex
    sparse: SparseRows | None  # latent terms per row: a forward index
    lexical: LexicalIndex
    sentences: SentenceIndex | None
    stamps: dict[int, DocStamp]  # documents this segment covers

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def all_public(self) -> bool:
        return bool(self.public.all())

    @cached_property
    def sentence_rows(self) -> np.ndarray:
        """Row of the chunk each sentence vector belongs to."""
        if self.sentences is None:
            return np.zeros(0, np.int64)
        return self.rows(self.sentences.chunk_of)

    def rows(self, chunk_ids: np.ndarray) -> np.ndarray:
        """Row of each chunk id, -1 where this segment does not hold it."""
        return positions(self.ids, chunk_ids)


def doc_stamps(store: Store, key: str) -> dict[int, Stamped]:
    """Every document's version stamp and audience, read in one cheap query.

    A document whose sentence vectors are still pending has another stamp than
    the same document once they exist, and one whose chunks have no vectors yet
    a third, so its segment is rebuilt at each step.
    """
    versions = document_versions(store, key)
    mark = {
        i: NO_CHUNK_VECTORS if i in versions.bare else NO_SENTENCE_VECTORS for i in versions.pending
    }
    out: dict[int, Stamped] = {}
    for d in versions.documents:
        when = d.ingested_at.isoformat() if d.ingested_at else ""
        out[d.id] = Stamped(f"{d.content_hash}@{when}{mark.get(d.id, '')}", d.public)
    return out


def build_segment(
    store: Store,
    embedder_key: str,
    dim: int,
    sparse_dim: int,
    doc_ids: Sequence[int] | None,
    *,
    max_sentences: int,
    dense_kind: str | None = None,
    vocabulary: frozenset[str] = frozenset(),
    stamps: dict[int, Stamped] | None = None,
) -> Segment:
    """Build a segment from the store's cached vectors for ``doc_ids`` (None: all).

    ``stamps``: ``doc_stamps`` if the caller has just read them (a refresh does).
    """
    stamps = stamps if stamps is not None else doc_stamps(store, embedder_key)
    wanted = sorted(stamps) if doc_ids is None else sorted(set(doc_ids) & set(stamps))
    rows = chunk_rows(store, wanted if doc_ids is not None else None)
    ids = np.array([r.id for r in rows], dtype=np.int64)
    # minutes committed before their chunks were embedded are found by BM25 meanwhile
    waiting = {d for d in wanted if stamps[d].stamp.endswith(NO_CHUNK_VECTORS)}
    dense_m, has_dense, sparse = _vectors(store, embedder_key, rows, waiting, dim, sparse_dim)
    texts = [r.embed_text for r in rows]
    return Segment(
        name=f"seg-{uuid.uuid4().hex[:12]}",
        ids=ids,
        doc_of=np.array([r.document_id for r in rows], dtype=np.int64),
        public=np.array([stamps[r.document_id].public for r in rows], dtype=bool),
        dense=_dense_index(ids, dense_m, has_dense, dim, dense_kind),
        sparse=sparse,
        lexical=LexicalIndex.build(ids.tolist(), texts, vocabulary),
        sentences=_sentence_index(
            store, embedder_key, rows, dense_m, has_dense, max_sentences, dense_kind
        ),
        stamps={d: stamps[d].stamp for d in wanted},
    )


def _vectors(
    store: Store, key: str, rows: list[ChunkRow], waiting: set[int], dim: int, sparse_dim: int
) -> tuple[np.ndarray, np.ndarray, SparseRows | None]:
    """The chunks' dense matrix, which rows have a vector, and their sparse rows.

    Only chunks of ``waiting`` documents may lack a vector; any other gap means
    the cache and the store disagree.
    """
    vecs = _load_vectors(store, key, [r.content_hash for r in rows])
    missing = [r.id for r in rows if r.content_hash not in vecs and r.document_id not in waiting]
    if missing:
        raise IndexOutOfSync(
            f"{len(missing)} chunks have no vectors for embedder {key}: run 'ratsbot reindex'"
        )
    dense_m = np.zeros((len(rows), dim), dtype=np.float32)
    has_dense = np.zeros(len(rows), dtype=bool)
    sp_idx, sp_val, sp_ptr = [], [], [0]
    for i, r in enumerate(rows):
        d, spv = vecs.get(r.content_hash, (None, None))
        if d is not None:
            dense_m[i] = d
            has_dense[i] = True
        if spv is not None:  # none yet for new minutes (index/ingest/deferred.py): empty row
            sp_idx.append(spv[0])
            sp_val.append(spv[1])
        sp_ptr.append(sp_ptr[-1] + (len(spv[0]) if spv is not None else 0))
    del vecs  # at a million chunks the per-text dict alone holds several GiB
    sparse = None
    if sparse_dim and sp_idx:
        sparse = SparseRows.of(
            np.concatenate(sp_val).astype(np.float32),
            np.concatenate(sp_idx).astype(np.int32),
            np.asarray(sp_ptr, dtype=np.int64),
            (len(rows), sparse_dim),
        )
    return dense_m, has_dense, sparse


def _dense_index(
    ids: np.ndarray, vectors: np.ndarray, has: np.ndarray, dim: int, kind: str | None
) -> DenseIndex:
    """The dense index of the rows that have a vector; no copy when all have one (1.5 GB at 1M)."""
    if has.all():
        return DenseIndex.build(ids, vectors, dim, kind)
    return DenseIndex.build(ids[has], vectors[has], dim, kind)


def _load_vectors(
    store: Store, key: str, hashes: list[str]
) -> dict[str, tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]]:
    """Cached vectors by hash; a full scan of the cache is faster than IN lists at scale."""
    if len(hashes) < 50_000:
        return store.load_embeddings(key, hashes)
    return scan_embeddings(store, key, hashes)


def _sentence_index(
    store: Store,
    key: str,
    rows: list[ChunkRow],
    chunk_vectors: np.ndarray,
    has_vector: np.ndarray,
    limit: int,
    kind: str | None,
) -> SentenceIndex | None:
    """Vectors of every sentence (cached at ingest) with the chunk each belongs to.

    A chunk whose sentences have no vectors yet (new minutes, index/ingest/deferred.py)
    stands in with its own vector, so max-sim stays on and ranks it fairly.
    """
    n = sum(len(r.sentences or []) for r in rows)
    if n == 0 or n > limit:
        return None
    hashes, chunk_of = [], []
    for r in rows:
        for a, b in r.sentences or []:
            hashes.append(text_hash(r.text[a:b]))
            chunk_of.append(r.id)
    vecs = _load_vectors(store, key, hashes)
    keep = [i for i, h in enumerate(hashes) if h in vecs]
    covered = {chunk_of[i] for i in keep}
    stand_in = [i for i, r in enumerate(rows) if r.id not in covered and has_vector[i]]
    if not keep and not stand_in:
        return None
    dim = chunk_vectors.shape[1]
    parts = [np.stack([vecs[hashes[i]][0] for i in keep]).astype(np.float32)] if keep else []
    if stand_in:
        parts.append(chunk_vectors[stand_in])
    m = np.concatenate(parts) if len(parts) > 1 else parts[0]
    positions = np.concatenate(
        [
            np.asarray(chunk_of, np.int64)[keep],
            np.asarray([rows[i].id for i in stand_in], np.int64),
        ]
    )
    index = DenseIndex.build(np.arange(len(m), dtype=np.int64), m, dim, kind)
    return SentenceIndex(index, positions)


def save_segment(seg: Segment, index_dir: Path) -> Path:
    """Write aside, then rename into place; an existing segment folder is never rewritten."""
    final = index_dir / seg.name
    if final.exists():
        return final
    tmp = index_dir / f".tmp-{seg.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    seg.dense.save(tmp / "dense.faiss")
    if seg.sparse is not None:
        for part in ("data", "indices", "indptr"):
            np.save(tmp / f"sparse_{part}.npy", getattr(seg.sparse, part))
        (tmp / "sparse_shape.json").write_text(json.dumps(list(seg.sparse.shape)))
    seg.lexical.save(tmp)
    if seg.sentences is not None:
        seg.sentences.save(tmp)
    np.savez(
        tmp / "rows.npz",
        ids=seg.ids,
        doc_of=seg.doc_of,
        public=seg.public,
        dense_rows=np.int64(seg.dense.size),
    )
    (tmp / "stamps.json").write_text(json.dumps({str(k): v for k, v in seg.stamps.items()}))
    os.replace(tmp, final)
    return final


def load_segment(index_dir: Path, name: str) -> Segment:
    """Open a saved segment; big arrays are memory-mapped, read on demand."""
    folder = index_dir / name
    rows = np.load(folder / "rows.npz")
    sparse = None
    if (folder / "sparse_shape.json").exists():
        shape = tuple(json.loads((folder / "sparse_shape.json").read_text()))
        parts = [RowFile(folder / f"sparse_{p}.npy") for p in ("data", "indices")]
        indptr = np.load(folder / "sparse_indptr.npy")
        # rows are read with pread: only the candidates' rows a question re-scores
        sparse = SparseRows(parts[0], parts[1], indptr, shape)
    seg = Segment(
        name=name,
        ids=rows["ids"],
        doc_of=rows["doc_of"],
        public=rows["public"],
        dense=DenseIndex.load(folder / "dense.faiss"),
        sparse=sparse,
        lexical=LexicalIndex.load(folder),
        sentences=SentenceIndex.load(folder),
        stamps={int(k): v for k, v in json.loads((folder / "stamps.json").read_text()).items()},
    )
    dense_rows = int(rows["dense_rows"]) if "dense_rows" in rows else seg.size
    if seg.dense.size != dense_rows or seg.lexical.size != seg.size:
        raise IndexOutOfSync(f"index segment {name} is inconsistent: run 'ratsbot reindex'")
    return seg
