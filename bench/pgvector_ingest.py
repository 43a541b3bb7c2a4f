"""Ingest-to-answerable of bench/pgvector.py: replica A ingests, replica B answers from it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from bench.pgvector_corpus import EMBEDDER, sentences

WORD = "Quellwasserspender"
HEADER = """Niederschrift

Gremium:\tSitzungsdatum:\tSitzungsart:
Ausschuss für Umwelt, Stadtgestaltung und Wohnen\t03.03.2022\töffentlich

zu TOP 4

{title}

"""


def _minutes(path: Path, tag: str) -> None:
    """About 50 passages of minutes; one paragraph names the new subject."""
    rng = np.random.default_rng(len(tag))
    pool = sentences()
    paras = [" ".join(pool[int(i)] for i in rng.integers(len(pool), size=6)) for _ in range(60)]
    paras[30] = (
        f"Der Ausschuss beschließt, {WORD}{tag} an allen Schulen aufzustellen. "
        f"Die {WORD}{tag} kosten 85.000 Euro."
    )
    path.write_text(HEADER.format(title=f"{WORD}{tag}") + "\n\n".join(paras), encoding="utf-8")


def ingest_to_answerable(backend: str, db: str, work: Path, timeout: float = 600) -> dict:
    """Seconds from the start of A's ingest until B, asking meanwhile, quotes the new minutes
    (``committed_s``: until A's commit; ``ingest_s``: A's whole run, vectors included)."""
    from bot.service import Ratsbot
    from bot.settings import Settings

    def replica(name: str) -> Ratsbot:
        data = work / f"ingest-{backend}-{name}"
        return Ratsbot(
            Settings(
                data_dir=data, database_url=db, embedder=EMBEDDER, search=backend, corpus_dirs=()
            )
        )

    a, b = replica("a"), replica("b")
    question = f"Was kosten die {WORD}{backend}?"
    a.ask(question)  # both warm (an embedded replica has built its index files by now)
    b.ask(question)
    doc = work / f"new-{backend}.txt"
    _minutes(doc, backend)
    out: dict = {}
    t0 = time.perf_counter()

    asks: list[tuple[float, float]] = []  # (start, seconds) of B's questions meanwhile

    def poll() -> None:  # replica B asks while A ingests
        while time.perf_counter() - t0 < timeout:
            start = time.perf_counter()
            quoted = any(WORD in q.text for q in b.ask(question).quotes)
            asks.append((start - t0, time.perf_counter() - start))
            if quoted:
                out["answerable_b_s"] = round(time.perf_counter() - t0, 2)
                return
            time.sleep(0.1)

    watcher = threading.Thread(target=poll)
    watcher.start()
    report = a.ingest([doc])
    out.update(ingest_s=round(time.perf_counter() - t0, 2), chunks=report.chunks_added)
    out["committed_s"] = round(report.seconds_searchable, 2)
    watcher.join()
    # where the wait went: B's questions, and the slowest of them (start, seconds)
    out["b_asks"] = len(asks)
    slowest = max(asks, key=lambda x: x[1], default=(0.0, 0.0))
    out["b_slowest_ask"] = [round(slowest[0], 2), round(slowest[1], 2)]
    a.close()
    b.close()
    return out
