"""Channel-level probes of bench/pgvector.py: dense recall@10, the BM25 variants, sizes."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sqlalchemy import text

from bench.pgvector_corpus import DIM, FILTER_KINDS
from index.store import PassageFilter, PgReads, Store, pg_reads
from index.store.pgsearch_reads import EXACT_ROWS
from index.store.pgsearch_write import BM25_DIMS, sparse_literal, vector_literal

Q = 200


def _pct(xs: list[float]) -> dict:
    a = np.asarray(xs) * 1000
    return {
        "p50": round(float(np.percentile(a, 50)), 2),
        "p95": round(float(np.percentile(a, 95)), 2),
    }


def _exact(store: Store, flt: PassageFilter, q: np.ndarray, k: int) -> list[int]:
    """Exact top ``k`` under ``flt``: the filter as written, every index scan switched off."""
    w, p = flt.where("p")
    with store.session() as s:
        s.execute(text("SET LOCAL enable_indexscan = off"))
        s.execute(text("SET LOCAL enable_bitmapscan = off"))
        sql = (
            f"SELECT p.chunk_id FROM pg_passages p WHERE {w} "
            "ORDER BY p.embedding <#> CAST(:q AS vector) LIMIT :k"
        )
        return [int(c) for (c,) in s.execute(text(sql), {**p, "q": vector_literal(q), "k": k})]


def dense_recall(
    store: Store, vectors: np.ndarray, rng: np.random.Generator, questions: int = Q
) -> dict:
    """Per filter kind: the rows it allows, the scan the backend picks, recall@10 against
    exact search and k=10 / k=300 latency of that pick, and of HNSW alone and exact
    alone (how the pick was made)."""
    picks = rng.integers(len(vectors), size=questions // 2)
    noise = rng.standard_normal((len(picks), DIM)).astype(np.float32) / np.sqrt(DIM)
    queries = vectors[picks] + noise
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    out: dict = {}
    for name, kw in FILTER_KINDS.items():
        flt = PassageFilter(**kw)
        truth = [set(_exact(store, flt, q, 10)) for q in queries]
        row: dict = {}
        with pg_reads(store, flt) as r:
            w, p = r.flt.where("p")
            row["rows"] = int(
                r.s.execute(text(f"SELECT count(*) FROM pg_passages p WHERE {w}"), p).scalar() or 0
            )
            row["estimate"] = int(r.estimate("pg_passages"))
        row["scan"] = "exact" if row["estimate"] <= EXACT_ROWS else "hnsw"
        for scan in ("auto", "hnsw", "exact"):
            row[scan] = _scan_run(store, flt, queries, truth, scan)
        out[name] = row
    return out


def _scan_run(
    store: Store, flt: PassageFilter, queries: np.ndarray, truth: list[set[int]], scan: str
) -> dict:
    hits, t10, t300 = [], [], []
    for q, tr in zip(queries, truth, strict=True):
        with pg_reads(store, flt) as r:
            t = time.perf_counter()
            got = r.nearest("pg_passages", q, 10, scan=scan)[0]
            t10.append(time.perf_counter() - t)
            t = time.perf_counter()
            r.nearest("pg_passages", q, 300, scan=scan)
            t300.append(time.perf_counter() - t)
        if tr:
            hits.append(len(tr & set(got.tolist())) / len(tr))
    return {"recall@10": round(float(np.mean(hits)), 4), "k10_ms": _pct(t10), "k300_ms": _pct(t300)}


def bm25_variants(store: Store, index_dir: Path, emb: object, questions: Path, n: int = Q) -> dict:
    """The ways BM25 can run in PostgreSQL, against the embedded bm25s top 10."""
    from index.retrieval.snapshot import load_snapshot

    snap = load_snapshot(index_dir, None, emb.info.key, store)  # type: ignore[attr-defined]
    assert snap is not None
    qs = json.loads(questions.read_text(encoding="utf-8"))[:n]
    variants: dict[str, list[float]] = {
        "postings (chosen)": [],
        "gin+sparsevec": [],
        "sparsevec scan": [],
        "tsvector ts_rank": [],
    }
    recall: dict[str, list[float]] = {k: [] for k in variants}
    for question in qs:
        tokens = snap.lexical.query_tokens(question)
        post = snap.lexical.segment_postings(tokens)[0]
        rows, _sc = post.top(10, None)
        truth = set(snap.segments[0].ids[rows].tolist())
        with pg_reads(store, PassageFilter(public_only=False)) as r:
            runs = _bm25_runs(r, tokens)
            for name, fn in runs.items():
                t0 = time.perf_counter()
                got = fn()
                variants[name].append(time.perf_counter() - t0)
                if truth:
                    recall[name].append(len(truth & set(got)) / len(truth))
    return {
        k: {"ms": _pct(v), "recall@10_vs_bm25s": round(float(np.mean(recall[k])), 4)}
        for k, v in variants.items()
    }


def old_bm25_top(r: PgReads, stems: Sequence[str], weights: dict[int, float], k: int) -> list:
    """The query before the postings: GIN lists the passages holding any stem, the
    sparsevec inner product scores each."""
    w, p = r.flt.where("p")
    sql = (
        "SELECT p.chunk_id, -(p.bm25 <#> CAST(:qv AS sparsevec)) AS score FROM pg_passages p"
        f" WHERE {w} AND p.lexemes @@ CAST(:tsq AS tsquery) ORDER BY score DESC LIMIT :k"
    )
    params = {**p, "qv": sparse_literal(weights, BM25_DIMS), "k": k}
    params["tsq"] = " | ".join("'" + t.replace("'", "''") + "'" for t in sorted(stems))
    return [int(c) for c, _s in r.s.execute(text(sql), params)]


_SCAN = "SELECT chunk_id FROM pg_passages ORDER BY bm25 <#> CAST(:q AS sparsevec) LIMIT 10"
_TS_RANK = (
    "SELECT chunk_id FROM pg_passages WHERE lexemes @@ CAST(:t AS tsquery) "
    "ORDER BY ts_rank(lexemes, CAST(:t AS tsquery)) DESC LIMIT 10"
)


def _bm25_runs(r: PgReads, tokens: list[str]) -> dict:
    """The variants for one question, each a call returning its top 10 chunk ids."""
    from index.retrieval.pgsearch import bm25_weights

    known = r.terms(sorted(set(tokens)))
    weights = bm25_weights(tokens, known, r.totals()[0])
    stems = sorted({t for t in tokens if t in known})
    tsq = " | ".join(f"'{t}'" for t in stems) or "''"
    qv = sparse_literal(weights, BM25_DIMS)

    def rows(sql: str, params: dict) -> list[int]:
        return [int(c) for (c,) in r.s.execute(text(sql), params)]

    return {
        "postings (chosen)": lambda: r.bm25_top(weights, 10)[0].tolist(),
        "gin+sparsevec": lambda: old_bm25_top(r, stems, weights, 10),
        "sparsevec scan": lambda: rows(_SCAN, {"q": qv}),
        "tsvector ts_rank": lambda: rows(_TS_RANK, {"t": tsq}),
    }


def table_sizes(store: Store, index_dir: Path) -> dict:
    """Bytes on disk: the search tables with their indexes, and the embedded index files."""
    with store.session() as s:
        sizes = {
            name: int(s.execute(text(f"SELECT pg_total_relation_size('{name}')")).scalar() or 0)
            for name in ("pg_passages", "pg_sentences", "pg_terms", "pg_postings")
        }
        sizes["hnsw index"] = int(
            s.execute(text("SELECT pg_relation_size('pg_passages_embedding')")).scalar() or 0
        )
        sizes["gin index"] = int(
            s.execute(text("SELECT pg_relation_size('pg_passages_lexemes')")).scalar() or 0
        )
    sizes["embedded files"] = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file())
    return {k: round(v / 2**20, 1) for k, v in sizes.items()}  # MiB
