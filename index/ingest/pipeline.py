"""Incremental ingest: plan → embed → commit → publish.

A run parses and chunks its files (index/ingest/plan.py), embeds only texts
whose hash has no cached vector (index/ingest/vectors.py), and then writes the
document changes in ONE transaction (index/ingest/commit.py), so a crash or a
bad file never leaves half a document behind; a bulk import does this per
batch of files (index/ingest/bulk.py), so it resumes after a kill. Unchanged documents
(same content hash) are skipped; a changed one is replaced whole. Each new
generation is published to the caller's :class:`~index.ingest.phases.Publisher`
as soon as questions may see it; the vectors a small upload was committed
without, and every sentence vector, follow (index/ingest/deferred.py).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from index.embed import Embedder
from index.ingest.bulk import COMMIT_EVERY_FILES, BulkOptions, Hears, ingest_files
from index.ingest.deferred import fill_sentences
from index.ingest.phases import PhaseHook, Publisher
from index.ingest.plan import FileScope, source_files
from index.ingest.progress import IngestProgress, Sink
from index.ingest.workers import MIN_FILES_PER_WORKER
from index.store import IngestReport, Store, refuse_other_embedder, tombstones

MAX_CHUNKS_PER_DOCUMENT = 20_000  # ~3 million words; more is a runaway file, not minutes


def check_embedder(store: Store, embedder: Embedder) -> None:
    """Refuse to mix vectors of two embedders in one index."""
    refuse_other_embedder(store, embedder.info.key)


def ingest_paths(
    store: Store,
    embedder: Embedder,
    paths: list[Path],
    *,
    show_bar: bool | None = None,
    corpus_roots: list[Path] | None = None,
    force: bool = False,
    publisher: Publisher | None = None,
    defer_up_to: int = 0,
    on_phase: PhaseHook | None = None,
    workers: int = 1,
    commit_every: int = COMMIT_EVERY_FILES,
    report_line: Sink | None = None,
) -> IngestReport:
    """Ingest files and folders; returns what was added, changed, skipped, failed.

    ``force`` rewrites every document even if unchanged (``reindex --full``);
    the vector cache still saves embedding any text seen before. ``publisher``
    hears of each generation questions may use (``complete=False`` before the
    sentence vectors, then at the end). An ingest of at most ``defer_up_to``
    new chunks into a corpus with documents commits them before their dense
    vectors (BM25 finds them at once; index/ingest/deferred.py embeds next).
    ``on_phase`` hears each :class:`Phase` reached.

    Files are committed ``commit_every`` at a time (index/ingest/bulk.py): a
    killed bulk import resumes where it stopped. ``workers`` > 1 parses and
    embeds in processes (index/ingest/workers.py). ``show_bar``: a bar on
    stderr (default: if a terminal), else ``report_line`` (default: log and
    stderr) gets a line every few seconds.
    """
    t0 = time.perf_counter()
    report = IngestReport()
    check_embedder(store, embedder)
    bar = show_bar if show_bar is not None else sys.stderr.isatty()
    # a file inside a corpus folder is keyed relative to it, however it was named
    roots = [*(corpus_roots or []), *paths]
    files = source_files(paths, report)
    workers = max(1, min(workers, len(files) // MIN_FILES_PER_WORKER))
    named = frozenset(p.resolve() for p in paths if p.is_file())
    scope = FileScope(list(corpus_roots or []), named, frozenset(tombstones(store)))
    opts = BulkOptions(
        roots, scope, force, MAX_CHUNKS_PER_DOCUMENT, defer_up_to, workers, commit_every
    )
    progress = IngestProgress(files, bar=bar, sink=report_line)
    try:
        hears = Hears(progress, publisher, on_phase)
        ingest_files(store, embedder, files, report, opts, hears)
        report.seconds_searchable = time.perf_counter() - t0
        fill = progress.after_commit()
        report.chunks_embedded += fill_sentences(
            store, embedder, progress=fill, publisher=publisher, on_phase=on_phase
        )
    finally:
        progress.close()
    report.seconds = time.perf_counter() - t0
    if publisher is not None:
        publisher.published(complete=True, chunks_added=report.chunks_added)
    return report
