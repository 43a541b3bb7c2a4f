"""Ingest workers on several hosts, sharing one PostgreSQL store through a job queue.

The queue is procrastinate's (a kept library; its tables live in the same
PostgreSQL database as the store, applied by :func:`apply_queue_schema`, i.e.
``ratsbot queue init``). ``ratsbot queue add PATH…`` defers one job per source
file; ``ratsbot queue work`` on any host that sees the same paths (a shared
folder) takes jobs one at a time. A job parses its file and runs the pipeline's
own embedding step (index/ingest/workers.py: ``prepare``), then commits its
documents in one transaction, exactly as a local ingest commits a batch.

Nothing is done twice: a job carries its file's key as procrastinate ``lock``
(no two jobs of one file run at once) and ``queueing_lock`` (adding a folder
again does not queue a file that waits already); a job that ran before finds
its documents unchanged and writes nothing. Nothing is lost: a worker killed
mid-job leaves its job ``doing`` and stops its heartbeat; every worker looks
for such stalled jobs every few seconds and puts them back in the queue, and
the store holds that file's documents as before the job (one transaction).
The sentence and sparse vectors that follow a commit are filled by one job at
a time (lock ``ratsbot-fill``), so no two workers embed the same text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.embed import Embedder
from index.errors import ConfigError
from index.ingest.commit import commit_plan
from index.ingest.deferred import fill_sentences
from index.ingest.phases import PhaseHook
from index.ingest.plan import FileScope, root_for, source_files
from index.ingest.workers import prepare
from index.store import IngestReport, Store, stored_versions, tombstones

log = logging.getLogger(__name__)

QUEUE = "ratsbot-ingest"
INGEST_TASK = "ratsbot.ingest_file"
FILL_TASK = "ratsbot.fill_pending"
FILL_LOCK = "ratsbot-fill"
MAX_CHUNKS = 20_000
RETRIES = 2


def _conninfo(db_url: str) -> str:
    """``postgresql+psycopg://…`` (SQLAlchemy) → ``postgresql://…`` (libpq)."""
    scheme, sep, rest = db_url.partition("://")
    if not sep or not scheme.startswith("postgres"):
        raise ConfigError("the ingest queue needs a PostgreSQL DATABASE_URL (postgresql://…)")
    return "postgresql://" + rest


def queue_app(db_url: str) -> Any:
    """A procrastinate app on the store's database (not opened yet)."""
    try:
        import procrastinate
    except ImportError as e:
        raise ConfigError(
            "the ingest queue needs procrastinate: pip install 'ratsbot[queue]'"
        ) from e
    connector = procrastinate.PsycopgConnector(conninfo=_conninfo(db_url))
    return procrastinate.App(connector=connector)


def apply_queue_schema(db_url: str) -> bool:
    """Create procrastinate's tables once; False if they were there already."""
    app = queue_app(db_url)
    with app.open():
        try:
            app.job_manager.list_jobs(queue=QUEUE)
            return False
        except Exception:  # no procrastinate_jobs table yet: the library says so its way
            app.schema_manager.apply_schema()
            return True


def enqueue(db_url: str, paths: list[Path], report: IngestReport) -> int:
    """One job per source file under ``paths``; returns how many were queued.

    A file whose job still waits is not queued again. Paths must be the same
    on every worker host (a shared folder); they are made absolute here.
    """
    import procrastinate.exceptions as pe

    files = source_files(paths, report)
    roots = [p.resolve() for p in paths]
    app = queue_app(db_url)
    queued = 0
    with app.open():
        for f in files:
            root = root_for(f.resolve(), roots)
            key = str(f.resolve())
            deferrer = app.configure_task(INGEST_TASK, queue=QUEUE, lock=key, queueing_lock=key)
            try:
                deferrer.defer(path=key, root=str(root) if root else None)
                queued += 1
            except pe.AlreadyEnqueued:
                continue
    return queued


