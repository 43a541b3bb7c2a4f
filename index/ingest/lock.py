"""The ingest lock: two ingests never interleave, even across processes.

A lock file in the data directory serialises ingests of one host, and the
store's database lock (``Store.exclusive``: a PostgreSQL advisory lock) those of
every host that shares the database. Questions never wait for either: they read
the index generation that was complete when they started, and write index files
of their own only while nobody else may (:func:`index_writer`).
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from index.errors import IngestRunning
from index.store import Store

# data dir -> the thread of this process that holds its lock file; and that is in ingest_lock
_holders: dict[Path, int] = {}
_ingesting: dict[Path, int] = {}


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
        key = data_dir.resolve()
        _holders[key] = threading.get_ident()
        try:
            yield
        finally:
            _holders.pop(key, None)
            fcntl.flock(f, fcntl.LOCK_UN)


@contextmanager
def index_writer(data_dir: Path) -> Iterator[bool]:
    """May this thread write index folders now? Yields True while it holds the lock file.

    A thread inside :func:`data_dir_lock` (an ingest publishing its generation) may;
    a question that finds a newer generation takes the lock file if it is free, and
    otherwise builds that generation in memory only and leaves the files to the
    lock's holder. Never waits.
    """
    key = data_dir.resolve()
    holder = _holders.get(key)
    if holder is not None:
        yield holder == threading.get_ident()
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".ingest.lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        _holders[key] = threading.get_ident()
        try:
            yield True
        finally:
            _holders.pop(key, None)
            fcntl.flock(f, fcntl.LOCK_UN)


@contextmanager
def ingest_lock(
    store: Store,
    data_dir: Path,
    in_process: AbstractContextManager[object] | None = None,
    *,
    wait: bool = True,
    on_wait: Callable[[], None] | None = None,
) -> Iterator[None]:
    """Everything an ingest must hold: ``in_process`` (the caller's thread lock), the data
    directory's lock file, then the database's lock (``Store.exclusive``).

    The order is the same everywhere, so two processes never wait for each other
    crosswise; ``on_wait`` is called at most once, whichever lock is awaited. The
    thread holding it may enter again (a full re-index runs an ingest inside).
    """
    key = data_dir.resolve()
    if _ingesting.get(key) == threading.get_ident():
        yield
        return
    told = False

    def tell() -> None:
        nonlocal told
        if on_wait is not None and not told:
            told = True
            on_wait()

    with (
        in_process or nullcontext(),
        data_dir_lock(data_dir, wait=wait, on_wait=tell),
        store.exclusive(wait=wait, on_wait=tell),
    ):
        _ingesting[key] = threading.get_ident()
        try:
            yield
        finally:
            _ingesting.pop(key, None)
