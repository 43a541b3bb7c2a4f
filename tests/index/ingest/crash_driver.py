"""Run one ingest that kills itself (SIGKILL) when it reaches a named phase.

    python -m tests.index.ingest.crash_driver PHASE PATH...

Settings come from the environment, as for ``ratsbot ingest``. ``PHASE`` is one
of ``index.ingest.Phase`` (the ingest calls its ``on_phase`` hook there) or
``index``: right after the first new index segment is renamed into place, its
generation not yet written. Saving segments is the searcher's business, not the
ingest's, so for that phase this test-side script wraps the segment writer of
its own process; production code never patches anything.

Exits 0 if the phase was never reached (the test then fails on the exit code).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from bot.service import open_service
from bot.settings import Settings
from index.ingest import Phase

INDEX = "index"
PHASES = (
    Phase.PARSED,
    Phase.EMBEDDING,
    Phase.WRITING,
    Phase.COMMITTED,
    Phase.VECTORS,
    INDEX,
)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def die_at(wanted: str) -> Any:
    """An ``on_phase`` hook that kills this process at ``wanted``."""

    def on_phase(phase: str) -> None:
        if phase == wanted:
            die()

    return on_phase


def die_after_first_segment() -> None:
    """Wrap the snapshot's segment writer: the first saved segment is the last act."""
    import index.retrieval.snapshot as snapshot

    real = snapshot.save_segment

    def save_then_die(seg: Any, index_dir: Path) -> Path:
        real(seg, index_dir)
        die()
        raise AssertionError("unreachable")

    snapshot.save_segment = save_then_die


def main(argv: list[str]) -> int:
    phase, *paths = argv
    if phase not in PHASES:
        raise SystemExit(f"unknown phase {phase!r}; one of {', '.join(PHASES)}")
    if phase == INDEX:
        die_after_first_segment()
    bot = open_service(Settings.from_env())
    try:
        bot.ingest([Path(p) for p in paths], on_phase=die_at(phase))
    finally:
        bot.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
