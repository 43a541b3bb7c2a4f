"""The postgres half of bench/pgvector.py on a corpus an earlier run built and left.

    python -m bench.pgvector_reuse WORK [--questions 100] [--probe-questions 40] [--bm25]
    python -m bench.pgvector_reuse WORK --build 1000000   # only the postgres side's corpus

At 1M passages the generation and the first fill take most of an hour, and the
embedded replicas each rebuild their index for about as long again. ``WORK`` is the
work folder of a ``bench.pgvector`` run stopped after its fill (its pgvector server
in ``WORK/pg``, database ``ratsbot_bench``, ``questions.json``): this measures the
postgres replicas there (cold start, memory, per-step latency, 1 and 2 replicas,
ingest-to-answerable) and the dense channel's recall against exact search per
filter; ``--bm25`` adds the four BM25 ways (slow at this size). The embedded side
is the scale benchmark's (bench/scale.py, its 1M sections). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sqlalchemy import text

from bench import pgvector_probe
from bench.pgserver import build_memory_mb, database_url, kept_server, new_database
from bench.pgvector import _replicas, _throughput
from bench.pgvector_corpus import EMBEDDER, QUESTIONS_FILE, make_questions, write_corpus
from bench.scale_report import code_version, machine


def _sample_vectors(store, n: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    with store.session() as s:
        rows = s.execute(
            text("SELECT CAST(embedding AS text) FROM pg_passages TABLESAMPLE SYSTEM (1) LIMIT :n"),
            {"n": n},
        ).all()
    return np.array([json.loads(r[0]) for r in rows], dtype=np.float32)


def build(
    work: Path, n_chunks: int, questions: int, db: str = "ratsbot_bench", embedded: bool = False
) -> dict:
    """The corpus of ``bench.pgvector`` in ``WORK`` for the postgres side: the generated
    passages and the search tables; with ``embedded`` also the embedded index in
    ``WORK/index`` (bench/pgbm25.py ranks against its bm25s)."""
    from index.embed import get_embedder
    from index.retrieval import PgSearcher, Searcher
    from index.store import Store

    work.mkdir(parents=True, exist_ok=True)
    store = Store(new_database(kept_server(work), db, n_chunks))
    emb = get_embedder(EMBEDDER)
    out: dict = {"chunks": n_chunks, "build_mb": build_memory_mb(n_chunks)}
    steps = [("generate_s", lambda: write_corpus(store, n_chunks, emb.info.key))]
    if embedded:
        steps.append(("embedded_build_s", Searcher(store, emb, work / "index").refresh))
    steps.append(("pg_fill_s", PgSearcher(store, emb).prepare))
    for key, step in steps:
        t = time.perf_counter()
        step()
        out[key] = round(time.perf_counter() - t, 1)
    make_questions(store, work / QUESTIONS_FILE, questions)
    store.close()
    return out


def run(work: Path, questions: int, probe_questions: int, bm25: bool) -> dict:
    from bench.pgvector_ingest import ingest_to_answerable
    from index.embed import get_embedder
    from index.store import Store

    started = time.perf_counter()
    db = database_url(kept_server(work), "ratsbot_bench")
    store = Store(db)
    res: dict = {"machine": machine(), "code": code_version()}
    with store.session() as s:
        res["chunks"] = int(s.execute(text("SELECT count(*) FROM pg_passages")).scalar() or 0)
    one = _replicas("postgres", db, work, 1, questions)
    two = _replicas("postgres", db, work, 2, questions)
    res["postgres"] = {
        "one": one[0],
        "throughput_1": round(_throughput(one), 1),
        "throughput_2": round(_throughput(two), 1),
    }
    rng = np.random.default_rng(3)
    vectors = _sample_vectors(store, 2000)  # the exact scans of 1M rows take a second each
    res["recall"] = pgvector_probe.dense_recall(store, vectors, rng, probe_questions)
    if bm25:
        emb = get_embedder(EMBEDDER)
        index, qfile = work / "data-build" / "index", work / QUESTIONS_FILE
        res["bm25"] = pgvector_probe.bm25_variants(store, index, emb, qfile, probe_questions)
    res["sizes"] = pgvector_probe.table_sizes(store, work / "data-build" / "index")
    res["postgres"]["ingest"] = ingest_to_answerable("postgres", db, work)
    store.close()
    res["total_s"] = round(time.perf_counter() - started, 1)
    return res


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("work", type=Path)
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--probe-questions", type=int, default=40)
    ap.add_argument("--bm25", action="store_true")
    ap.add_argument("--build", type=int, metavar="N", help="first write N passages in WORK")
    args = ap.parse_args(argv)
    if args.build:
        print(json.dumps(build(args.work, args.build, max(args.questions, 200))), flush=True)
    print(json.dumps(run(args.work, args.questions, args.probe_questions, args.bm25), indent=1))


if __name__ == "__main__":
    main()
