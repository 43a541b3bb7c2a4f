"""The ingest lock: two ingests never interleave, even across processes.

A lock file in the data directory serialises ingests of one host. Questions
never take it: they read the index generation that was complete when they
started.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import IngestRunning


@contextmanager
def data_dir_lock(
    data_dir: Path, *, wait: bool = True, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """An exclusive lock file: two ingests never interleave, even across processes.

    If another process holds it, ``on_wait`` is called once (the CLI prints
    "waiting…") and the lock is awaited, or with ``wait=False`` refused.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".ingest.lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise IngestRunning(
                    "another ingest is running on this data directory; try again later"
                ) from None
            if on_wait is not None:
                on_wait()
            fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
