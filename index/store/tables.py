"""SQLAlchemy tables: documents, chunks, references, speakers, embeddings, runs.

The SQL primary key of a chunk is also its FAISS id, so no id map has to live
beside the index files. Deleting a document cascades to everything derived
from it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(1024), unique=True)
    source_path: Mapped[str] = mapped_column(String(1024), index=True)
    part: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    file_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    gremium: Mapped[str | None] = mapped_column(String(512), index=True)
    meeting_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    session_kind: Mapped[str | None] = mapped_column(String(64))
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    top: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(128))
    created: Mapped[dt.date | None] = mapped_column(Date)
    city: Mapped[str | None] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    chunks: Mapped[list[Chunk]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    references: Mapped[list[Reference]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )


class Speaker(Base):
    __tablename__ = "speakers"
    __table_args__ = (UniqueConstraint("name", "faction", name="uq_speaker"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    faction: Mapped[str] = mapped_column(String(256), default="")


class Chunk(Base):
    __tablename__ = "chunks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    page: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speakers.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # What was embedded and BM25-indexed: the chunk plus the end of the one before
    embed_text: Mapped[str] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("chunks.id", ondelete="SET NULL"), index=True
    )
    # Per block inside the chunk: [rel_start, rel_end, page, speaker, faction]
    spans: Mapped[list] = mapped_column(JSON, default=list)
    # Sentences inside the chunk: [rel_start, rel_end]
    sentences: Mapped[list] = mapped_column(JSON, default=list)

    document: Mapped[Document] = relationship(back_populates="chunks")
    speaker: Mapped[Speaker | None] = relationship()


class Fingerprint(Base):
    """Hashes of a chunk's normalised sentences: how quoted passages are found again."""

    __tablename__ = "fingerprints"
    __table_args__ = (Index("ix_fingerprint_hash", "hash"),)

    chunk_id: Mapped[int] = mapped_column(
        ForeignKey("chunks.id", ondelete="CASCADE"), primary_key=True
    )
    hash: Mapped[str] = mapped_column(String(32), primary_key=True)


class Reference(Base):
    __tablename__ = "references"
    __table_args__ = (Index("ix_reference_number", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    chunk_id: Mapped[int | None] = mapped_column(ForeignKey("chunks.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))

    document: Mapped[Document] = relationship(back_populates="references")


class Embedding(Base):
    """Vectors by (embedder, text hash): unchanged text is never embedded twice."""

    __tablename__ = "embeddings"

    embedder: Mapped[str] = mapped_column(String(256), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    dense: Mapped[bytes] = mapped_column(LargeBinary)
    sparse_idx: Mapped[bytes | None] = mapped_column(LargeBinary)
    sparse_val: Mapped[bytes | None] = mapped_column(LargeBinary)


class IngestRun(Base):
    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class State(Base):
    """Small key/value facts: index generation, embedder identity."""

    __tablename__ = "state"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PendingVectors(Base):
    """Documents committed before all their vectors exist (index/ingest/deferred.py).

    One row per document, so two writers adding or finishing documents at once
    never lose each other's entries; a deleted document takes its row with it.
    """

    __tablename__ = "pending_vectors"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )


class DocumentIdentity(Base):
    """Every document key ever stored, with its id: ids are stable and never reused.

    A document keeps its id through every change and ``reindex --full`` (the
    key is its source path relative to its folder plus the part); a new key gets
    an id above every id handed out before. Rows are never deleted: a removed
    document's row is its tombstone (``removed_at``), so an ingest of its folder
    leaves it out until its file is ingested by name. ``from_corpus``: the last
    ingest took it from a corpus folder (``ratsbot check`` looks for its file).
    """

    __tablename__ = "document_identities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(1024), unique=True)
    from_corpus: Mapped[bool] = mapped_column(Boolean, default=False)
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class ExpiringValue(Base):
    """One value of the chat's shared memory (index/store/expiring.py), gone after ``expires``."""

    __tablename__ = "expiring_values"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
