"""BM25 postings of the PostgreSQL search tables: one narrow row per (term, passage).

The BM25 channel used to list every passage holding any question term (GIN on a
tsvector) and score each by its BM25 ``sparsevec`` row: with common terms that
read a large share of the wide passage rows (bench/RESULTS.md, pgvector-100000:
530 ms p50 at 100k passages). ``pg_postings`` holds the same weights, one row
per term of a passage, with the filter columns copied in; its B-tree on
(term_id, chunk_id) INCLUDEs all of them, so a question's postings are read by
an index-only scan and summed term at a time, filter applied, no passage row read.

The weights are taken from the passage's ``bm25`` sparsevec itself, in SQL, in
the statement after the passage rows are written (same transaction): the two
scorings cannot drift apart, and the length normalisation stays the one frozen
into the sparsevec (tf / (tf + k1·(1 − b + b·dl/avgdl)), avgdl of the corpus at
the time the passage was written). The statement trigger that counts removed
passages out of the document frequencies also deletes their postings, found by
the passages' ``term_ids`` through the same B-tree.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from index.store.pgsearch_indexes import raise_build_memory

POSTINGS_TABLE = """CREATE TABLE IF NOT EXISTS pg_postings (
    term_id integer NOT NULL, chunk_id integer NOT NULL, weight real NOT NULL,
    document_id integer NOT NULL, public boolean NOT NULL, gremium text, meeting_date date)"""
# every column a BM25 read touches: the scan never visits the heap (once vacuumed)
POSTINGS_INDEX = """CREATE UNIQUE INDEX IF NOT EXISTS pg_postings_term ON pg_postings
    (term_id, chunk_id) INCLUDE (weight, public, meeting_date, document_id, gremium)"""
# the passages' removal: counts out of df and the corpus length, postings deleted
REMOVED_FUNCTION = """CREATE OR REPLACE FUNCTION pg_search_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE pg_terms t SET df = t.df - n.c FROM (SELECT unnest(term_ids) AS id,
    count(*) AS c FROM removed GROUP BY 1 ORDER BY 1) n WHERE t.id = n.id;
  UPDATE pg_search_totals SET passages = passages - (SELECT count(*) FROM removed),
    length = length - (SELECT coalesce(sum(length), 0) FROM removed);
  DELETE FROM pg_postings o USING (SELECT unnest(term_ids) AS term_id, chunk_id
    FROM removed) r WHERE o.term_id = r.term_id AND o.chunk_id = r.chunk_id;
  RETURN NULL;
END $$"""
# a sparsevec's text form is {id:weight,...}/dims: its pairs become rows
_FROM_PASSAGES = """INSERT INTO pg_postings (term_id, chunk_id, weight, document_id, public,
        gremium, meeting_date)
    SELECT CAST(split_part(kv, ':', 1) AS integer), p.chunk_id,
        CAST(split_part(kv, ':', 2) AS real), p.document_id, p.public, p.gremium,
        p.meeting_date
    FROM pg_passages p, unnest(string_to_array(
        btrim(split_part(CAST(p.bm25 AS text), '/', 1), '{}'), ',')) AS kv"""
WRITE_POSTINGS = text(_FROM_PASSAGES + " WHERE p.chunk_id = ANY(CAST(:ids AS integer[]))")


def write_postings(s: Session, chunk_ids: list[int]) -> None:
    """Postings of these just-written passages, from their BM25 rows (same transaction)."""
    s.execute(WRITE_POSTINGS, {"ids": chunk_ids})


def ensure_postings(s: Session) -> bool:
    """Tables made before the postings get them: filled from every passage, then
    indexed (one build), and the removal trigger that keeps them. True when made."""
    if not s.execute(text("SELECT to_regclass('pg_postings') IS NULL")).scalar():
        return False
    s.execute(text(POSTINGS_TABLE))
    s.execute(text(_FROM_PASSAGES))
    raise_build_memory(s)
    s.execute(text(POSTINGS_INDEX))
    s.execute(text(REMOVED_FUNCTION))
    s.execute(text("ANALYZE pg_postings"))
    return True


def bm25_sql(where: str, k_param: str = "k") -> str:
    """The ``k`` best passages by BM25 under ``where`` (a filter on alias ``o``): each
    question term's postings (index-only), weighted by the term's query weight and
    summed per passage. Same sum as the sparsevec inner product, in double precision."""
    return (
        "SELECT o.chunk_id, sum(o.weight * q.w) AS score FROM unnest("
        "CAST(:tids AS integer[]), CAST(:ws AS double precision[])) AS q(id, w)"
        " JOIN pg_postings o ON o.term_id = q.id"
        f" WHERE {where} GROUP BY o.chunk_id ORDER BY score DESC, o.chunk_id LIMIT :{k_param}"
    )
