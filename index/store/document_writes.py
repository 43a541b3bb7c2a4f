"""What an ingest writes: documents with their chunks, references, speakers, quotes.

index/ingest decides *what* changes (plan → embed → commit → publish); the
rows themselves are written here, inside the one transaction the ingest opens
with ``Store.session()``, so the store stays the only place that knows the
tables. Reads the ingest plans with (the stored version of every document) and
the run record live here too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from index.errors import EmbedderMismatch
from index.facts import find_references
from index.parse import ChunkDraft, ParsedDocument, RefRole
from index.store.database import Store, fingerprint, in_batches, text_hash
from index.store.identities import identity_for
from index.store.reports import IngestReport
from index.store.tables import (
    Chunk,
    Document,
    Fingerprint,
    IngestRun,
    Reference,
    Speaker,
    utcnow,
)

DUPLICATE_SHARE = 0.6  # share of a chunk's sentences found earlier that makes it a quote


class StoredVersion(NamedTuple):
    """The stored version of one document key: what a new ingest compares against."""

    id: int
    content_hash: str
    file_hash: str
    source_path: str


class WrittenDocument(NamedTuple):
    """Ids of a document just written and of its chunks, in order."""

    id: int
    chunk_ids: list[int]


def stored_versions(store: Store) -> dict[str, StoredVersion]:
    """Every stored document by key (``source_path#part``)."""
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
    return {key: StoredVersion(doc_id, ch, fh, sp) for key, doc_id, ch, fh, sp in rows}


def refuse_other_embedder(store: Store, key: str, s: Session | None = None) -> None:
    """Refuse to mix vectors of two embedders in one index."""
    recorded = store.get_state("embedder", s)
    if recorded and recorded != key:
        raise EmbedderMismatch(
            f"the index was built with embedder {recorded}, but {key} is "
            "configured: run 'ratsbot reindex' to rebuild it with the configured embedder"
        )


def write_document(
    s: Session,
    doc: ParsedDocument,
    key: str,
    file_hash: str,
    chunks: Sequence[ChunkDraft],
    *,
    from_corpus: bool = False,
) -> WrittenDocument:
    """Add one parsed document with its chunks (the caller removed its old version).

    Its id is the key's stable id (index/store/identities.py).
    """
    m = doc.meta
    row = Document(
        id=identity_for(s, key, from_corpus=from_corpus),
        key=key,
        source_path=doc.source_path,
        part=doc.part,
        content_hash=doc.content_hash,
        file_hash=file_hash,
        title=m.title,
        gremium=m.gremium,
        meeting_date=m.meeting_date,
        session_kind=m.session_kind,
        public=m.public,
        top=m.top,
        kind=m.kind,
        created=m.created,
        city=m.city,
        text=doc.text,
        ingested_at=utcnow(),
    )
    s.add(row)
    s.flush()
    for r in m.references:
        s.add(Reference(document_id=row.id, number=r.number, raw=r.raw[:128], role=str(r.role)))
    own = set(m.own_numbers)
    return WrittenDocument(row.id, [_write_chunk(s, row.id, c, own) for c in chunks])


def _write_chunk(s: Session, doc_id: int, c: ChunkDraft, own: set[str]) -> int:
    """One chunk row, the papers it mentions (not the document's own) and its fingerprints."""
    row = Chunk(
        document_id=doc_id,
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
    for ref in find_references(c.text):
        if ref.number not in own:
            s.add(
                Reference(
                    document_id=doc_id,
                    chunk_id=row.id,
                    number=ref.number,
                    raw=ref.raw[:128],
                    role=str(RefRole.MENTIONED),
                )
            )
    fps = {fingerprint(c.text[a:b]) for a, b in c.sentences} - {None}
    s.add_all(Fingerprint(chunk_id=row.id, hash=h) for h in fps)
    return row.id


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
    for part in in_batches(list(all_hashes)):
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


def record_run(s: Session, report: IngestReport) -> None:
    """One row of ``ingest_runs``: counts and the first hundred keys of each outcome."""
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
