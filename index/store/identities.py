"""Stable document ids and tombstones (``document_identities``, index/store/tables.py).

The ingest asks :func:`identity_for` for the id of every document it writes, so
a changed or rewritten document keeps its id and a new one never gets an id
that was used before. ``ratsbot remove`` leaves a tombstone (:func:`tombstone`);
the ingest plan skips tombstoned keys found by walking a folder
(:func:`tombstoned_keys`), and writing the key again (its file named
explicitly) lifts the tombstone. Stores made before the table get their rows
from migration ``0003_document_identities``.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from index.store.tables import Document, DocumentIdentity, utcnow


class _Sessions(Protocol):
    """The store (index/store/database.py imports this module, so not by name)."""

    def session(self) -> AbstractContextManager[Session]: ...


def identity_for(s: Session, key: str, *, from_corpus: bool) -> int:
    """The id of document ``key``: its old one, or one above every id ever handed out."""
    row = s.scalar(select(DocumentIdentity).where(DocumentIdentity.key == key))
    if row is None:
        top = max(
            s.scalar(select(func.max(DocumentIdentity.id))) or 0,
            s.scalar(select(func.max(Document.id))) or 0,
        )
        row = DocumentIdentity(id=top + 1, key=key)
        s.add(row)
    row.from_corpus = from_corpus
    row.removed_at = None
    s.flush()
    return row.id


def tombstone(s: Session, doc_id: int) -> None:
    """Mark a removed document's key: folder ingests leave it out from now on."""
    row = s.get(DocumentIdentity, doc_id)
    if row is not None:
        row.removed_at = utcnow()


def tombstoned_keys(s: Session) -> set[str]:
    """Keys of documents removed by an admin (not brought back since)."""
    q = select(DocumentIdentity.key).where(DocumentIdentity.removed_at.is_not(None))
    return set(s.scalars(q))


def tombstones(store: _Sessions) -> set[str]:
    """:func:`tombstoned_keys` in a session of its own (the ingest plan reads it)."""
    with store.session() as s:
        return tombstoned_keys(s)


def corpus_sources(store: _Sessions) -> list[str]:
    """Source paths of stored documents that were ingested from a corpus folder."""
    with store.session() as s:
        return corpus_source_paths(s)


def corpus_source_paths(s: Session) -> list[str]:
    """Source paths of stored documents that were ingested from a corpus folder."""
    q = (
        select(Document.source_path)
        .join(DocumentIdentity, DocumentIdentity.id == Document.id)
        .where(DocumentIdentity.from_corpus.is_(True))
        .distinct()
    )
    return list(s.scalars(q))
