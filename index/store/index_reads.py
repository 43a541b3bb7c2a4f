"""What retrieval reads from the store: the rows its index is built from, and its votes' facts.

The index files (index/retrieval) are derived from the store and can always be
rebuilt from it. Building them, and voting for candidates by speaker or
figure, needs a handful of reads; they live here so that the store stays the
one place that knows the tables and speaks SQL. Every read returns plain named
rows, never ORM objects, so nothing outside holds a session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from sqlalchemy import func, select

from index.store.database import Store, in_batches
from index.store.knowledge_tables import Figure
from index.store.pending import pending_documents, without_chunk_vectors
from index.store.tables import Chunk, Document, Embedding, Reference, Speaker

Vectors = dict[str, tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]]


class ChunkRow(NamedTuple):
    """A chunk as an index segment needs it."""

    id: int
    document_id: int
    sentences: list[list[int]]  # [start, end] of each sentence in ``text``
    content_hash: str  # of ``embed_text``: the key of its vector in the cache
    embed_text: str
    text: str


class DocumentRow(NamedTuple):
    """What retrieval's filters look at: the body, the meeting day, the audience."""

    id: int
    gremium: str | None
    meeting_date: dt.date | None
    public: bool


class ReferenceRow(NamedTuple):
    """A paper number a document owns (``chunk_id`` None) or a chunk mentions."""

    document_id: int
    chunk_id: int | None
    number: str
    role: str


@dataclass(frozen=True)
class RetrievalFacts:
    """The small tables a snapshot filters on, read whole in one transaction."""

    documents: list[DocumentRow]
    duplicates: dict[int, int]  # quoted copy -> original chunk id
    references: list[ReferenceRow]


class DocumentVersion(NamedTuple):
    id: int
    content_hash: str
    ingested_at: dt.datetime | None
    public: bool


@dataclass(frozen=True)
class DocumentVersions:
    """Every document's version, and which ones still wait for their vectors."""

    documents: list[DocumentVersion]
    pending: set[int]  # sentence vectors (perhaps chunk vectors too) not embedded yet
    bare: set[int]  # of ``pending``: chunks without a dense vector (found by BM25 alone)


class FigureRow(NamedTuple):
    chunk_id: int
    kind: str
    unit: str
    about: str


class SpeakerRow(NamedTuple):
    id: int
    name: str
    faction: str


@dataclass(frozen=True)
class StoreCounts:
    """What ``ratsbot check`` compares with the index files."""

    documents: int
    non_public_documents: int
    chunks: int
    waiting: int  # chunks of pending documents without a vector (embedded soon)
    missing: int  # other chunks without a vector for the embedder: an error
    sources: list[str]  # distinct source paths of the documents


def chunk_rows(store: Store, doc_ids: Sequence[int] | None) -> list[ChunkRow]:
    """The chunks of ``doc_ids`` (None: every chunk), ordered by id."""
    cols = (
        Chunk.id,
        Chunk.document_id,
        Chunk.sentences,
        Chunk.content_hash,
        Chunk.embed_text,
        Chunk.text,
    )
    out: list[ChunkRow] = []
    with store.session() as s:
        if doc_ids is None:
            out = [ChunkRow(*r) for r in s.execute(select(*cols).order_by(Chunk.id))]
        else:
            for part in in_batches(doc_ids):
                q = select(*cols).where(Chunk.document_id.in_(part))
                out.extend(ChunkRow(*r) for r in s.execute(q))
            out.sort(key=lambda r: r.id)
    return out


def scan_embeddings(store: Store, key: str, hashes: Sequence[str]) -> Vectors:
    """Cached vectors of ``hashes`` read by scanning the embedder's whole cache.

    At scale (an index build over tens of thousands of texts) one scan is
    faster than IN lists; ``Store.load_embeddings`` is the way for a few.
    """
    wanted = set(hashes)
    out: Vectors = {}
    cols = (Embedding.content_hash, Embedding.dense, Embedding.sparse_idx, Embedding.sparse_val)
    with store.session() as s:
        for h, d, si, sv in s.execute(select(*cols).where(Embedding.embedder == key)):
            if h in wanted:
                spv = None
                if si is not None and sv is not None:
                    spv = (np.frombuffer(si, np.int32), np.frombuffer(sv, np.float32))
                out[h] = (np.frombuffer(d, np.float32), spv)
    return out


