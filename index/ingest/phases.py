"""Test hook: die (SIGKILL) at a named phase of an ingest, to prove crash safety.

``RATSBOT_TEST_KILL_AT=<phase>`` makes the process kill itself, without any
clean-up, when it reaches that phase. The variable is read here and nowhere
else; unset (always, outside the crash tests) every call is a no-op. Phases:

``parsed``     all files parsed, nothing embedded or written
``embedding``  after the first batch of vectors went into the cache
``writing``    inside the document transaction, before its commit
``committed``  store committed, index files not yet written
``vectors``    a small upload committed without vectors: after its first batch of
               chunk vectors went into the cache (index/sentence_fill.py)
``index``      a new index segment renamed into place, its generation not yet
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

ENV = "RATSBOT_TEST_KILL_AT"
PHASES = ("parsed", "embedding", "writing", "committed", "vectors", "index")


def _armed() -> str | None:
    return os.environ.get(ENV) or None


def reached(phase: str) -> None:
    """Kill this process now if the crash test asked for ``phase``."""
    if _armed() == phase:
        os.kill(os.getpid(), signal.SIGKILL)


def arm_index_writes() -> None:
    """For the ``index`` phase: die right after the first segment is renamed into place.

    The index code is not ours to instrument, so its segment writer is wrapped
    from here, and only when the phase is armed.
    """
    if _armed() != "index":
        return
    import index.retrieval.snapshot as snapshot

    real = snapshot.save_segment
    if getattr(real, "_killpoint", False):
        return

    def save_then_die(seg: Any, index_dir: Path) -> Path:
        out = real(seg, index_dir)
        reached("index")
        return out

    save_then_die._killpoint = True  # type: ignore[attr-defined]
    snapshot.save_segment = save_then_die  # type: ignore[assignment]
