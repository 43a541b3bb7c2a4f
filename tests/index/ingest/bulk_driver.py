"""Run one bulk ingest in commit batches that kills itself (SIGKILL) in its second batch.

    python -m tests.index.ingest.bulk_driver COMMIT_EVERY PATH...

Settings come from the environment, as for ``ratsbot ingest``. The process dies
at the first ``Phase.EMBEDDING`` after the first batch was committed: one batch
is in the store, the next one half embedded (crash_driver.py kills single-batch
runs at every phase).
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.settings import Settings
from index.embed import get_embedder
from index.ingest import Phase, ingest_paths
from index.store import Store
from tests.index.ingest.crash_driver import die


def main(argv: list[str]) -> int:
    every, *paths = argv
    settings = Settings.from_env()
    store = Store(settings.db_url)
    committed = False

    def on_phase(phase: str) -> None:
        nonlocal committed
        if phase == Phase.COMMITTED:
            committed = True
        elif phase == Phase.EMBEDDING and committed:
            die()

    try:
        ingest_paths(
            store,
            get_embedder(settings.embedder),
            [Path(p) for p in paths],
            commit_every=int(every),
            on_phase=on_phase,
            show_bar=False,
        )
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
