"""Pending work: documents whose sentence (or chunk) vectors are not embedded yet.

An ingest commits new minutes as soon as retrieval can find them and records
them here in the same transaction; index/ingest/deferred.py embeds what they
lack and clears them. The index stamps a pending document differently
(index/retrieval/segments.py), so its segment is rebuilt once its vectors exist.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from index.store.database import Store, in_batches, text_hash
from index.store.tables import Chunk, PendingVectors


def pending_documents(store: Store, s: Session | None = None) -> set[int]:
    """Documents whose sentence vectors (perhaps their chunks' too) are not embedded yet."""
    if s is not None:
        return set(s.scalars(select(PendingVectors.document_id)))
    with store.session() as s2:
        return set(s2.scalars(select(PendingVectors.document_id)))


def mark_pending(s: Session, doc_ids: Collection[int]) -> None:
    """Record ``doc_ids`` as pending (inside the ingest's transaction)."""
    have = set(s.scalars(select(PendingVectors.document_id)))
    s.add_all(PendingVectors(document_id=d) for d in sorted(set(doc_ids) - have))


def clear_pending(s: Session, doc_ids: Collection[int]) -> None:
    """Their vectors are in: ``doc_ids`` are no longer pending."""
    for part in in_batches(sorted(doc_ids)):
        s.execute(delete(PendingVectors).where(PendingVectors.document_id.in_(part)))


def without_chunk_vectors(store: Store, key: str, doc_ids: set[int], s: Session) -> set[int]:
    """Which of ``doc_ids`` have chunks with no dense vector yet (found by BM25 alone).

    Reads only those documents' chunk hashes and looks them up in the cache: a
    NOT IN over the whole cache cost about a second per call at a million chunks.
    """
    ids = sorted(doc_ids)
    rows: list[tuple[int, str]] = []
    for part in in_batches(ids):
        q = select(Chunk.document_id, Chunk.content_hash).where(Chunk.document_id.in_(part))
        rows.extend((int(d), h) for d, h in s.execute(q))
    have = store.cached_hashes(key, sorted({h for _d, h in rows}))
    return {d for d, h in rows if h not in have}


class PendingTexts(NamedTuple):
    """What the pending documents' vectors are made of, by text hash."""

    texts: dict[str, str]  # chunk texts (as embedded) and sentence texts
    chunks: set[str]  # which of them are chunks
    passages: list[tuple[str, str, list[list[int]]]]  # (embed_text, text, sentence ranges)


def pending_texts(store: Store, doc_ids: Collection[int]) -> PendingTexts:
    """The chunk texts (as embedded) and sentence texts of ``doc_ids``."""
    texts: dict[str, str] = {}
    chunks: set[str] = set()
    passages: list[tuple[str, str, list[list[int]]]] = []
    with store.session() as s:
        for part in in_batches(sorted(doc_ids)):
            q = select(Chunk.text, Chunk.sentences, Chunk.embed_text).where(
                Chunk.document_id.in_(part)
            )
            for text, sentences, embed_text in s.execute(q):
                h = text_hash(embed_text)
                texts[h] = embed_text
                chunks.add(h)
                passages.append((embed_text, text, sentences or []))
                for a, b in sentences or []:
                    texts.setdefault(text_hash(text[a:b]), text[a:b])
    return PendingTexts(texts, chunks, passages)
