"""Parsing and embedding in worker processes: ``ratsbot ingest --workers N``.

Each worker opens its own store connection and its own copy of the embedder,
parses one source file at a time and runs the pipeline's own embedding step
on them (:func:`index.ingest.vectors.embed_planned`), which writes the vectors
into the store's cache. The planned documents go back to the main process,
which commits them in batches (index/ingest/bulk.py): the commit finds every
vector cached and embeds nothing. A worker limits its math libraries to its
share of the cores, so N workers together use the machine once.

Workers are started with ``spawn`` (never ``fork``: a parent that already ran a
model may hold thread pools a fork would copy half-initialised).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.embed import Embedder
from index.ingest.plan import FileScope, Plan, plan_files
from index.ingest.vectors import embed_planned
from index.store import FileFailure, IngestReport, Store, StoredVersion

FILES_PER_TASK = 1  # a file per task: the workers stay evenly busy to the end
MIN_FILES_PER_WORKER = 2  # fewer files are not worth starting a process for
TICK_EVERY = 2.0  # seconds: how often a caller waiting on a long file hears ``tick``


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class Prepared:
    """What a worker made of a few source files: planned documents, embedded."""

    files: list[Path]
    plan: Plan
    unchanged: list[str] = field(default_factory=list)
    failed: list[FileFailure] = field(default_factory=list)
    embedded: int = 0
    chars: int = 0
    notes: list[str] = field(default_factory=list)
    kept_removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WorkerSetup:
    """Everything a worker needs, sent once when it starts."""

    db_url: str
    embedder: Recipe
    roots: list[Path]
    scope: FileScope
    stored: dict[str, StoredVersion]
    force: bool
    max_chunks: int
    threads: int


_LOCK = type(threading.Lock())
Recipe = tuple[type[Embedder], dict[str, Any], list[str]]


def _portable(embedder: Embedder) -> Recipe:
    """The embedder's class and settings, without a loaded model or its locks."""
    state = vars(embedder)
    locks = [k for k, v in state.items() if isinstance(v, _LOCK)]
    kept = {k: v for k, v in state.items() if k not in locks}
    if "_model" in kept:
        kept["_model"] = None  # each worker loads its own, late
    return type(embedder), kept, locks


def _rebuild(recipe: Recipe) -> Embedder:
    cls, state, locks = recipe
    obj = cls.__new__(cls)
    obj.__dict__.update(state)
    for name in locks:
        setattr(obj, name, threading.Lock())
    return obj


_W: dict[str, Any] = {}  # the worker process's own store, embedder and setup


def _start(setup: WorkerSetup) -> None:
    """Worker initialiser: its share of the cores, its own store and embedder."""
    os.environ["OMP_NUM_THREADS"] = str(setup.threads)
    from threadpoolctl import threadpool_limits

    _W["limits"] = threadpool_limits(setup.threads)
    _W["store"] = Store(setup.db_url)
    _W["embedder"] = _rebuild(setup.embedder)
    _W["setup"] = setup


def prepare(
    store: Store,
    embedder: Embedder,
    files: list[Path],
    roots: list[Path],
    stored: dict[str, StoredVersion],
    scope: FileScope,
    *,
    force: bool,
    max_chunks: int,
) -> Prepared:
    """Parse ``files`` and embed their new chunk texts (the pipeline's own step)."""
    report = IngestReport()
    plan = plan_files(files, roots, stored, report, scope, force=force, max_chunks=max_chunks)
    embedded = embed_planned(store, embedder, plan.documents, None)
    chars = sum(len(p.doc.text) for p in plan.documents)
    return Prepared(
        files, plan, report.unchanged, report.failed, embedded, chars, report.notes,
        report.kept_removed,
    )  # fmt: skip


def _task(files: list[Path]) -> Prepared:
    s: WorkerSetup = _W["setup"]
    return prepare(
        _W["store"],
        _W["embedder"],
        files,
        s.roots,
        s.stored,
        s.scope,
        force=s.force,
        max_chunks=s.max_chunks,
    )


def prepare_in_workers(
    setup_args: dict[str, Any],
    embedder: Embedder,
    files: list[Path],
    workers: int,
    tick: Callable[[], None] | None = None,
) -> Iterator[Prepared]:
    """Prepared groups of ``files``, in order, from ``workers`` processes.

    Every group is submitted at once, so the workers go on while the caller
    commits what came back. While the next group in order is still being
    embedded (one long file can take minutes), ``tick`` is called every few
    seconds, so a progress report keeps its pace.
    """
    cores = default_workers()
    setup = WorkerSetup(
        embedder=_portable(embedder), threads=max(1, cores // workers), **setup_args
    )
    groups = [files[i : i + FILES_PER_TASK] for i in range(0, len(files), FILES_PER_TASK)]
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_start, initargs=(setup,)) as ex:
        futures = [ex.submit(_task, group) for group in groups]
        try:
            for future in futures:
                yield _waited(future, tick)
        finally:  # a caller that stops early leaves nothing queued
            for future in futures:
                future.cancel()


def _waited(future: Future[Prepared], tick: Callable[[], None] | None) -> Prepared:
    while True:
        try:
            return future.result(timeout=TICK_EVERY)
        except FutureTimeout:
            if tick is not None:
                tick()
