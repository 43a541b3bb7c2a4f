"""The third step of an ingest: every document change in ONE transaction.

Old versions and stale parts go, new versions come with their chunks,
references, knowledge (paper steps, figures) and quote links, the documents
whose vectors follow are recorded as pending, and the store's generation moves
on, all in one commit: a crash or an error before it leaves the store exactly
as it was, and after it the documents are searchable.
"""

from __future__ import annotations

from index.ingest.phases import Phase, PhaseHook, reached
from index.ingest.plan import Plan
from index.store import (
    KNOWLEDGE_VERSION,
    IngestReport,
    Store,
    bump_generation,
    delete_documents,
    extract_knowledge,
    link_duplicates,
    mark_pending,
    record_run,
    refuse_other_embedder,
    write_document,
)


def commit_plan(
    store: Store,
    embedder_key: str,
    plan: Plan,
    report: IngestReport,
    on_phase: PhaseHook | None = None,
) -> None:
    """Write ``plan`` and record the run in ``report`` and in the store's run log.

    Without document changes only the run is recorded (no new generation).
    """
    if not plan.changes_documents:
        with store.session() as s:
            record_run(s, report)
        return
    with store.session() as s:
        refuse_other_embedder(store, embedder_key, s)  # another run may have switched it
        Store.set_state(s, "embedder", embedder_key)
        replaced = [p.replaces for p in plan.documents if p.replaces is not None]
        delete_documents(s, replaced + [d.id for d in plan.stale])
        report.removed.extend(d.key for d in plan.stale)
        new_chunk_ids: list[int] = []
        pending: set[int] = set()
        for p in plan.documents:
            written = write_document(
                s, p.doc, p.key, p.file_hash, p.drafts, from_corpus=p.from_corpus
            )
            if p.pending:
                pending.add(written.id)
            extract_knowledge(s, written.id, p.doc)
            new_chunk_ids.extend(written.chunk_ids)
            report.new_document_ids.append(written.id)
            report.chunks_added += len(written.chunk_ids)
            if p.rewrite:  # reindex --full: rewritten, not changed
                report.unchanged.append(p.key)
            else:
                (report.changed if p.replaces is not None else report.added).append(p.key)
        s.flush()
        if plan.corpus_was_empty:  # every document's facts come from this version
            Store.set_state(s, "knowledge_version", KNOWLEDGE_VERSION)
        link_duplicates(s, new_chunk_ids)
        mark_pending(s, pending)
        bump_generation(s)
        record_run(s, report)
        reached(on_phase, Phase.WRITING)
    reached(on_phase, Phase.COMMITTED)
