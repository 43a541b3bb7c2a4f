"""The BM25 postings of the PostgreSQL backend (index/store/pgsearch_postings.py): written
and removed with their passages, and ranking as the BM25 sparse rows they are taken from.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.settings import Settings
from index.retrieval.lexical import lucene_idf
from index.store import PassageFilter, Store, bump_generation, delete_documents, pg_reads
from index.store.pgsearch_indexes import raise_build_memory
from index.store.pgsearch_write import BM25_DIMS, create_search_tables, sparse_literal
from tests.support.bots import MakeBot

pytestmark = pytest.mark.postgres

# postings that are not exactly the passages' sparsevec pairs (with their filter columns)
_MISMATCH = """SELECT count(*) FROM (
    (SELECT term_id, chunk_id, weight, document_id, public, gremium, meeting_date
     FROM pg_postings
     EXCEPT ALL
     SELECT CAST(split_part(kv, ':', 1) AS integer), chunk_id, CAST(split_part(kv, ':', 2)
        AS real), document_id, public, gremium, meeting_date
     FROM pg_passages, unnest(string_to_array(btrim(split_part(CAST(bm25 AS text), '/', 1),
        '{}'), ',')) AS kv)
    UNION ALL
    (SELECT CAST(split_part(kv, ':', 1) AS integer), chunk_id, CAST(split_part(kv, ':', 2)
        AS real), document_id, public, gremium, meeting_date
     FROM pg_passages, unnest(string_to_array(btrim(split_part(CAST(bm25 AS text), '/', 1),
        '{}'), ',')) AS kv
     EXCEPT ALL
     SELECT term_id, chunk_id, weight, document_id, public, gremium, meeting_date
     FROM pg_postings)) d"""
_POSTINGS = "SELECT count(*) FROM pg_postings"
_TERMS = "SELECT coalesce(sum(cardinality(term_ids)), 0) FROM pg_passages"


def _count(s: sa.orm.Session, sql: str) -> int:
    return int(s.execute(sa.text(sql)).scalar() or 0)


@pytest.fixture
def pg_settings(settings: Settings, vector_db: str, tmp_path: Path) -> Settings:
    return settings.with_overrides(
        database_url=vector_db, search="postgres", data_dir=tmp_path / "pg-data"
    )


def test_postings_are_written_and_removed_in_the_documents_transaction(
    make_bot: MakeBot, pg_settings: Settings
) -> None:
    bot = make_bot(pg_settings)
    with bot.store.session() as s:
        assert _count(s, _POSTINGS) == _count(s, _TERMS) > 0
        assert _count(s, _MISMATCH) == 0
    doc = bot.documents(limit=1)[0]
    with pytest.raises(RuntimeError), bot.store.session() as s:
        before = _count(s, _POSTINGS)
        delete_documents(s, [doc.id])
        bump_generation(s)
        assert _count(s, _POSTINGS) == _count(s, _TERMS) < before
        raise RuntimeError("rolled back")
    assert bot.remove(doc.id)
    with bot.store.session() as s:
        assert _count(s, _POSTINGS) == _count(s, _TERMS) > 0
        assert _count(s, f"SELECT count(*) FROM pg_postings WHERE document_id = {doc.id}") == 0
        assert _count(s, _MISMATCH) == 0


def _old_top(store: Store, flt: PassageFilter, weights: dict[int, float]) -> list[tuple]:
    """Every allowed passage scored by its BM25 sparse row, best first (no index)."""
    with pg_reads(store, flt) as r:
        w, p = r.flt.where("p")
        sql = (
            "SELECT p.chunk_id, -(p.bm25 <#> CAST(:q AS sparsevec)) AS score FROM pg_passages p"
            f" WHERE {w} ORDER BY score DESC, p.chunk_id"
        )
        rows = r.s.execute(sa.text(sql), {**p, "q": sparse_literal(weights, BM25_DIMS)})
        return [(int(c), float(v)) for c, v in rows if v > 0]


@pytest.mark.parametrize(
    "flt",
    [
        PassageFilter(public_only=False),
        PassageFilter(public_only=True),
        PassageFilter(public_only=False, gremium="liegenschaften"),
    ],
)
def test_postings_rank_as_the_sparse_rows(
    make_bot: MakeBot, pg_settings: Settings, flt: PassageFilter
) -> None:
    bot = make_bot(pg_settings)
    with bot.store.session() as s:
        n = _count(s, "SELECT passages FROM pg_search_totals")
        terms = s.execute(sa.text("SELECT id, df FROM pg_terms WHERE df > 0 ORDER BY id")).all()
    assert len(terms) > 40
    for start in range(0, 40, 5):  # common and rare terms, a few at a time
        weights = {int(i): lucene_idf(int(df), n) for i, df in terms[start * 7 :: 37][:4]}
        old = _old_top(bot.store, flt, weights)
        with pg_reads(bot.store, flt) as r:
            ids, scores = r.bm25_top(weights, len(old) + 5)
        assert len(ids) == len(old)
        assert scores == pytest.approx([v for _c, v in old], rel=1e-5)
        got = dict(zip(ids.tolist(), scores.tolist(), strict=True))
        for c, v in old:  # the same passages; ties (equal sums) may come in any order
            assert got[c] == pytest.approx(v, rel=1e-5)


def test_tables_made_before_the_postings_get_them(make_bot: MakeBot, pg_settings: Settings) -> None:
    bot = make_bot(pg_settings)
    with bot.store.session() as s:
        before = _count(s, _POSTINGS)
        s.execute(sa.text("DROP TABLE pg_postings"))
        raw = s.execute(sa.text("SELECT value FROM state WHERE key = 'pg_search'")).scalar()
        cfg = json.loads(str(raw))
        assert (
            create_search_tables(s, cfg["dim"], cfg["sparse_dim"]) is False
        )  # same tables, postings added
        assert _count(s, _POSTINGS) == before
        assert _count(s, _MISMATCH) == 0
    doc = bot.documents(limit=1)[0]
    assert bot.remove(doc.id)  # the removal trigger was replaced with the table
    with bot.store.session() as s:
        assert _count(s, _POSTINGS) == _count(s, _TERMS)


def test_index_builds_get_at_least_the_build_memory_never_less_than_configured(
    vector_db: str,
) -> None:
    store = Store(vector_db)
    mem = "SELECT pg_size_bytes(current_setting('maintenance_work_mem'))"
    try:
        with store.session() as s:
            s.execute(sa.text("SET LOCAL maintenance_work_mem = '64MB'"))
            raise_build_memory(s)
            assert s.execute(sa.text(mem)).scalar() == 1024**3
        with store.session() as s:
            s.execute(sa.text("SET LOCAL maintenance_work_mem = '3GB'"))
            raise_build_memory(s)
            assert s.execute(sa.text(mem)).scalar() == 3 * 1024**3
    finally:
        store.close()
