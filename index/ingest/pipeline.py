"""Incremental ingest: plan → embed → commit → publish.

A run parses and chunks everything first (index/ingest/plan.py), embeds only
texts whose hash has no cached vector (index/ingest/vectors.py), and then
writes all document changes in ONE transaction (index/ingest/commit.py), so a
crash or a bad file never leaves half a document behind. Unchanged documents
(same content hash) are skipped; a changed one is replaced whole. Each new
generation is published to the caller's :class:`~index.ingest.phases.Publisher`
as soon as questions may see it; the vectors a small upload was committed
without, and every sentence vector, follow (index/ingest/deferred.py).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.embed import Embedder
from index.ingest.commit import commit_plan
from index.ingest.deferred import fill_sentences
from index.ingest.oparl_write import import_oparl_files
from index.ingest.phases import Phase, PhaseHook, Publisher, reached
from index.ingest.plan import Plan, plan_ingest
from index.ingest.vectors import Progress, embed_planned
from index.store import IngestReport, Store, refuse_other_embedder

MAX_CHUNKS_PER_DOCUMENT = 20_000  # ~3 million words; more is a runaway file, not minutes


def check_embedder(store: Store, embedder: Embedder) -> None:
    """Refuse to mix vectors of two embedders in one index."""
    refuse_other_embedder(store, embedder.info.key)


def ingest_paths(
    store: Store,
    embedder: Embedder,
    paths: list[Path],
    *,
    progress: Progress | None = None,
    show_bar: bool | None = None,
    corpus_roots: list[Path] | None = None,
    force: bool = False,
    publisher: Publisher | None = None,
    defer_up_to: int = 0,
    on_phase: PhaseHook | None = None,
) -> IngestReport:
    """Ingest files and folders; returns what was added, changed, skipped, failed.

    ``force`` rewrites every document even if unchanged (``reindex --full``);
    the vector cache still saves embedding any text seen before. ``publisher``
    hears of each generation questions may use: once the documents are
    committed, before their sentence vectors (``complete=False``), and at the
    end. An ingest of at most ``defer_up_to`` new chunks into a corpus that has
    documents already commits them before even their dense vectors: BM25 finds
    the new minutes a second after the upload, and the generation with their
    vectors is published once those are in (the model needs about 12 s for 50
    chunks here). Sentence vectors of documents left pending by an interrupted
    run are embedded too. ``on_phase`` hears each :class:`Phase` reached.
    """
    t0 = time.perf_counter()
    report = IngestReport()
    check_embedder(store, embedder)
    bar = show_bar if show_bar is not None else sys.stderr.isatty()
    # a file inside a corpus folder is keyed relative to it, however it was named
    roots = [*(corpus_roots or []), *paths]
    limit = MAX_CHUNKS_PER_DOCUMENT
    corpus = corpus_roots or []
    plan = plan_ingest(store, paths, roots, report, force=force, max_chunks=limit, show_bar=bar,
                       corpus=corpus)  # fmt: skip
    reached(on_phase, Phase.PARSED)
    with _embed_progress(progress, bar) as progress:
        defer = _defers(plan, defer_up_to)
        report.chunks_embedded = embed_planned(
            store, embedder, plan.documents, progress, defer=defer, on_phase=on_phase
        )
        import_oparl_files(store, plan.oparl, report)
    commit_plan(store, embedder.info.key, plan, report, on_phase)
    if publisher is not None:  # searchable now; the sentence vectors follow
        publisher.published(complete=False, chunks_added=report.chunks_added)
    report.seconds_searchable = time.perf_counter() - t0
    report.chunks_embedded += fill_sentences(
        store, embedder, progress=progress, publisher=publisher, on_phase=on_phase
    )
    report.seconds = time.perf_counter() - t0
    if publisher is not None:
        publisher.published(complete=True, chunks_added=report.chunks_added)
    return report


def _defers(plan: Plan, defer_up_to: int) -> bool:
    """Commit before any vector: a small addition to a corpus questions are asked of.

    A first ingest is not searched meanwhile, so it embeds before its commit.
    """
    return not plan.corpus_was_empty and 0 < plan.chunk_count <= defer_up_to


@contextmanager
def _embed_progress(progress: Progress | None, bar: bool) -> Iterator[Progress | None]:
    """``progress`` as given, or, with ``bar`` and none given, a bar for the embedding.

    The bar closes after the embedding before the commit; the vectors after it
    (``fill_sentences``) still move the closed bar's count.
    """
    if progress is not None or not bar:
        yield progress
        return
    from tqdm import tqdm

    ebar = tqdm(unit="text", desc="embed", file=sys.stderr)

    def show(done: int, total: int) -> None:
        ebar.total = total
        ebar.n = done
        ebar.refresh()

    try:
        yield show
    finally:
        ebar.close()
