"""One replica process of bench/pgvector.py: start cold, answer, report memory and latency.

    python -m bench.pgvector_replica BACKEND URL DATA_DIR QUESTIONS N GO_FILE OUT_JSON

Starts a ``Ratsbot`` on its own empty data dir (embedded: it builds its index files
from the store, as every new replica must; postgres: nothing to build), answers
until warm, writes OUT.ready, waits for GO_FILE, then answers N questions: first
``search`` alone (per-step timings), then the whole ``ask``. Writes OUT_JSON.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.pgvector_corpus import EMBEDDER, FILTER_KINDS


def _pct(xs: list[float]) -> dict:
    a = np.asarray(xs) * 1000
    return {
        "p50": round(float(np.percentile(a, 50)), 1),
        "p95": round(float(np.percentile(a, 95)), 1),
    }


def main(argv: list[str]) -> None:
    backend, url, data, qfile, n, go, out = argv
    from bot.service import Ratsbot
    from bot.settings import Settings

    questions = json.loads(Path(qfile).read_text(encoding="utf-8"))
    t = time.perf_counter()
    bot = Ratsbot(
        Settings(
            data_dir=Path(data), database_url=url, embedder=EMBEDDER, search=backend, corpus_dirs=()
        )
    )
    bot.ask(questions[0])
    cold = time.perf_counter() - t
    for q in questions[1:6]:
        bot.ask(q)
    rss_warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(out).with_suffix(".ready").touch()
    while not Path(go).exists():
        time.sleep(0.05)
    asks: list[float] = []
    t0 = time.perf_counter()
    for i in range(int(n)):  # answers only: the throughput phase, all replicas at once
        t = time.perf_counter()
        bot.ask(questions[i % len(questions)])
        asks.append(time.perf_counter() - t)
    serve = time.perf_counter() - t0
    steps: dict[str, list[float]] = {}
    for i in range(int(n)):  # then search alone, for its per-step timings
        res = bot.searcher.search(questions[i % len(questions)], k=5)
        for k, v in res.timings.items():
            steps.setdefault(k, []).append(v)
    filtered = _filtered(bot, questions, min(int(n), 50))
    report = {
        "cold_start_s": round(cold, 2),
        "rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_warm_mib": round(rss_warm, 1),
        "steps_ms": {k: _pct(v) for k, v in steps.items()},
        "ask_ms": _pct(asks),
        "answered": int(n),
        "serve_s": round(serve, 2),
        "index_files": (Path(data) / "index").exists(),
        "filtered_ms": filtered,
    }
    Path(out).write_text(json.dumps(report))
    bot.close()


def _filtered(bot: Any, questions: list[str], n: int) -> dict:
    """Per filter kind, p50/p95 of the whole ``search`` and of its steps."""
    from index.retrieval import Filters

    out: dict = {}
    for kind, kw in FILTER_KINDS.items():
        steps: dict[str, list[float]] = {"search": []}
        for q in questions[:n]:
            t = time.perf_counter()
            res = bot.searcher.search(q, k=5, filters=Filters(**kw))
            steps["search"].append(time.perf_counter() - t)
            for k, v in res.timings.items():
                steps.setdefault(k, []).append(v)
        out[kind] = {k: _pct(v) for k, v in steps.items()}
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
