"""Run one ingest queue worker, optionally one that kills itself (SIGKILL) mid-job.

    python -m tests.index.ingest.queue_driver [--die-in-job N] [--burst]

Settings come from the environment, as for ``ratsbot queue work``. With
``--die-in-job N`` the worker dies inside its N-th ingest job, in the document
transaction before its commit (``Phase.WRITING``, the ``on_phase`` hook of the
crash tests, crash_driver.py). Heartbeats and the stalled-job timeout are short
(0.5 s, 3 s), so the other worker puts the dead one's job back within seconds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.service import open_service
from bot.settings import Settings
from index.ingest import Phase, QueueWorker
from tests.index.ingest.crash_driver import die


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--die-in-job", type=int, default=0)
    ap.add_argument("--burst", action="store_true")
    args = ap.parse_args(argv)
    bot = open_service(Settings.from_env())
    commits = 0

    def on_phase(phase: str) -> None:
        nonlocal commits
        if phase == Phase.WRITING:
            commits += 1
            if commits == args.die_in_job:
                die()

    roots = [p for p in bot.settings.corpus_dirs if Path(p).is_dir()]
    worker = QueueWorker(
        bot.store, bot.embedder, roots, on_phase=on_phase, heartbeat=0.5, stalled_after=3.0
    )
    try:
        worker.run(wait=not args.burst)
    finally:
        bot.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
