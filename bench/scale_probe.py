"""The serving side of the scale benchmark: a fresh process that answers questions.

Started by ``python -m bench.scale`` as ``python -m bench.scale --probe DATA``
so that cold start and peak memory are this process's own: time to the first
answer, warm latency per step over 200 questions, peak RSS, and hit@5 of the
dev questions among the generated distractors.
"""

from __future__ import annotations

import json
import os
import re
import resource
import time
from pathlib import Path

import numpy as np

_STRIP = re.compile(r"[\W_]+", re.UNICODE)


def _norm(t: str) -> str:
    return _STRIP.sub("", t.lower())


def _peak_rss_mib() -> float:
    """This process's own peak RSS.

    Not ``getrusage``: its ``ru_maxrss`` survives fork and exec, so a probe started
    by the benchmark would report the parent's peak (the index build, 20 GiB at 1M).
    """
    with open(f"/proc/{os.getpid()}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _pct(xs: list[float]) -> dict[str, float]:
    a = np.array(xs) * 1000
    return {f"p{q}": round(float(np.percentile(a, q)), 1) for q in (50, 95, 99)}


def _timed_pass(bot: object, questions: list[str]) -> dict:
    """Latency of each question end to end, by step, and retrieval without embedding."""
    from bot.answer.composition import compose
    from index.retrieval import one_thread

    steps: dict[str, list[float]] = {}
    totals, retrieval = [], []
    for q in questions:
        with one_thread():  # as the service answers a question
            t0 = time.perf_counter()
            res = bot.searcher.search(q, k=5)  # type: ignore[attr-defined]
            t1 = time.perf_counter()
            compose(bot.store, bot.embedder, res, k=5)  # type: ignore[attr-defined]
            t2 = time.perf_counter()
        for name, sec in res.timings.items():
            steps.setdefault(name, []).append(sec)
        steps.setdefault("compose", []).append(t2 - t1)
        totals.append(t2 - t0)
        retrieval.append(t1 - t0 - res.timings.get("embed", 0.0))
    return {
        "warm_ms": _pct(totals),
        "retrieval_without_embedding_ms": _pct(retrieval),
        "step_ms_p50": {k: round(float(np.median(v)) * 1000, 2) for k, v in steps.items()},
        "step_ms_p95": {k: _pct(v)["p95"] for k, v in steps.items()},
    }


def _read_into_page_cache(folder: Path) -> dict:
    """Read every index file once, as a server that has run a while holds them in memory.

    The exact vectors and sparse rows that re-scoring reads with ``pread`` live in
    these files; how much of them the build left in the OS page cache depends on
    the host (at 1M on 94d0087 most: 4.4 GiB read in 0.9 s). The bytes are
    reported: serving at the second pass's speed needs that much free memory for
    the page cache, on top of the process's own RSS.
    """
    t, size = time.perf_counter(), 0
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            with open(f, "rb") as fh:
                while chunk := fh.read(1 << 24):
                    size += len(chunk)
    return {"mib": round(size / 2**20, 1), "s": round(time.perf_counter() - t, 1)}


def probe(data: Path, embedder: str, qfile: Path) -> dict:
    """Serving process: cold start to first answer, warm latencies by step, RSS, hit@5.

    The 200 questions are timed as the process finds the page cache after the
    build; then 200 others of the same kind after the index files were read once
    (``cached``): others, so that the rows the first pass read do not flatter it.
    """
    from bot.service import Ratsbot
    from bot.settings import Settings

    spec = json.loads(qfile.read_text())
    bot = Ratsbot(Settings(data_dir=data, embedder=embedder, corpus_dirs=()))
    bot.ask(spec["questions"][0])
    first_answer = time.time()
    first = _timed_pass(bot, spec["questions"])
    page_cache = _read_into_page_cache(data / "index")
    cached = _timed_pass(bot, spec.get("others") or spec["questions"])
    hit5, missed = _dev_ranks(bot, spec["dev"])
    return {
        "first_answer_epoch": first_answer,
        **first,
        "cached": {**cached, "index_read_into_page_cache": page_cache},
        "peak_rss_mib": _peak_rss_mib(),
        "hit@5": hit5,
        "dev_missed": missed,  # question id: evidence rank in the top 30, or None
        "segments": len(bot.searcher.snapshot.segments),
        "sentence_index": bot.searcher.snapshot.use_sentences,
        "dense_kind": bot.searcher.snapshot.segments[0].dense.kind,
    }


def _hit5(bot: object, dev: list[dict]) -> float | None:
    """Share of dev questions whose evidence is in one of the top five chunks."""
    return _dev_ranks(bot, dev)[0]


def _dev_ranks(bot: object, dev: list[dict]) -> tuple[float | None, dict[str, int | None]]:
    """hit@5, and for each question that misses the rank of its evidence in the top 30.

    The misses are looked up with a second, deeper search (``k`` sets the fusion
    depth, so hit@5 keeps the ``k=5`` search the answers use); None is deeper still.
    """
    if not dev:
        return None, {}
    hits, missed = 0, {}
    for d in dev:
        ev = [_norm(e) for e in d["evidence"]]
        if _rank(bot, d["question"], ev, 5) is not None:
            hits += 1
        else:
            missed[d.get("id", d["question"])] = _rank(bot, d["question"], ev, 30)
    return round(hits / len(dev), 3), missed


def _rank(bot: object, question: str, evidence: list[str], k: int) -> int | None:
    res = bot.searcher.search(question, k=k)  # type: ignore[attr-defined]
    texts = _chunk_texts(bot, [h.chunk_id for h in res.hits[:k]])
    return next((i + 1 for i, t in enumerate(texts) if any(e in _norm(t) for e in evidence)), None)


def _chunk_texts(bot: object, ids: list[int]) -> list[str]:
    from sqlalchemy import select

    from index.store.tables import Chunk

    with bot.store.session() as s:  # type: ignore[attr-defined]
        by_id = dict(s.execute(select(Chunk.id, Chunk.text).where(Chunk.id.in_(ids))).all())
    return [by_id[i] for i in ids if i in by_id]  # in the order asked
