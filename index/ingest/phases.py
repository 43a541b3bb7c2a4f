"""The named phases of an ingest, for a caller that wants to act at each one.

``ingest_paths(..., on_phase=...)`` calls the hook with each phase as the run
reaches it; the crash tests (tests/index/ingest/crash_driver.py) kill the
process there to prove that no moment of an ingest can lose data. Outside the
tests nobody passes a hook and every call is a no-op.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

PhaseHook = Callable[[str], None]


class Phase(StrEnum):
    """Where an ingest stands when it calls ``on_phase``."""

    PARSED = "parsed"  # all files parsed, nothing embedded or written
    EMBEDDING = "embedding"  # after each batch of chunk vectors went into the cache
    WRITING = "writing"  # inside the document transaction, before its commit
    COMMITTED = "committed"  # store committed, the new generation not published yet
    VECTORS = "vectors"  # after each batch of vectors for chunks committed without them
    SENTENCES = "sentences"  # after each batch of sparse or sentence vectors


def reached(on_phase: PhaseHook | None, phase: Phase) -> None:
    """Tell the hook, if any, that the run reached ``phase``."""
    if on_phase is not None:
        on_phase(phase)
