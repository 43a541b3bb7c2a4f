"""Publicity of documents: which are non-public, and counts an audience may see.

A document is non-public when its header says ``Sitzungsart: nicht
öffentlich`` (parsed into ``DocumentMeta.session_kind``) or when its file lies
in a folder named ``nichtoeffentlich`` inside a corpus folder. The folder rule
is how an admin's flag at upload is kept: the corpus itself carries it, so a
re-index or a full rebuild can never turn a non-public document public.

Counts (``/start``, ``ratsbot stats``) must not reveal that non-public
documents exist, so the public view counts public documents only.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from sqlalchemy import func, select

from index.parse import ParsedDocument
from index.store.database import Store
from index.store.reports import Stats
from index.store.tables import Chunk, Document, Embedding, Reference, State

NON_PUBLIC_FOLDERS = frozenset({"nichtoeffentlich", "nichtöffentlich", "nicht-oeffentlich"})
NON_PUBLIC = "nicht öffentlich"


def non_public_path(source_path: str) -> bool:
    """True if ``source_path`` (relative to its corpus folder) lies in a non-public folder."""
    parts = PurePosixPath(source_path.replace("\\", "/")).parts[:-1]
    return any(p.lower() in NON_PUBLIC_FOLDERS for p in parts)


def apply_folder_publicity(docs: list[ParsedDocument]) -> None:
    """Mark documents of files in a non-public folder as non-public (never the reverse)."""
    for d in docs:
        if non_public_path(d.source_path):
            d.meta.session_kind = NON_PUBLIC


def visible_stats(store: Store, *, public_only: bool) -> Stats:
    """``Store.stats`` as an audience may see it: public documents only if ``public_only``."""
    if not public_only:
        return store.stats()
    with store.session() as s:
        docs = select(Document.id).where(Document.public.is_(True))
        chunks = select(Chunk.id).where(Chunk.document_id.in_(docs))
        embedder = s.get(State, "embedder")
        key = embedder.value if embedder else ""
        return Stats(
            documents=s.scalar(select(func.count()).where(Document.public.is_(True))) or 0,
            chunks=s.scalar(select(func.count()).where(Chunk.document_id.in_(docs))) or 0,
            duplicate_chunks=s.scalar(
                select(func.count()).where(
                    Chunk.document_id.in_(docs), Chunk.duplicate_of_id.is_not(None)
                )
            )
            or 0,
            references=s.scalar(
                select(func.count(func.distinct(Reference.number))).where(
                    Reference.document_id.in_(docs)
                )
            )
            or 0,
            speakers=s.scalar(
                select(func.count(func.distinct(Chunk.speaker_id))).where(
                    Chunk.id.in_(chunks), Chunk.speaker_id.is_not(None)
                )
            )
            or 0,
            embedded_chunks=s.scalar(
                select(func.count()).where(
                    Chunk.document_id.in_(docs),
                    Chunk.content_hash.in_(
                        select(Embedding.content_hash).where(Embedding.embedder == key)
                    ),
                )
            )
            or 0,
            newest_meeting_date=s.scalar(
                select(func.max(Document.meeting_date)).where(Document.public.is_(True))
            ),
            embedder=embedder.value if embedder else None,
        )


def public_document_ids(store: Store, doc_ids: list[int]) -> set[int]:
    """Those of ``doc_ids`` that are public (a last check before anything is shown)."""
    if not doc_ids:
        return set()
    with store.session() as s:
        return set(
            s.scalars(
                select(Document.id).where(Document.id.in_(doc_ids), Document.public.is_(True))
            )
        )


def publicly_known_numbers(store: Store) -> set[str]:
    """Paper numbers that appear in some public document (own or mentioned).

    A number known only from non-public documents must not even be confirmed
    to exist for a public user (``/status``, "did you mean").
    """
    with store.session() as s:
        return set(
            s.scalars(
                select(Reference.number)
                .join(Document, Document.id == Reference.document_id)
                .where(Document.public.is_(True))
                .distinct()
            )
        )
