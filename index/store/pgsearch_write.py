"""The PostgreSQL search tables (``RATSBOT_SEARCH=postgres``): passages with their vectors in
pgvector, their terms for BM25, kept in step with the documents in the same transaction.

``pg_passages`` holds one row per chunk: the dense vector (``vector``, HNSW), the
model's sparse latent terms (``sparsevec``), the chunk's own terms as Ratsbot's
German analysis makes them (index/query/terms.py) — a ``tsvector`` (GIN) and a
``sparsevec`` of BM25 term weights, copied row by row into ``pg_postings``
(index/store/pgsearch_postings.py), which the BM25 channel reads — and the columns
retrieval filters on (public, Gremium, meeting date, document). ``pg_sentences``
holds every sentence vector (HNSW) for the max-sim channel. Document frequencies
and the corpus length that BM25 needs are kept by statement triggers, so a
deleted document (its chunks cascade) takes its counts with it.

:func:`sync_search` runs inside :func:`~index.store.database.bump_generation`,
that is inside every transaction that changes documents or vectors: a commit
that adds minutes adds their passages, a commit that finishes their vectors
fills them in. No process keeps index files; a replica sees what is committed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from index.errors import IndexStoreError
from index.query import memo_tokenizer
from index.store import pgsearch_postings as postings
from index.store.hashing import text_hash
from index.store.pgsearch_indexes import (
    COUNT_DF,
    FILTER_INDEXES,
    INLINE_VECTOR,
    PASSAGE_INDEXES,
    SPARSE_INDEX,
    filter_indexes,
    hnsw_indexes,
    raise_build_memory,
)

PG_SEARCH_STATE = "pg_search"  # state row: {"dim": .., "sparse_dim": ..}
BM25_DIMS = 1_000_000_000  # sparsevec width of the BM25 rows: term ids stay below it
BM25_K1, BM25_B = 1.2, 0.75  # bm25s's defaults, as the embedded index
SYNC_BATCH = 2_000
_LOCK = 7_303_241_001  # advisory lock: one process creates the tables
BULK_FILL = "ratsbot.bulk_fill"  # set in a first fill's transaction: df counted at its end


def _ddl(dim: int) -> list[str]:
    return [
        "CREATE EXTENSION IF NOT EXISTS vector",
        """CREATE TABLE IF NOT EXISTS pg_terms (
            id serial PRIMARY KEY, term text UNIQUE NOT NULL, df integer NOT NULL DEFAULT 0)""",
        """CREATE TABLE IF NOT EXISTS pg_search_totals (
            id integer PRIMARY KEY CHECK (id = 1), passages bigint NOT NULL,
            length bigint NOT NULL)""",
        "INSERT INTO pg_search_totals VALUES (1, 0, 0) ON CONFLICT DO NOTHING",
        f"""CREATE TABLE IF NOT EXISTS pg_passages (
            chunk_id integer PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            document_id integer NOT NULL, public boolean NOT NULL,
            gremium text, meeting_date date,
            embedding vector({dim}), sparse sparsevec,
            bm25 sparsevec NOT NULL, lexemes tsvector NOT NULL,
            term_ids integer[] NOT NULL, length integer NOT NULL,
            vectors_done boolean NOT NULL DEFAULT false)""",
        f"""CREATE TABLE IF NOT EXISTS pg_sentences (
            id bigserial PRIMARY KEY,
            chunk_id integer NOT NULL REFERENCES pg_passages(chunk_id) ON DELETE CASCADE,
            document_id integer NOT NULL, public boolean NOT NULL,
            gremium text, meeting_date date, embedding vector({dim}) NOT NULL)""",
        # document frequencies and corpus length follow every insert and delete; a
        # first fill counts the frequencies once at its end (BULK_FILL): updating the
        # same pg_terms rows once per batch in one transaction grows their version
        # chains, and the fill with them, quadratically
        f"""CREATE OR REPLACE FUNCTION pg_search_added() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF coalesce(current_setting('{BULK_FILL}', true), '') <> 'on' THEN
            UPDATE pg_terms t SET df = t.df + n.c FROM (SELECT unnest(term_ids) AS id,
              count(*) AS c FROM added GROUP BY 1 ORDER BY 1) n WHERE t.id = n.id;
          END IF;
          UPDATE pg_search_totals SET passages = passages + (SELECT count(*) FROM added),
            length = length + (SELECT coalesce(sum(length), 0) FROM added);
          RETURN NULL;
        END $$""",
        postings.POSTINGS_TABLE,
        postings.REMOVED_FUNCTION,
        """CREATE OR REPLACE TRIGGER pg_passages_added AFTER INSERT ON pg_passages
            REFERENCING NEW TABLE AS added FOR EACH STATEMENT
            EXECUTE FUNCTION pg_search_added()""",
        """CREATE OR REPLACE TRIGGER pg_passages_removed AFTER DELETE ON pg_passages
            REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
            EXECUTE FUNCTION pg_search_removed()""",
    ]


TABLES = "pg_sentences, pg_postings, pg_passages, pg_terms, pg_search_totals"
DROP = f"DROP TABLE IF EXISTS {TABLES} CASCADE"


def search_tables_exist(s: Session) -> bool:
    """Whether this database keeps the PostgreSQL search tables (never on SQLite)."""
    if s.get_bind().dialect.name != "postgresql":
        return False
    return s.execute(text("SELECT to_regclass('pg_passages') IS NOT NULL")).scalar() is True


def create_search_tables(s: Session, dim: int, sparse_dim: int, *, bulk: bool = True) -> bool:
    """Create the tables (and the ``vector`` extension) for vectors of ``dim``.

    Tables made for another dimension or sparse width are dropped first (another
    embedder: its passages are all rewritten). New tables are filled from the store
    before their indexes are built. ``bulk=False`` fills them as later ingests write,
    indexes first and frequencies counted batch by batch (bench/pgfill.py compares
    the two). Returns True when tables were made.
    """
    if s.get_bind().dialect.name != "postgresql":
        raise IndexStoreError("RATSBOT_SEARCH=postgres needs a PostgreSQL DATABASE_URL")
    s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
    want = {"dim": dim, "sparse_dim": sparse_dim}
    if search_tables_exist(s) and _config(s) == want:
        filter_indexes(s)
        postings.ensure_postings(s)
        return False
    try:
        s.execute(text(DROP))
        for stmt in [*_ddl(dim), INLINE_VECTOR]:
            s.execute(text(stmt))
        _fill_new_tables(s, bulk)
        s.execute(text(f"ANALYZE {TABLES}"))  # estimates of filtered rows
    except Exception as e:
        raise IndexStoreError(
            f"cannot create the pgvector search tables ({e.__class__.__name__}): "
            "is the pgvector extension installed on the server?"
        ) from e
    _set_config(s, want)
    return True


def _fill_new_tables(s: Session, bulk: bool) -> None:
    """The rows of an existing corpus first, then the indexes and HNSW graphs: one
    index build is many times faster than inserting row by row into the graph."""
    if bulk:
        s.execute(text("SELECT set_config(:k, 'on', true)"), {"k": BULK_FILL})
    else:
        for stmt in PASSAGE_INDEXES:
            s.execute(text(stmt))
    sync_search(s, full=True)
    if bulk:
        s.execute(text("SELECT set_config(:k, 'off', true)"), {"k": BULK_FILL})
        s.execute(text(COUNT_DF))
    raise_build_memory(s)
    indexes = [*PASSAGE_INDEXES, *hnsw_indexes(), *FILTER_INDEXES.values()]
    for stmt in [*indexes, *SPARSE_INDEX.values(), postings.POSTINGS_INDEX]:
        s.execute(text(stmt))


def _config(s: Session) -> dict | None:
    raw = s.execute(text("SELECT value FROM state WHERE key = :k"), {"k": PG_SEARCH_STATE})
    value = raw.scalar()
    return json.loads(value) if value else None


def _set_config(s: Session, cfg: dict) -> None:
    s.execute(
        text(
            "INSERT INTO state (key, value) VALUES (:k, :v) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
        ),
        {"k": PG_SEARCH_STATE, "v": json.dumps(cfg)},
    )


@dataclass
class SyncReport:
    passages: int = 0  # rows added
    examined: int = 0  # rows still lacking vectors that were looked at


def sync_search(s: Session, *, full: bool = False) -> SyncReport:
    """Bring the search tables in step with chunks and cached vectors, in ``s``'s transaction.

    New chunks get their rows (terms at once, vectors as far as cached); rows still
    lacking vectors get those the cache now holds. Deleted chunks took their rows
    along (``ON DELETE CASCADE``). Does nothing where the tables do not exist.

    New chunks are those above the highest chunk id with a row: ingests hold the
    database lock, so chunk ids grow from one commit to the next and this is an
    index lookup at any size. ``full`` looks for every chunk without a row instead
    (one anti-join; each process does it once, ``PgSearcher.prepare``).
    """
    out = SyncReport()
    if not search_tables_exist(s):
        return out
    s.flush()  # the ORM's pending writes first: the queries below are plain SQL
    cfg = _config(s) or {}
    key = s.execute(text("SELECT value FROM state WHERE key = 'embedder'")).scalar()
    missing = [int(c) for (c,) in s.execute(_MISSING if full else _NEWER)]
    for i in range(0, len(missing), SYNC_BATCH):
        out.passages += _add_passages(s, missing[i : i + SYNC_BATCH])
    if key:
        out.examined = _complete_vectors(s, str(key), int(cfg.get("sparse_dim", 0)))
    return out


_NEWER = text(
    """SELECT id FROM chunks
    WHERE id > coalesce((SELECT max(chunk_id) FROM pg_passages), 0) ORDER BY id"""
)
_MISSING = text(
    """SELECT c.id FROM chunks c LEFT JOIN pg_passages p ON p.chunk_id = c.id
    WHERE p.chunk_id IS NULL ORDER BY c.id"""
)
_ROWS = text(
    """SELECT c.id, c.document_id, c.embed_text, d.public, d.gremium, d.meeting_date
    FROM chunks c JOIN documents d ON d.id = c.document_id
    WHERE c.id = ANY(CAST(:ids AS integer[])) ORDER BY c.id"""
)
# one statement per batch (the counting triggers then run once per batch, not per row)
_INSERT = text(
    """INSERT INTO pg_passages (chunk_id, document_id, public, gremium, meeting_date,
        bm25, lexemes, term_ids, length)
    SELECT id, doc, pub, grem, day, CAST(bm AS sparsevec),
        array_to_tsvector(string_to_array(lex, ' ')),
        CAST(string_to_array(tids, ',') AS integer[]), len
    FROM unnest(CAST(:id AS integer[]), CAST(:doc AS integer[]), CAST(:pub AS boolean[]),
        CAST(:grem AS text[]), CAST(:day AS date[]), CAST(:bm AS text[]),
        CAST(:lex AS text[]), CAST(:tids AS text[]), CAST(:len AS integer[]))
        AS u(id, doc, pub, grem, day, bm, lex, tids, len)"""
)


def _add_passages(s: Session, chunk_ids: list[int]) -> int:
    """Rows for these chunks (which have none); returns how many were added."""
    rows = s.execute(_ROWS, {"ids": chunk_ids}).all()
    if not rows:
        return 0
    tokens = chunk_terms([r.embed_text for r in rows])
    ids = _term_ids(s, {t for toks in tokens for t in toks})
    n, total = s.execute(text("SELECT passages, length FROM pg_search_totals")).one()
    lengths = [len(t) for t in tokens]
    avgdl = (total + sum(lengths)) / max(n + len(rows), 1) or 1.0
    cols: dict[str, list] = {k: [] for k in ("id", "doc", "pub", "grem", "day", "bm", "lex")}
    cols.update(tids=[], len=lengths)
    for r, toks, dl in zip(rows, tokens, lengths, strict=True):
        tf = Counter(ids[t] for t in toks)
        norm = BM25_K1 * (1 - BM25_B + BM25_B * dl / avgdl)
        cols["id"].append(r.id)
        cols["doc"].append(r.document_id)
        cols["pub"].append(r.public)
        cols["grem"].append(r.gremium)
        cols["day"].append(r.meeting_date)
        cols["bm"].append(sparse_literal({i: c / (c + norm) for i, c in tf.items()}, BM25_DIMS))
        cols["lex"].append(" ".join(sorted(set(toks))))
        cols["tids"].append(",".join(map(str, sorted(tf))))
    s.execute(_INSERT, cols)
    postings.write_postings(s, cols["id"])
    return len(rows)


def chunk_terms(texts: Sequence[str]) -> list[list[str]]:
    """Each text's BM25 terms, compound tails looked up in the texts' own stems (as
    index/retrieval/lexical.py builds a segment)."""
    stems = memo_tokenizer(None)
    vocab = frozenset(t for x in texts for t in stems(x))
    tok = memo_tokenizer(vocab)
    return [tok(x) for x in texts]


def _term_ids(s: Session, terms: set[str]) -> dict[str, int]:
    if not terms:
        return {}
    ordered = sorted(terms)  # one order for every writer: no deadlock on the unique index
    s.execute(
        text(
            "INSERT INTO pg_terms (term) SELECT unnest(CAST(:t AS text[])) ON CONFLICT DO NOTHING"
        ),
        {"t": ordered},
    )
    got = s.execute(
        text("SELECT term, id FROM pg_terms WHERE term = ANY(CAST(:t AS text[]))"), {"t": ordered}
    )
    return {t: int(i) for t, i in got}


def sparse_literal(weights: dict[int, float], dims: int) -> str:
    """pgvector's text form of a sparse vector (1-based indices): ``{1:0.5,7:0.25}/dims``."""
    body = ",".join(f"{i}:{float(v):.6g}" for i, v in sorted(weights.items()) if v)
    return f"{{{body}}}/{dims}"


