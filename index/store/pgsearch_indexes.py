"""The indexes of the PostgreSQL search tables, and when each is built.

A first fill writes every passage row before any index exists, then builds each
index once (HNSW graphs, B-trees, GIN): an HNSW graph grown row by row costs many
times its one build, and the B-trees and GIN cost more too (bench/pgfill.py).
Later ingests write into the indexed tables.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

HNSW_M, HNSW_EF_CONSTRUCTION = 16, 64  # pgvector's defaults

# built after a first fill: one build is faster than growing them batch by batch
PASSAGE_INDEXES = [
    "CREATE INDEX IF NOT EXISTS pg_passages_document ON pg_passages (document_id)",
    "CREATE INDEX IF NOT EXISTS pg_passages_lexemes ON pg_passages USING gin (lexemes)",
    """CREATE INDEX IF NOT EXISTS pg_passages_todo ON pg_passages (chunk_id)
        WHERE NOT vectors_done""",
    "CREATE INDEX IF NOT EXISTS pg_sentences_chunk ON pg_sentences (chunk_id)",
]
COUNT_DF = """UPDATE pg_terms t SET df = n.c FROM (SELECT unnest(term_ids) AS id, count(*) AS c
    FROM pg_passages GROUP BY 1) n WHERE t.id = n.id"""

# B-trees: the exact scan of a selective filter, and the planner's estimate of its rows
FILTER_INDEXES = {
    f"{t}_{name}": f"CREATE INDEX IF NOT EXISTS {t}_{name} ON {t} ({cols})"
    for t in ("pg_passages", "pg_sentences")
    for name, cols in (("gremium", "gremium, meeting_date"), ("date", "meeting_date"))
}
# "any sparse rows?" is asked once a question: without this index a store whose rows
# have none reads every passage row to say so (a second a question at 1M passages)
SPARSE_INDEX = {
    "pg_passages_sparse": """CREATE INDEX IF NOT EXISTS pg_passages_sparse ON pg_passages
        (chunk_id) WHERE sparse IS NOT NULL"""
}
# MAIN keeps the vector in the (> 2 kB) row: an exact scan 1.5 µs a row, not 7.9 (TOAST)
INLINE_VECTOR = "ALTER TABLE pg_passages ALTER COLUMN embedding SET STORAGE MAIN"


def filter_indexes(s: Session) -> None:
    """What older tables lack, checked first (a replica's start takes no lock)."""
    for name, stmt in {**FILTER_INDEXES, **SPARSE_INDEX}.items():
        if s.execute(text("SELECT to_regclass(:n) IS NULL"), {"n": name}).scalar():
            s.execute(text(stmt))
    column = "attrelid = 'pg_passages'::regclass AND attname = 'embedding'"
    if s.execute(text(f"SELECT attstorage FROM pg_attribute WHERE {column}")).scalar() != "m":
        s.execute(text(INLINE_VECTOR))


def hnsw_indexes() -> list[str]:
    return [
        f"""CREATE INDEX IF NOT EXISTS {t}_embedding ON {t} USING hnsw (embedding
            vector_ip_ops) WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"""
        for t in ("pg_passages", "pg_sentences")
    ]


BUILD_MEMORY = "1GB"


def raise_build_memory(s: Session) -> None:
    """At least ``BUILD_MEMORY`` for this transaction's index builds, never less than
    the server or database is set to: an HNSW graph that outgrows it is built on disk,
    many times slower (about 2.5 KB a 384-d passage, so 1M passages want ~3 GB, which
    an operator sets with ``ALTER DATABASE … SET maintenance_work_mem``)."""
    s.execute(
        text(
            "SELECT set_config('maintenance_work_mem', CASE WHEN "
            "pg_size_bytes(current_setting('maintenance_work_mem')) < pg_size_bytes(:m) "
            "THEN :m ELSE current_setting('maintenance_work_mem') END, true)"
        ),
        {"m": BUILD_MEMORY},
    )


# what a first fill leaves unvacuumed: its pages are not yet marked all-visible
FILLED_TABLES = "pg_postings, pg_passages, pg_sentences, pg_terms"


def vacuum_filled_tables(engine: Engine) -> None:
    """VACUUM (ANALYZE) the search tables after a first fill.

    The BM25 channel reads its postings index-only, but an index-only scan still
    visits the table for every page the visibility map does not mark all-visible,
    and a fill leaves none marked until autovacuum reaches tables of tens of
    millions of rows. At 1M passages replicas answered in 3.2 s (p50) until it had
    (bench/RESULTS.md, pgvector-1000000). VACUUM cannot run in a transaction."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM (ANALYZE) {FILLED_TABLES}"))
