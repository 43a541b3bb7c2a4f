"""What an ingest tells its caller as it runs: named phases, published generations.

``ingest_paths(..., on_phase=...)`` calls the hook with each :class:`Phase` as
the run reaches it; the crash tests (tests/index/ingest/crash_driver.py) kill
the process there to prove that no moment of an ingest can lose data. Outside
the tests nobody passes a hook and every call is a no-op.

A :class:`Publisher` serves questions from the store (the bot service holds
one): the ingest tells it each time a new generation may be shown, so new
minutes are answerable before all their vectors exist. The ingest never reaches
into its caller beyond this one call.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Protocol

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


class Publisher(Protocol):
    """Whoever answers from the store; told when a new generation may be shown."""

    def published(self, *, complete: bool, chunks_added: int) -> None:
        """The store holds a new generation (or, at the end of a run, its last one).

        ``complete``: the run is over and every vector it owes is in. Otherwise
        vectors still follow and another call comes; a publisher may skip this
        one rather than build its index twice. ``chunks_added``: how many chunks
        this generation added or completed with vectors.
        """
        ...