def vector_literal(v: np.ndarray) -> str:
    return "[" + ",".join(f"{float(x):.7g}" for x in np.asarray(v).ravel()) + "]"


_TODO = text(
    """SELECT p.chunk_id, p.document_id, p.public, p.gremium, p.meeting_date,
        p.embedding IS NOT NULL AS has_dense, p.sparse IS NOT NULL AS has_sparse,
        c.content_hash, c.text, c.sentences
    FROM pg_passages p JOIN chunks c ON c.id = p.chunk_id
    WHERE NOT p.vectors_done AND p.chunk_id > :after ORDER BY p.chunk_id LIMIT :n"""
)


def _complete_vectors(s: Session, key: str, sparse_dim: int) -> int:
    """Fill in the vectors the cache holds for rows still lacking some; returns rows seen."""
    seen = 0
    after = -1
    while True:
        rows = s.execute(_TODO, {"after": after, "n": SYNC_BATCH}).all()
        if not rows:
            return seen
        seen += len(rows)
        after = rows[-1].chunk_id
        sent_hashes = [[text_hash(r.text[a:b]) for a, b in (r.sentences or [])] for r in rows]
        cache = _cached(
            s, key, [r.content_hash for r in rows] + [h for x in sent_hashes for h in x]
        )
        _complete_batch(s, rows, sent_hashes, cache, sparse_dim)
        if len(rows) < SYNC_BATCH:
            return seen