@dataclass
class QueueWorker:
    """One host's worker: its store, its embedder, jobs taken one at a time."""

    store: Store
    embedder: Embedder
    corpus_roots: list[Path] = field(default_factory=list)
    on_phase: PhaseHook | None = None
    heartbeat: float = 10.0
    stalled_after: float = 30.0

    def ingest_file(self, path: str, root: str | None) -> dict[str, int]:
        """The job: parse, embed and commit one file; queue the vectors that follow."""
        f = Path(path)
        roots = [*self.corpus_roots, *([Path(root)] if root else [])]
        report = IngestReport()
        part = prepare(
            self.store,
            self.embedder,
            [f],
            roots,
            stored_versions(self.store),
            FileScope(self.corpus_roots, frozenset(), frozenset(tombstones(self.store))),
            force=False,
            max_chunks=MAX_CHUNKS,
        )
        report.unchanged.extend(part.unchanged)
        report.failed.extend(part.failed)
        report.chunks_embedded = part.embedded
        with self.store.exclusive():  # commits one at a time across hosts; embedding is not
            commit_plan(self.store, self.embedder.info.key, part.plan, report, self.on_phase)
        if part.plan.documents:
            self._queue_fill()
        for failure in report.failed:
            log.warning("ingest job failed: %s", failure.reason)
        for note in part.notes:
            log.info("ingest job: %s", note)
        return {"added": len(report.added), "changed": len(report.changed)}

    def fill_pending(self) -> int:
        """The vectors committed documents still lack (one such job at a time)."""
        return fill_sentences(self.store, self.embedder, on_phase=self.on_phase)

    def _queue_fill(self) -> None:
        import procrastinate.exceptions as pe

        deferrer = self._app.configure_task(
            FILL_TASK, queue=QUEUE, lock=FILL_LOCK, queueing_lock=FILL_LOCK
        )
        with contextlib.suppress(pe.AlreadyEnqueued):
            deferrer.defer()

    def run(self, *, wait: bool = True, concurrency: int = 1) -> None:
        """Take jobs until stopped (``wait=False``: until the queue is empty)."""
        self._app = queue_app(self.store.url)
        # a job that raised (a lost connection, a deadlock) rolled
        # back whole: it is tried again; a file that cannot be read fails in its report
        self._app.task(name=INGEST_TASK, queue=QUEUE, retry=RETRIES)(self.ingest_file)
        self._app.task(name=FILL_TASK, queue=QUEUE, retry=RETRIES)(self.fill_pending)
        asyncio.run(self._run(wait=wait, concurrency=concurrency))

    async def _run(self, *, wait: bool, concurrency: int) -> None:
        async with self._app.open_async():
            sweep = asyncio.create_task(self._requeue_stalled())
            try:
                await self._app.run_worker_async(
                    queues=[QUEUE],
                    concurrency=concurrency,
                    wait=wait,
                    install_signal_handlers=True,
                    update_heartbeat_interval=self.heartbeat,
                    stalled_worker_timeout=self.stalled_after,
                )
            finally:
                sweep.cancel()

    async def _requeue_stalled(self) -> None:
        """Every few seconds: jobs of workers whose heartbeat stopped go back in the queue."""
        while True:
            await requeue_stalled(self._app, self.stalled_after)
            await asyncio.sleep(max(self.heartbeat, 1.0))


async def requeue_stalled(app: Any, stalled_after: float) -> int:
    """Put jobs of dead workers (no heartbeat for ``stalled_after`` s) back in the queue."""
    jobs = await app.job_manager.get_stalled_jobs(
        queue=QUEUE, seconds_since_heartbeat=stalled_after
    )
    n = 0
    for job in jobs:
        await app.job_manager.retry_job(job)
        log.warning("requeued a job of a worker that stopped (job %s)", job.id)
        n += 1
    return n


def queue_counts(db_url: str) -> dict[str, int]:
    """How many jobs of the ingest queue are in each state."""
    app = queue_app(db_url)
    counts: dict[str, int] = {}
    with app.open():
        for job in app.job_manager.list_jobs(queue=QUEUE):
            state = str(getattr(job.status, "value", job.status))
            counts[state] = counts.get(state, 0) + 1
    return counts
