"""Probe of bench/pgbm25.py: the BM25 channel old (GIN + sparsevec) and new (postings).

Per filter kind of bench/pgvector_corpus.py and question: both variants' time for
the channel's list (``POOL`` passages) and their top 10 — against the embedded
bm25s top 10 without a filter, and new against old under every filter (bm25s
has no SQL filter; old is the exact sparsevec ranking under it).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, text

from bench.pgvector_corpus import EMBEDDER, FILTER_KINDS, QUESTIONS_FILE
from bench.pgvector_probe import _pct, old_bm25_top
from index.retrieval.channels import POOL
from index.retrieval.pgsearch import bm25_weights
from index.store import PassageFilter, Store, pg_reads

QUESTIONS = 60


def _prepare(db: str) -> dict:
    """Tables made before the postings get them (the upgrade path), then VACUUM: the
    visibility map that lets the postings be read index-only."""
    from index.embed import get_embedder
    from index.retrieval import PgSearcher

    store = Store(db)
    t = time.perf_counter()
    PgSearcher(store, get_embedder(EMBEDDER)).prepare()
    out: dict = {"prepare_s": round(time.perf_counter() - t, 1)}
    eng = create_engine(db, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        t = time.perf_counter()
        c.execute(text("VACUUM ANALYZE pg_postings"))
        out["vacuum_s"] = round(time.perf_counter() - t, 1)
        for name in ("pg_postings", "pg_postings_term", "pg_passages", "pg_passages_lexemes"):
            size = c.execute(text(f"SELECT pg_relation_size('{name}')")).scalar()
            out[f"{name} MiB"] = round(int(size or 0) / 2**20, 1)
        out["postings"] = int(c.execute(text("SELECT count(*) FROM pg_postings")).scalar() or 0)
    eng.dispose()
    store.close()
    return out


def probe(work: Path, db: str, questions: int = QUESTIONS) -> dict:
    from index.embed import get_embedder
    from index.retrieval.snapshot import load_snapshot

    out = {"setup": _prepare(db)}
    store = Store(db)
    emb = get_embedder(EMBEDDER)
    snap = load_snapshot(work / "index", None, emb.info.key, store)
    assert snap is not None
    qs = json.loads((work / QUESTIONS_FILE).read_text(encoding="utf-8"))[:questions]
    toks = [snap.lexical.query_tokens(q) for q in qs]
    truth = []
    for tokens in toks:
        rows, _sc = snap.lexical.segment_postings(tokens)[0].top(10, None)
        truth.append(set(snap.segments[0].ids[rows].tolist()))
    for name, kw in FILTER_KINDS.items():
        out[name] = _filter_run(store, PassageFilter(**kw), toks, truth if name == "none" else None)
    store.close()
    return out


def _filter_run(
    store: Store, flt: PassageFilter, toks: list[list[str]], truth: list[set] | None
) -> dict:
    times: dict[str, list[float]] = {"old": [], "new": []}
    rec: dict[str, list[float]] = {"old_vs_bm25s": [], "new_vs_bm25s": [], "new_vs_old": []}
    for i, tokens in enumerate(toks):
        with pg_reads(store, flt) as r:
            known = r.terms(sorted(set(tokens)))
            weights = bm25_weights(tokens, known, r.totals()[0])
            stems = sorted({t for t in tokens if t in known})
            if not weights:
                continue
            t0 = time.perf_counter()
            old = old_bm25_top(r, stems, weights, POOL)[:10]
            times["old"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            new = r.bm25_top(weights, POOL)[0][:10].tolist()
            times["new"].append(time.perf_counter() - t0)
        if old:
            rec["new_vs_old"].append(len(set(old) & set(new)) / len(old))
        if truth is not None and truth[i]:
            rec["old_vs_bm25s"].append(len(truth[i] & set(old)) / len(truth[i]))
            rec["new_vs_bm25s"].append(len(truth[i] & set(new)) / len(truth[i]))
    res: dict = {k: _pct(v) for k, v in times.items()}
    res.update({f"recall@10 {k}": round(float(np.mean(v)), 4) for k, v in rec.items() if v})
    return res
