"""A long ingest in commit batches: resumable after a kill, never redoing a finished file.

The source files are taken a batch at a time (``COMMIT_EVERY_FILES``): parsed,
embedded (in this process, or in worker processes, index/ingest/workers.py),
then committed in one transaction with a new generation. A run killed in the
middle keeps every committed batch, and the vectors of the batch it was in
(the cache is written per embedding batch): the next run skips the committed
documents as unchanged and embeds nothing it has already. A run of one batch
(every upload, the bundled corpus) behaves exactly as before: one commit.
Questions keep using the index generation they had until the run publishes
(a bulk batch is too large to be shown early, ``Searcher.published``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from index.embed import Embedder
from index.ingest.commit import commit_plan
from index.ingest.oparl_write import import_oparl_files
from index.ingest.phases import Phase, PhaseHook, Publisher, reached
from index.ingest.plan import FileScope, Plan, plan_files
from index.ingest.progress import IngestProgress
from index.ingest.vectors import embed_planned
from index.ingest.workers import Prepared, prepare_in_workers
from index.store import IngestReport, Store, stored_versions

COMMIT_EVERY_FILES = 200  # a batch: a few minutes of embedding at the model's speed here


@dataclass(frozen=True)
class BulkOptions:
    """How a run goes: rewrite everything, cap a document's size, defer small additions."""

    roots: list[Path]
    scope: FileScope
    force: bool
    max_chunks: int
    defer_up_to: int = 0
    workers: int = 1
    commit_every: int = COMMIT_EVERY_FILES


class Hears(NamedTuple):
    """Who hears of a run as it goes: its progress display, a publisher, a phase hook."""

    progress: IngestProgress
    publisher: Publisher | None = None
    on_phase: PhaseHook | None = None


def ingest_files(
    store: Store,
    embedder: Embedder,
    files: list[Path],
    report: IngestReport,
    opts: BulkOptions,
    hears: Hears,
) -> None:
    """Parse, embed and commit ``files`` batch by batch; outcomes go into ``report``."""
    progress, publisher, on_phase = hears
    stored = stored_versions(store)
    prepared = _prepared(store, embedder, files, stored, opts, progress, on_phase)
    plan, part_report = Plan(corpus_was_empty=not stored), IngestReport()
    part_report.failed, report.failed = report.failed, []  # paths not found: the first batch's
    in_batch, committed = 0, False
    for part in prepared:
        _merge(plan, part_report, part)
        progress.files_done(part.files, len(part.plan.documents), part.chars)
        in_batch += len(part.files)
        if in_batch >= opts.commit_every:
            _commit(store, embedder, plan, part_report, publisher, on_phase)
            _add(report, part_report)
            plan, part_report = Plan(corpus_was_empty=False), IngestReport()
            in_batch, committed = 0, True
    if in_batch or not committed:
        _commit(store, embedder, plan, part_report, publisher, on_phase)
        _add(report, part_report)


def _commit(
    store: Store,
    embedder: Embedder,
    plan: Plan,
    report: IngestReport,
    publisher: Publisher | None,
    on_phase: PhaseHook | None,
) -> None:
    """One batch in one transaction (its own row in the run log), told to ``publisher``."""
    import_oparl_files(store, plan.oparl, report)
    commit_plan(store, embedder.info.key, plan, report, on_phase)
    if publisher is not None and plan.changes_documents:
        publisher.published(complete=False, chunks_added=plan.chunk_count)


def _add(total: IngestReport, part: IngestReport) -> None:
    for name in (
        "added",
        "changed",
        "unchanged",
        "removed",
        "failed",
        "notes",
        "kept_removed",
        "new_document_ids",
    ):
        getattr(total, name).extend(getattr(part, name))
    total.chunks_added += part.chunks_added
    total.chunks_embedded += part.chunks_embedded


def _prepared(
    store: Store,
    embedder: Embedder,
    files: list[Path],
    stored: dict,
    opts: BulkOptions,
    progress: IngestProgress,
    on_phase: PhaseHook | None,
) -> Iterator[Prepared]:
    """Each batch's files parsed and embedded, in order: here or in worker processes."""
    if opts.workers > 1:
        setup = {
            "db_url": store.url,
            "roots": opts.roots,
            "scope": opts.scope,
            "stored": stored,
            "force": opts.force,
            "max_chunks": opts.max_chunks,
        }
        yield from prepare_in_workers(setup, embedder, files, opts.workers, progress.tick)
        return
    single = len(files) <= opts.commit_every
    for i in range(0, len(files), opts.commit_every):
        batch = files[i : i + opts.commit_every]
        part = IngestReport()
        plan = plan_files(
            batch,
            opts.roots,
            stored,
            part,
            opts.scope,
            force=opts.force,
            max_chunks=opts.max_chunks,
        )
        reached(on_phase, Phase.PARSED)
        defer = single and _defers(plan, opts.defer_up_to, first_run=not stored)
        chars = sum(len(p.doc.text) for p in plan.documents)
        embedded = embed_planned(
            store,
            embedder,
            plan.documents,
            progress.within(batch, chars),
            defer=defer,
            on_phase=on_phase,
        )
        yield Prepared(
            batch, plan, part.unchanged, part.failed, embedded, chars, part.notes,
            part.kept_removed,
        )  # fmt: skip


def _defers(plan: Plan, defer_up_to: int, *, first_run: bool) -> bool:
    """Commit before any vector: a small addition to a corpus questions are asked of.

    A first ingest is not searched meanwhile, so it embeds before its commit.
    """
    return not first_run and 0 < plan.chunk_count <= defer_up_to


def _merge(plan: Plan, report: IngestReport, part: Prepared) -> None:
    plan.documents.extend(part.plan.documents)
    plan.stale.extend(part.plan.stale)
    plan.oparl.extend(part.plan.oparl)
    report.unchanged.extend(part.unchanged)
    report.failed.extend(part.failed)
    report.notes.extend(part.notes)
    report.kept_removed.extend(part.kept_removed)
    report.chunks_embedded += part.embedded
