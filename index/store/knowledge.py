"""Council knowledge read out of stored documents: paper steps and figures.

Runs inside the ingest transaction right after a document's chunks are written
(:func:`extract_knowledge`), from the stored rows rather than the parser's
objects, so a store built before this existed can be filled later
(:func:`ensure_knowledge`) and every fact carries the chunk, page and speaker
that an answer cites. Everything written here hangs off ``documents.id`` and
goes with the document (the foreign keys cascade).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from index.facts import (
    FoundStep,
    dated_steps,
    decision_steps,
    find_figures,
    find_references,
    result_steps,
    table_steps,
)
from index.parse import ParsedDocument, VoiceSpan
from index.store.knowledge_tables import Figure, PaperStep
from index.store.tables import Chunk, Document, Reference

if TYPE_CHECKING:
    from index.store.database import Store

KNOWLEDGE_VERSION = "1"  # bump when extraction changes: ensure_knowledge re-reads all


@dataclass(frozen=True)
class _Sentence:
    start: int  # offsets in the document text
    end: int
    text: str
    chunk: Chunk
    page: int
    speaker: str | None


def _sentences(chunks: Sequence[Chunk]) -> list[_Sentence]:
    out = []
    for c in chunks:
        for a, b in c.sentences or []:
            span = _span_at(c, a)
            page = span.page if span else c.page
            speaker = span.voice if span else None
            out.append(_Sentence(c.start + a, c.start + b, c.text[a:b], c, page, speaker))
    return out


def _span_at(chunk: Chunk, rel: int) -> VoiceSpan | None:
    return next(
        (sp for sp in map(VoiceSpan.of, chunk.spans or []) if sp.start <= rel < sp.end), None
    )


def extract_knowledge(s: Session, doc_id: int, parsed_doc: ParsedDocument | None = None) -> None:
    """Paper steps and figures of one stored document (its chunks must be flushed).

    ``parsed_doc`` is accepted for the ingest hook but not needed: everything is
    read from the stored rows, so re-extraction works on old stores too.
    """
    doc = s.get(Document, doc_id)
    if doc is None:
        return
    s.execute(delete(PaperStep).where(PaperStep.document_id == doc_id))
    s.execute(delete(Figure).where(Figure.document_id == doc_id))
    chunks = s.scalars(select(Chunk).where(Chunk.document_id == doc_id).order_by(Chunk.seq)).all()
    own = list(
        dict.fromkeys(
            s.scalars(
                select(Reference.number).where(
                    Reference.document_id == doc_id,
                    Reference.role == "own",
                    Reference.chunk_id.is_(None),
                )
            )
        )
    )
    sentences = _sentences(chunks)
    if own:
        _write_steps(s, doc, chunks, sentences, own[0])
    _write_figures(s, doc, [x for x in sentences if x.chunk.kind != "header"], own)


def _write_steps(
    s: Session, doc: Document, chunks: Sequence[Chunk], sentences: list[_Sentence], paper: str
) -> None:
    found: list[FoundStep] = []
    found += dated_steps(doc.text, paper)
    for c in chunks:
        if c.kind == "header":
            found += table_steps(c.text, c.start)
    stated = result_steps(doc.text, gremium=doc.gremium, date=doc.meeting_date, top=doc.top)
    found += stated or decision_steps(
        [(x.start, x.end, x.speaker) for x in sentences if x.chunk.kind != "header"],
        doc.text,
        gremium=doc.gremium,
        date=doc.meeting_date,
        top=doc.top,
        kind=doc.kind,
    )
    for st in found:
        chunk = next((c for c in chunks if c.start <= st.start < max(c.end, c.start + 1)), None)
        page = None
        if chunk is not None:
            span = _span_at(chunk, st.start - chunk.start)
            page = span.page if span else chunk.page
        s.add(
            PaperStep(
                document_id=doc.id,
                chunk_id=chunk.id if chunk else None,
                paper=paper,
                subject=st.subject,
                date=st.date,
                gremium=st.gremium[:512],
                top=st.top,
                kind=st.kind,
                outcome=str(st.result.outcome),
                detail=st.detail,
                target=(st.result.target or None),
                vote=st.result.vote,
                source=st.source,
                sentence=" ".join(doc.text[st.start : st.end].split()),
                start=st.start,
                end=st.end,
                page=page,
            )
        )


def _write_figures(s: Session, doc: Document, sentences: list[_Sentence], own: list[str]) -> None:
    date = doc.meeting_date or doc.created
    prev: _Sentence | None = None
    prev_figs: list = []
    for sent in sentences:
        figs = find_figures(sent.text)
        same_chunk = prev is not None and prev.chunk.id == sent.chunk.id
        context = prev.text if prev is not None and same_chunk else ""
        if not same_chunk:
            prev_figs = []
        for f in figs:
            refs = [r.number for r in find_references(sent.text) if r.number not in own]
            about = f.about
            if f.anaphoric and context:
                refs += [r.number for r in find_references(context) if r.number not in own]
                if prev_figs:
                    about = f"{about} (für {prev_figs[-1].text})"
            s.add(
                Figure(
                    document_id=doc.id,
                    chunk_id=sent.chunk.id,
                    **f.columns(),
                    about=about,
                    paper=own[0] if own else None,
                    mentions=list(dict.fromkeys(refs)),
                    date=date,
                    speaker=sent.speaker[:256] if sent.speaker else None,
                    sentence=sent.text,
                    context=context if f.anaphoric else "",
                    start=sent.start,
                    end=sent.end,
                    page=sent.page,
                )
            )
        prev_figs = figs
        prev = sent


def ensure_knowledge(store: Store) -> None:
    """Fill the knowledge tables for documents stored before this version of extraction."""
    from index.store.database import Store

    if store.get_state("knowledge_version") == KNOWLEDGE_VERSION:
        return
    with store.session() as s:
        for doc_id in s.scalars(select(Document.id)).all():
            extract_knowledge(s, doc_id)
        Store.set_state(s, "knowledge_version", KNOWLEDGE_VERSION)
