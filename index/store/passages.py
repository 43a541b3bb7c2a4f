"""Chunks as the answer step needs them: text, sentences, speakers, citation facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from index.parse import VoiceSpan
from index.store.database import Store
from index.store.tables import Chunk, Document, Reference


@dataclass(frozen=True)
class ChunkView:
    id: int
    document_id: int
    seq: int
    text: str
    page: int
    kind: str
    speaker: str | None
    faction: str | None
    spans: list[VoiceSpan]
    sentences: list  # [rel_start, rel_end]
    title: str | None
    gremium: str | None
    meeting_date: dt.date | None
    top: str | None
    doc_kind: str | None
    own_numbers: tuple[str, ...]
    source_path: str
    public: bool

    def span_at(self, offset: int) -> VoiceSpan | None:
        for sp in self.spans:
            if sp.start <= offset < sp.end:
                return sp
        return None


def load_chunks(store: Store, ids: list[int]) -> dict[int, ChunkView]:
    """Chunk views by id, in one round trip per table."""
    if not ids:
        return {}
    with store.session() as s:
        chunks = s.scalars(
            select(Chunk).where(Chunk.id.in_(ids)).options(selectinload(Chunk.speaker))
        ).all()
        doc_ids = {c.document_id for c in chunks}
        docs = {d.id: d for d in s.scalars(select(Document).where(Document.id.in_(doc_ids)))}
        own: dict[int, list[str]] = {}
        for r in s.scalars(
            select(Reference).where(
                Reference.document_id.in_(doc_ids),
                Reference.role == "own",
                Reference.chunk_id.is_(None),
            )
        ):
            own.setdefault(r.document_id, [])
            if r.number not in own[r.document_id]:
                own[r.document_id].append(r.number)
        out = {}
        for c in chunks:
            d = docs[c.document_id]
            out[c.id] = ChunkView(
                id=c.id,
                document_id=c.document_id,
                seq=c.seq,
                text=c.text,
                page=c.page,
                kind=c.kind,
                speaker=c.speaker.name if c.speaker else None,
                faction=(c.speaker.faction or None) if c.speaker else None,
                spans=[VoiceSpan.of(sp) for sp in c.spans or []],
                sentences=list(c.sentences or []),
                title=d.title,
                gremium=d.gremium,
                meeting_date=d.meeting_date,
                top=d.top,
                doc_kind=d.kind,
                own_numbers=tuple(own.get(d.id, [])),
                source_path=d.source_path,
                public=d.public,
            )
        return out
