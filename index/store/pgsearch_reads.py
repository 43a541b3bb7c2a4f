"""Reads of the PostgreSQL search tables (index/store/pgsearch_write.py) for one question.

Every channel lists or scores passages under the same filter, written into each
query's WHERE clause, so a filtered approximate search is still an index scan:
pgvector's iterative scan (``hnsw.iterative_scan``) keeps walking the HNSW
graph until enough rows pass the filter. A question's reads run in one
read-only REPEATABLE READ transaction, so all its channels see one committed
state of the corpus.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from index.store.database import Store
from index.store.pgsearch_postings import bm25_sql
from index.store.pgsearch_write import BM25_DIMS, sparse_literal, vector_literal

EF_SEARCH = 400  # candidates the HNSW walk keeps: at least the longest list asked for
MAX_SCAN_TUPLES = 50_000  # an iterative scan gives up after this many rows (filters) ...
SCAN_TUPLES_CAP = 1_000_000  # ... or more, enough to find k rows at the filter's share
# a filter allowing at most this many rows is searched exactly: at 1M passages a
# Gremium's 82k rows took 167 ms exactly (k=300) and HNSW's filtered walk found only
# 0.62 of the true top 10 (bench/RESULTS.md, pgvector-1000000)
EXACT_ROWS = 200_000


@dataclass(frozen=True)
class PassageFilter:
    """The rows a question may search, as SQL conditions on the search tables."""

    public_only: bool = True
    gremium: str | None = None  # case-insensitive substring
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    chunk_ids: tuple[int, ...] | None = None  # a named paper: chunks that mention it ...
    document_ids: tuple[int, ...] = ()  # ... or its own documents
    gremien: tuple[str, ...] | None = None  # the stored names it matches (pg_reads)

    def where(self, alias: str) -> tuple[str, dict[str, Any]]:
        a = f"{alias}."
        parts: list[str] = ["TRUE"]
        params: dict[str, Any] = {}
        if self.public_only:
            parts.append(f"{a}public")
        if self.gremien is not None:  # equality: the B-tree and its statistics apply
            parts.append(f"{a}gremium = ANY(CAST(:f_gremien AS text[]))")
            params["f_gremien"] = list(self.gremien)
        elif self.gremium:
            parts.append(f"strpos(lower(coalesce({a}gremium, '')), lower(:f_gremium)) > 0")
            params["f_gremium"] = self.gremium
        if self.date_from:
            parts.append(f"{a}meeting_date >= :f_from")
            params["f_from"] = self.date_from
        if self.date_to:
            parts.append(f"{a}meeting_date <= :f_to")
            params["f_to"] = self.date_to
        if self.chunk_ids is not None:
            parts.append(
                f"({a}chunk_id = ANY(CAST(:f_chunks AS integer[])) "
                f"OR {a}document_id = ANY(CAST(:f_docs AS integer[])))"
            )
            params["f_chunks"] = list(self.chunk_ids)
            params["f_docs"] = list(self.document_ids)
        return " AND ".join(parts), params


_IDS = "CAST(:ids AS integer[])"
Ranked = tuple[np.ndarray, np.ndarray]  # chunk ids best first, their scores
# the plans other than an index scan in distance order (switched off for the HNSW scan)
_PLANS = text(
    "SELECT set_config('enable_seqscan', :on, true), set_config('enable_bitmapscan', :on, true),"
    " set_config('enable_sort', :on, true)"
)


def _ranked(rows: Sequence[Any]) -> Ranked:
    ids = np.array([int(r[0]) for r in rows], dtype=np.int64)
    return ids, np.array([float(r[1]) for r in rows], dtype=np.float64)


class PgReads:
    """One question's reads under one filter, inside one transaction."""

    def __init__(self, s: Session, flt: PassageFilter) -> None:
        self.s = s
        self.flt = flt

    def _where(self, alias: str) -> tuple[str, dict[str, Any]]:
        return self.flt.where(alias)

    def any_allowed(self) -> bool:
        w, p = self._where("p")
        return bool(
            self.s.execute(
                text(f"SELECT EXISTS (SELECT 1 FROM pg_passages p WHERE {w})"), p
            ).scalar()
        )

    def totals(self) -> tuple[int, bool, bool]:
        """(passages, any sentence vectors, any sparse rows): one round trip."""
        q = (
            "SELECT (SELECT passages FROM pg_search_totals), "
            "EXISTS (SELECT 1 FROM pg_sentences), "
            "EXISTS (SELECT 1 FROM pg_passages WHERE sparse IS NOT NULL)"
        )
        n, sentences, sparse = self.s.execute(text(q)).one()
        return int(n or 0), bool(sentences), bool(sparse)

    def nearest(self, table: str, q: np.ndarray, k: int, scan: str = "auto") -> Ranked:
        """The ``k`` rows of ``table`` (pg_passages | pg_sentences) nearest to ``q`` that
        the filter allows, as (chunk ids, inner products), best first.

        Below ``EXACT_ROWS`` allowed rows (the planner's estimate) the search is exact;
        above it, an HNSW scan. Measured at 100k passages (bench/RESULTS.md): HNSW's
        recall@10 against exact search is 0.995 with the public-only filter (90 % of
        the rows) but 0.57 under a Gremium (8 %) and 0.62 under one year (6 %), with
        relaxed or strict iterative scans alike (0.77 at ef_search 1000): the graph is
        walked from the question's neighbourhood, which the filter has emptied, into
        rows all about equally far. Exact over those rows (their B-tree, then the
        distance of each) costs about 1.5 µs a row, so 50k rows take about as long as
        one HNSW scan for the fusion pool. When the HNSW scan returns fewer rows than
        asked while the estimate promised more (correlated filters), the exact search
        answers. ``scan`` forces "exact" or "hnsw" (benchmarks and tests).
        """
        assert table in ("pg_passages", "pg_sentences")
        allowed = self.estimate(table) if scan == "auto" else 0.0
        if scan == "exact" or (scan == "auto" and allowed <= EXACT_ROWS):
            return self._exact(table, q, k)
        found = self._hnsw(table, q, k, allowed)
        if scan == "auto" and len(found[0]) < min(k, allowed):
            return self._exact(table, q, k)
        return found

    def estimate(self, table: str) -> float:
        """The planner's estimate of the rows of ``table`` the filter allows: it reads
        the statistics of the filter columns (B-trees, ANALYZE), no rows (~0.3 ms)."""
        w, p = self._where("p")
        return self._plan_rows(f"SELECT 1 FROM {table} p WHERE {w}", p)

    def _plan_rows(self, sql: str, params: dict[str, Any]) -> float:
        plan = self.s.execute(text("EXPLAIN (FORMAT JSON) " + sql), params).scalar()
        return float(plan[0]["Plan"]["Plan Rows"])  # type: ignore[index]

    def _exact(self, table: str, q: np.ndarray, k: int) -> Ranked:
        """Every allowed row's distance, sorted: ordering by the negated distance keeps
        the planner off the HNSW index (it serves only ``<#>`` ascending)."""
        w, p = self._where("p")
        sql = (
            f"SELECT p.chunk_id, -(p.embedding <#> CAST(:q AS vector)) AS score FROM {table} p"
            f" WHERE {w} AND p.embedding IS NOT NULL ORDER BY score DESC LIMIT :k"
        )
        return _ranked(self.s.execute(text(sql), {**p, "q": vector_literal(q), "k": k}).all())

    def _hnsw(self, table: str, q: np.ndarray, k: int, allowed: float) -> Ranked:
        """HNSW with the iterative scan (relaxed order, re-sorted outside), allowed to
        walk far enough to meet ``k`` rows at the filter's share of the table."""
        if allowed > 0:
            share = allowed / max(self._plan_rows(f"SELECT 1 FROM {table}", {}), 1.0)
            budget = int(min(max(MAX_SCAN_TUPLES, 4 * k / max(share, 1e-9)), SCAN_TUPLES_CAP))
            self.s.execute(
                text("SELECT set_config('hnsw.max_scan_tuples', :m, true)"), {"m": str(budget)}
            )
        w, p = self._where("p")
        sql = (
            f"SELECT chunk_id, score FROM (SELECT p.chunk_id, -(p.embedding <#> CAST(:q AS vector))"
            f" AS score FROM {table} p WHERE {w} AND p.embedding IS NOT NULL"
            f" ORDER BY p.embedding <#> CAST(:q AS vector) LIMIT :k) t ORDER BY score DESC"
        )
        self.s.execute(_PLANS, {"on": "off"})  # the decision is made: the HNSW index
        try:
            return _ranked(self.s.execute(text(sql), {**p, "q": vector_literal(q), "k": k}).all())
        finally:
            self.s.execute(_PLANS, {"on": "on"})

    def bm25_top(self, term_weights: dict[int, float], k: int) -> Ranked:
        """The ``k`` best passages by BM25 the filter allows, scored by ``term_weights``
        (term id -> the question's IDF weight) from the postings (pgsearch_postings.py):
        the same ranking as the BM25 sparse rows, read from narrow index entries."""
        if not term_weights:
            return np.zeros(0, np.int64), np.zeros(0)
        w, p = self._where("o")
        ids = sorted(term_weights)
        params = {**p, "tids": ids, "ws": [term_weights[i] for i in ids], "k": k}
        return _ranked(self.s.execute(text(bm25_sql(w)), params).all())

    def pool_scores(
        self, pool: np.ndarray, q: np.ndarray, bm25: dict[int, float], sparse: str | None
    ) -> tuple[dict[str, np.ndarray], dict[int, int]]:
        """Every pool chunk's dense, BM25 and (with ``sparse``, a sparsevec literal) latent
        score, and the quoted-copy links among them: one round trip. Dense is NaN where a
        passage has no vector yet, the others 0."""
        n = len(pool)
        out = {"dense": np.full(n, np.nan), "bm25": np.zeros(n), "sparse": np.zeros(n)}
        if n == 0:
            return out, {}
        sql = (
            "SELECT p.chunk_id, -(p.embedding <#> CAST(:q AS vector)), "
            "-(p.bm25 <#> CAST(:b AS sparsevec)), "
            + ("-(p.sparse <#> CAST(:s AS sparsevec))" if sparse else "NULL")
            + f", c.duplicate_of_id FROM pg_passages p JOIN chunks c ON c.id = p.chunk_id "
            f"WHERE p.chunk_id = ANY({_IDS})"
        )
        params = {"ids": pool.tolist(), "q": vector_literal(q), "s": sparse}
        params["b"] = sparse_literal(bm25, BM25_DIMS)
        at = {c: i for i, c in enumerate(pool.tolist())}
        dup: dict[int, int] = {}
        for c, d, b, sp, orig in self.s.execute(text(sql), params):
            i = at[int(c)]
            for name, v in (("dense", d), ("bm25", b), ("sparse", sp)):
                if v is not None:
                    out[name][i] = float(v)
            if orig is not None:
                dup[int(c)] = int(orig)
        return out, dup

    def best_sentences(self, pool: np.ndarray, q: np.ndarray) -> np.ndarray:
        """Per pool chunk, the inner product of its best sentence; NaN without sentences."""
        out = np.full(len(pool), np.nan)
        if len(pool) == 0:
            return out
        sql = (
            "SELECT chunk_id, max(-(embedding <#> CAST(:q AS vector))) FROM pg_sentences "
            "WHERE chunk_id = ANY(CAST(:ids AS integer[])) GROUP BY chunk_id"
        )
        params = {"ids": pool.tolist(), "q": vector_literal(q)}
        got: dict[int, Any] = {int(c): v for c, v in self.s.execute(text(sql), params)}
        for i, c in enumerate(pool.tolist()):
            if c in got:
                out[i] = float(got[c])
        return out

    def allowed(self, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` the filter allows."""
        if not ids:
            return set()
        w, p = self._where("p")
        sql = f"SELECT p.chunk_id FROM pg_passages p WHERE p.chunk_id = ANY({_IDS}) AND {w}"
        return {int(c) for (c,) in self.s.execute(text(sql), {**p, "ids": list(ids)})}

    def meeting_dates(self, ids: Sequence[int]) -> dict[int, dt.date | None]:
        sql = f"SELECT chunk_id, meeting_date FROM pg_passages WHERE chunk_id = ANY({_IDS})"
        return {int(c): d for c, d in self.s.execute(text(sql), {"ids": list(ids)})}

    def terms(self, terms: Sequence[str]) -> dict[str, tuple[int, int]]:
        """term -> (id, document frequency) for the known ones among ``terms``."""
        sql = "SELECT term, id, df FROM pg_terms WHERE term = ANY(CAST(:t AS text[]))"
        return {t: (int(i), int(df)) for t, i, df in self.s.execute(text(sql), {"t": list(terms)})}

    def paper(self, numbers: Sequence[str]) -> tuple[set[str], list[int], list[int]]:
        """The known numbers among ``numbers``, the chunks that mention them, their own
        documents (as the embedded snapshot reads the references table)."""
        sql = (
            'SELECT number, chunk_id, document_id, role FROM "references" '
            "WHERE number = ANY(CAST(:n AS text[]))"
        )
        known: set[str] = set()
        chunks: list[int] = []
        docs: list[int] = []
        for number, chunk, doc, role in self.s.execute(text(sql), {"n": list(numbers)}):
            known.add(number)
            if role == "own" and chunk is None:
                docs.append(int(doc))
            elif chunk is not None:
                chunks.append(int(chunk))
        return known, chunks, docs


# The distinct Gremien in the B-tree, one probe each (a loose index scan)
_GREMIEN = text(
    """WITH RECURSIVE g(v) AS (
        SELECT min(gremium) FROM pg_passages
        UNION ALL
        SELECT (SELECT min(gremium) FROM pg_passages WHERE gremium > g.v) FROM g
        WHERE g.v IS NOT NULL)
    SELECT v FROM g WHERE strpos(lower(v), lower(:g)) > 0"""
)


@contextmanager
def pg_reads(store: Store, flt: PassageFilter) -> Iterator[PgReads]:
    """A read-only, repeatable-read transaction with pgvector's iterative index scans on.

    A Gremium filter (a substring) becomes the stored names it matches, so the rows
    are found by equality: through the B-tree, and estimated from its statistics."""
    with store.session() as s:
        s.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        s.execute(
            text(
                "SELECT set_config('hnsw.ef_search', :ef, true), "
                "set_config('hnsw.iterative_scan', 'relaxed_order', true), "
                "set_config('hnsw.max_scan_tuples', :mst, true)"
            ),
            {"ef": str(EF_SEARCH), "mst": str(MAX_SCAN_TUPLES)},
        )
        if flt.gremium and flt.gremien is None:
            names = tuple(str(v) for (v,) in s.execute(_GREMIEN, {"g": flt.gremium}))
            flt = replace(flt, gremien=names)
        yield PgReads(s, flt)


def term_rows(store: Store, after: int) -> list[tuple[int, str]]:
    """Terms added since term id ``after`` (a replica's vocabulary grows by these)."""
    with store.session() as s:
        sql = "SELECT id, term FROM pg_terms WHERE id > :a AND df > 0 ORDER BY id"
        return [(int(i), str(t)) for i, t in s.execute(text(sql), {"a": after})]
