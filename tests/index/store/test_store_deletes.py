"""Deleting a document relies on the foreign keys: nothing derived from it stays behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

import index.store.knowledge_tables as knowledge_tables
import index.store.tables as tables
from index.embed import FakeEmbedder
from index.errors import IndexStoreError
from index.ingest import ingest_paths
from index.store import Store
from tests.support.paths import SEED

DERIVED = [
    (tables.Chunk, tables.Chunk.document_id),
    (tables.Reference, tables.Reference.document_id),
    (tables.PendingVectors, tables.PendingVectors.document_id),
    (knowledge_tables.PaperStep, knowledge_tables.PaperStep.document_id),
    (knowledge_tables.Figure, knowledge_tables.Figure.document_id),
]


def _count(store: Store, column: object, doc_id: int) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).where(column == doc_id)) or 0  # type: ignore[operator]


def _fingerprints(store: Store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(tables.Fingerprint)) or 0


def test_every_table_derived_from_a_document_cascades() -> None:
    for table in tables.Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name in ("documents", "chunks"):
                assert fk.ondelete in ("CASCADE", "SET NULL"), f"{table.name}.{fk.parent.name}"


def test_remove_takes_everything_derived_along(store: Store, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    ingest_paths(store, FakeEmbedder(), [corpus])
    docs = store.documents()
    doc = max(docs, key=lambda d: d.chunk_count)
    with store.session() as s:
        s.add(tables.PendingVectors(document_id=doc.id))
    assert all(_count(store, col, doc.id) for _t, col in DERIVED if _t is not tables.Reference)
    fingerprints = _fingerprints(store)
    assert store.remove(doc.id)
    assert [_count(store, col, doc.id) for _t, col in DERIVED] == [0] * len(DERIVED)
    with store.session() as s:
        left = s.scalars(select(tables.Chunk.id)).all()
        assert s.scalar(select(func.count()).where(tables.Fingerprint.chunk_id.not_in(left))) == 0
        dangling = select(func.count()).where(
            tables.Chunk.duplicate_of_id.is_not(None), tables.Chunk.duplicate_of_id.not_in(left)
        )
        assert s.scalar(dangling) == 0
    assert _fingerprints(store) < fingerprints


def test_a_sqlite_engine_without_foreign_keys_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nofk.sqlite3'}"
    with pytest.raises(IndexStoreError, match="foreign keys"):
        Store(url, engine=create_engine(url))