def retrieval_facts(store: Store) -> RetrievalFacts:
    """Documents, quoted-copy links and paper numbers: small tables, read whole."""
    with store.session() as s:
        docs = [
            DocumentRow(int(i), g, d, bool(p))
            for i, g, d, p in s.execute(
                select(Document.id, Document.gremium, Document.meeting_date, Document.public)
            )
        ]
        copies = select(Chunk.id, Chunk.duplicate_of_id).where(Chunk.duplicate_of_id.is_not(None))
        dup = {int(c): int(o) for c, o in s.execute(copies) if o is not None}
        refs = select(Reference.document_id, Reference.chunk_id, Reference.number, Reference.role)
        references = [ReferenceRow(*r) for r in s.execute(refs)]
    return RetrievalFacts(docs, dup, references)


def document_versions(store: Store, key: str) -> DocumentVersions:
    """Every document's content hash, ingest time and audience, in one cheap read."""
    with store.session() as s:
        rows = s.execute(
            select(Document.id, Document.content_hash, Document.ingested_at, Document.public)
        ).all()
        pending = pending_documents(store, s)
        bare = without_chunk_vectors(store, key, pending, s)
    docs = [DocumentVersion(int(i), h, t, bool(p)) for i, h, t, p in rows]
    return DocumentVersions(docs, pending, bare)


def figure_rows(store: Store, chunk_ids: Sequence[int]) -> list[FigureRow]:
    """The figures the passages ``chunk_ids`` state (kind, unit, what they count)."""
    out: list[FigureRow] = []
    with store.session() as s:
        for part in in_batches(list(chunk_ids)):
            q = select(Figure.chunk_id, Figure.kind, Figure.unit, Figure.about).where(
                Figure.chunk_id.in_(part)
            )
            out.extend(FigureRow(int(c), k, u, a) for c, k, u, a in s.execute(q) if c is not None)
    return out


def speakers(store: Store) -> list[SpeakerRow]:
    """Every speaker with the faction the minutes give."""
    with store.session() as s:
        return [SpeakerRow(sp.id, sp.name, sp.faction or "") for sp in s.scalars(select(Speaker))]


def spoken_by(store: Store, chunk_ids: Sequence[int], speaker_ids: set[int]) -> set[int]:
    """Which of ``chunk_ids`` one of ``speaker_ids`` speaks."""
    with store.session() as s:
        rows = s.scalars(
            select(Chunk.id).where(Chunk.id.in_(chunk_ids), Chunk.speaker_id.in_(speaker_ids))
        )
        return set(rows)


def document_cities(store: Store) -> dict[str, set[int]]:
    """Each city the documents name as their council's (lower case), with its documents."""
    by_city: dict[str, set[int]] = {}
    with store.session() as s:
        rows = s.execute(select(Document.id, Document.city).where(Document.city.is_not(None)))
        for doc_id, city in rows:
            if city:
                by_city.setdefault(city.lower(), set()).add(doc_id)
    return by_city


def in_documents(store: Store, chunk_ids: Sequence[int], document_ids: set[int]) -> set[int]:
    """Which of ``chunk_ids`` belong to one of ``document_ids``."""
    with store.session() as s:
        rows = s.scalars(
            select(Chunk.id).where(Chunk.id.in_(chunk_ids), Chunk.document_id.in_(document_ids))
        )
        return set(rows)


def chunk_count(store: Store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Chunk)) or 0


def store_counts(store: Store, embedder_key: str) -> StoreCounts:
    """Documents, chunks, and chunks lacking a vector for ``embedder_key``, in one read."""
    with store.session() as s:
        documents = s.scalar(select(func.count()).select_from(Document)) or 0
        non_public = s.scalar(select(func.count()).where(Document.public.is_(False))) or 0
        chunks = s.scalar(select(func.count()).select_from(Chunk)) or 0
        lacking = Chunk.content_hash.not_in(
            select(Embedding.content_hash).where(Embedding.embedder == embedder_key)
        )
        pending = sorted(pending_documents(store, s))
        waiting = (
            s.scalar(select(func.count()).where(lacking, Chunk.document_id.in_(pending))) or 0
            if pending
            else 0
        )
        missing = (s.scalar(select(func.count()).where(lacking)) or 0) - waiting
        sources = list(s.scalars(select(Document.source_path).distinct()))
    return StoreCounts(documents, non_public, chunks, waiting, missing, sources)