_UPDATE = text(
    """UPDATE pg_passages p SET embedding = coalesce(CAST(u.e AS vector), p.embedding),
        sparse = coalesce(CAST(u.sp AS sparsevec), p.sparse), vectors_done = u.done
    FROM unnest(CAST(:id AS integer[]), CAST(:e AS text[]), CAST(:sp AS text[]),
        CAST(:done AS boolean[])) AS u(id, e, sp, done)
    WHERE p.chunk_id = u.id"""
)
_SENTENCES = text(
    """INSERT INTO pg_sentences (chunk_id, document_id, public, gremium, meeting_date, embedding)
    SELECT c, d, p, g, m, CAST(e AS vector)
    FROM unnest(CAST(:c AS integer[]), CAST(:d AS integer[]), CAST(:p AS boolean[]),
        CAST(:g AS text[]), CAST(:m AS date[]), CAST(:e AS text[])) AS u(c, d, p, g, m, e)"""
)


def _complete_batch(
    s: Session, rows: Sequence[Any], sent_hashes: list[list[str]], cache: dict, sparse_dim: int
) -> None:
    """Rows of ``_TODO``: their missing vectors, and their sentences once all are cached;
    one UPDATE and one INSERT for the batch."""
    upd: dict[str, list] = {"id": [], "e": [], "sp": [], "done": []}
    sent: dict[str, list] = {k: [] for k in ("c", "d", "p", "g", "m", "e")}
    for row, hashes in zip(rows, sent_hashes, strict=True):
        dense, sparse = cache.get(row.content_hash, (None, None))
        e = vector_literal(dense) if dense is not None and not row.has_dense else None
        sp = None
        if sparse is not None and sparse_dim and not row.has_sparse:
            weights = {int(i) + 1: float(v) for i, v in zip(*sparse, strict=True)}
            sp = sparse_literal(weights, sparse_dim)
        have_sparse = not sparse_dim or sparse is not None or row.has_sparse
        vectors = [cache.get(h, (None, None))[0] for h in hashes]
        done = (dense is not None or row.has_dense) and have_sparse
        done = done and all(v is not None for v in vectors)
        if done:
            for v in vectors:
                values = (row.chunk_id, row.document_id, row.public, row.gremium)
                for k, x in zip(
                    "cdpgme", (*values, row.meeting_date, vector_literal(v)), strict=True
                ):
                    sent[k].append(x)
        if e is not None or sp is not None or done:
            for k, x in zip(("id", "e", "sp", "done"), (row.chunk_id, e, sp, done), strict=True):
                upd[k].append(x)
    if upd["id"]:
        s.execute(_UPDATE, upd)
    if sent["c"]:
        s.execute(_SENTENCES, sent)


def _cached(s: Session, key: str, hashes: list[str]) -> dict[str, tuple]:
    """(dense, sparse or None) of the cached texts among ``hashes``."""
    out: dict[str, tuple] = {}
    uniq = sorted(set(hashes))
    for i in range(0, len(uniq), 5_000):
        got = s.execute(
            text(
                "SELECT content_hash, dense, sparse_idx, sparse_val FROM embeddings "
                "WHERE embedder = :k AND content_hash = ANY(CAST(:h AS text[]))"
            ),
            {"k": key, "h": uniq[i : i + 5_000]},
        )
        for h, d, si, sv in got:
            sp = None
            if si is not None and sv is not None:
                sp = (np.frombuffer(si, np.int32), np.frombuffer(sv, np.float32))
            out[h] = (np.frombuffer(d, np.float32), sp)
    return out
