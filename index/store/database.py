"""The store's small API over SQLAlchemy: one place that knows the tables.

SQLite (WAL, so questions read while an ingest writes) by default, any
SQLAlchemy URL otherwise; the tests run the same contract on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TypeVar

import numpy as np
from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    String,
    cast,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from index.errors import IndexStoreError
from index.store.hashing import text_hash as text_hash  # re-exported: one hash for all
from index.store.identities import tombstone
from index.store.locks import HeldLock, LockKey, advisory_lock
from index.store.pgsearch_write import sync_search
from index.store.reports import DocumentInfo, Stats
from index.store.schema import prepare_schema
from index.store.tables import Chunk, Document, Embedding, Reference, Speaker, State


def _embedding_rows(s: Session, embedder: str, hashes: list[str]) -> dict[str, Embedding]:
    """The cached vector rows of ``hashes``, for updating in place."""
    q = select(Embedding).where(Embedding.embedder == embedder, Embedding.content_hash.in_(hashes))
    return {e.content_hash: e for e in s.scalars(q)}


IN_BATCH = 500
T = TypeVar("T")


def in_batches(values: Sequence[T]) -> Iterator[Sequence[T]]:
    """Slices of ``values`` for ``IN (...)`` lists.

    SQLite caps the bound parameters of one statement; PostgreSQL plans long IN
    lists badly. 500 is well inside both.
    """
    for i in range(0, len(values), IN_BATCH):
        yield values[i : i + IN_BATCH]


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def fingerprint(sentence: str) -> str | None:
    """Hash of a sentence with case, spacing and punctuation removed; None if too short."""
    norm = _NON_WORD.sub("", sentence.lower())
    if len(norm) < 30:
        return None
    return hashlib.blake2b(norm.encode(), digest_size=12).hexdigest()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL and foreign keys (deletes rely on their cascade)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite:"):
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _require_foreign_keys(conn: Connection) -> None:
    """Deleting a document relies on ``ON DELETE CASCADE``: SQLite must enforce it."""
    if conn.dialect.name == "sqlite" and not conn.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise IndexStoreError(
            "SQLite foreign keys are off on this connection (PRAGMA foreign_keys=ON is needed)"
        )


class Store:
    """Documents, chunks and their vectors; every write runs in one transaction."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        try:
            self.engine = engine or make_engine(url)
            with self.engine.begin() as conn:
                _require_foreign_keys(conn)
                prepare_schema(conn)  # a new store at the newest revision; refuses an old one
        except IndexStoreError:
            if engine is None:
                self.engine.dispose()
            raise
        except SQLAlchemyError as e:
            raise IndexStoreError(
                f"cannot open the database ({_safe(url)}): {e.__class__.__name__}"
            ) from e
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def exclusive(
        self, *, wait: bool = True, on_wait: Callable[[], None] | None = None
    ) -> AbstractContextManager[HeldLock]:
        """The ingest lock of the database: one writer of documents across all processes
        and hosts (PostgreSQL advisory lock); on SQLite granted at once, the data-dir lock
        file serialises its one host. ``wait=False`` raises ``IngestRunning`` if taken."""
        return advisory_lock(self.engine, LockKey.INGEST, wait=wait, on_wait=on_wait)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work commits at the end or rolls back entirely."""
        with self._sessions() as s, s.begin():
            yield s

    # -- state -----------------------------------------------------------------
    def get_state(self, key: str, s: Session | None = None) -> str | None:
        if s is not None:
            row = s.get(State, key)
            return row.value if row else None
        with self.session() as s2:
            row = s2.get(State, key)
            return row.value if row else None

    @staticmethod
    def set_state(s: Session, key: str, value: str) -> None:
        row = s.get(State, key)
        if row is None:
            s.add(State(key=key, value=value))
        else:
            row.value = value

    def generation(self) -> int:
        return int(self.get_state("generation") or 0)

    # -- documents ---------------------------------------------------------------
    def documents(
        self, limit: int | None = None, *, public_only: bool = False
    ) -> list[DocumentInfo]:
        with self.session() as s:
            q = (
                select(Document)
                .options(selectinload(Document.references))
                .order_by(Document.meeting_date.desc().nulls_last(), Document.id.desc())
            )
            if public_only:
                q = q.where(Document.public.is_(True))
            if limit:
                q = q.limit(limit)
            docs = s.scalars(q).all()
            counts = dict(
                s.execute(select(Chunk.document_id, func.count()).group_by(Chunk.document_id)).all()
            )
            return [_info(d, counts.get(d.id, 0)) for d in docs]

    def document(self, doc_id: int) -> DocumentInfo | None:
        with self.session() as s:
            d = s.get(Document, doc_id, options=[selectinload(Document.references)])
            if d is None:
                return None
            n = s.scalar(select(func.count()).where(Chunk.document_id == doc_id)) or 0
            return _info(d, n)

    def remove(self, doc_id: int) -> bool:
        """Delete a document with all derived from it; its tombstone keeps it out of re-indexes."""
        with self.session() as s:
            d = s.get(Document, doc_id)
            if d is None:
                return False
            delete_documents(s, [doc_id])
            tombstone(s, doc_id)
            bump_generation(s)
            return True

    def stats(self) -> Stats:
        with self.session() as s:
            newest = s.scalar(select(func.max(Document.meeting_date)))
            embedder = s.get(State, "embedder")
            return Stats(
                documents=s.scalar(select(func.count()).select_from(Document)) or 0,
                chunks=s.scalar(select(func.count()).select_from(Chunk)) or 0,
                duplicate_chunks=s.scalar(
                    select(func.count()).where(Chunk.duplicate_of_id.is_not(None))
                )
                or 0,
                references=s.scalar(select(func.count(func.distinct(Reference.number)))) or 0,
                speakers=s.scalar(select(func.count()).select_from(Speaker)) or 0,
                embedded_chunks=s.scalar(
                    select(func.count())
                    .select_from(Chunk)
                    .where(
                        Chunk.content_hash.in_(
                            select(Embedding.content_hash).where(
                                Embedding.embedder == (embedder.value if embedder else "")
                            )
                        )
                    )
                )
                or 0,
                newest_meeting_date=newest,
                embedder=embedder.value if embedder else None,
            )

    # -- embeddings --------------------------------------------------------------
    def cached_hashes(self, embedder: str, hashes: list[str], *, sparse: bool = False) -> set[str]:
        """Hashes that have vectors already (with a sparse one, if ``sparse``)."""
        found: set[str] = set()
        with self.session() as s:
            for part in in_batches(hashes):
                q = select(Embedding.content_hash).where(
                    Embedding.embedder == embedder, Embedding.content_hash.in_(part)
                )
                if sparse:
                    q = q.where(Embedding.sparse_idx.is_not(None))
                found.update(s.scalars(q))
        return found

    def put_embeddings(
        self,
        embedder: str,
        hashes: list[str],
        dense: np.ndarray,
        sparse: Sequence[tuple[np.ndarray, np.ndarray] | None] | None,
    ) -> None:
        """Cache vectors by text hash; safe to repeat, harmless if a run dies later.

        Two ingest workers may embed the same text at once: the one that inserts
        second meets the first's row and writes again over it (same vectors).
        """
        try:
            self._put_embeddings(embedder, hashes, dense, sparse)
        except IntegrityError:
            self._put_embeddings(embedder, hashes, dense, sparse)

    def _put_embeddings(
        self,
        embedder: str,
        hashes: list[str],
        dense: np.ndarray,
        sparse: Sequence[tuple[np.ndarray, np.ndarray] | None] | None,
    ) -> None:
        with self.session() as s:
            known = _embedding_rows(s, embedder, hashes)
            for i, h in enumerate(hashes):
                pair = sparse[i] if sparse else None
                si, sv = pair if pair is not None else (None, None)
                row = known.get(h)
                if row is None:
                    row = Embedding(embedder=embedder, content_hash=h)
                    known[h] = row
                    s.add(row)
                row.dense = np.asarray(dense[i], dtype=np.float32).tobytes()
                if si is not None and sv is not None:
                    row.sparse_idx = si.astype(np.int32).tobytes()
                    row.sparse_val = sv.astype(np.float32).tobytes()

    def put_sparse(
        self, embedder: str, hashes: list[str], sparse: list[tuple[np.ndarray, np.ndarray]]
    ) -> None:
        """Add sparse vectors to texts whose dense vectors are cached already."""
        with self.session() as s:
            rows = _embedding_rows(s, embedder, hashes)
            for h, (si, sv) in zip(hashes, sparse, strict=True):
                row = rows.get(h)
                if row is not None:
                    row.sparse_idx = si.astype(np.int32).tobytes()
                    row.sparse_val = sv.astype(np.float32).tobytes()

    def chunk_vectors(self, embedder: str, chunk_ids: list[int]) -> dict[int, np.ndarray]:
        """Dense vectors of chunks by chunk id."""
        with self.session() as s:
            rows = s.execute(
                select(Chunk.id, Chunk.content_hash).where(Chunk.id.in_(chunk_ids))
            ).all()
        vecs = self.load_embeddings(embedder, [h for _i, h in rows])
        return {i: vecs[h][0] for i, h in rows if h in vecs}

    def load_embeddings(
        self, embedder: str, hashes: list[str]
    ) -> dict[str, tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]]:
        out: dict[str, tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]] = {}
        uniq = list(dict.fromkeys(hashes))
        with self.session() as s:
            for i in range(0, len(uniq), 900):
                rows = s.execute(
                    select(Embedding).where(
                        Embedding.embedder == embedder,
                        Embedding.content_hash.in_(uniq[i : i + 900]),
                    )
                ).scalars()
                for r in rows:
                    sp = None
                    if r.sparse_idx is not None and r.sparse_val is not None:
                        sp = (
                            np.frombuffer(r.sparse_idx, dtype=np.int32),
                            np.frombuffer(r.sparse_val, dtype=np.float32),
                        )
                    out[r.content_hash] = (np.frombuffer(r.dense, dtype=np.float32), sp)
        return out


def bump_generation(s: Session) -> int:
    """Advance the store's generation by one in a single statement; returns the new one.

    The PostgreSQL search tables, where they exist, follow the transaction's changes
    of documents and vectors first, in that same transaction.

    The UPDATE locks the row until the transaction ends, so concurrent bumps on
    PostgreSQL queue up and each gets its own number (a read, add and write in
    Python lost one of two). The row exists from the store's creation on.
    """
    sync_search(s)
    q = (
        update(State)
        .where(State.key == "generation")
        .values(value=cast(cast(State.value, Integer) + 1, String))
        .returning(State.value)
    )
    new = s.execute(q).scalar()
    if new is None:  # a store whose row was removed by hand
        Store.set_state(s, "generation", "1")
        return 1
    return int(new)


def delete_documents(s: Session, doc_ids: list[int]) -> None:
    """Remove documents; their foreign keys take everything derived from them along.

    Chunks, references, fingerprints, paper steps, figures and pending rows
    cascade (``ON DELETE CASCADE`` in every store ever made; SQLite enforces it
    with ``PRAGMA foreign_keys=ON``, see :func:`make_engine`), and chunks of
    other documents that quoted a deleted chunk lose that link (``SET NULL``).
    """
    for part in in_batches(doc_ids):
        s.execute(delete(Document).where(Document.id.in_(part)))


def _info(d: Document, n_chunks: int) -> DocumentInfo:
    own = tuple(dict.fromkeys(r.number for r in d.references if r.role == "own"))
    mentioned = tuple(
        dict.fromkeys(
            r.number for r in d.references if r.role == "mentioned" and r.number not in own
        )
    )
    return DocumentInfo(
        id=d.id,
        key=d.key,
        source_path=d.source_path,
        title=d.title,
        gremium=d.gremium,
        meeting_date=d.meeting_date,
        session_kind=d.session_kind,
        top=d.top,
        kind=d.kind,
        created=d.created,
        city=d.city,
        own_numbers=own,
        mentioned_numbers=mentioned,
        chunk_count=n_chunks,
        public=d.public,
    )


def _safe(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//***@", url)
