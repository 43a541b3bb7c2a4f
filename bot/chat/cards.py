"""An answer, a source passage and a document's metadata as rich-text paragraphs.

Built from the objects' fields (never from rendered text), so every front end
gets the same structure and renders it its own way. Frame words follow the
user's language; quotes and document text stay as they are (German).
"""

from __future__ import annotations

from bot.answer import Answer, Source, frame
from bot.chat.fit import cut, escaped_len
from bot.chat.messages import Paragraph, Span
from index.store import DocumentInfo

SOURCE_TEXT_LIMIT = 3500  # one source passage fits one (editable) message

_LABELS = {
    "de": {
        "source": "Quelle",
        "speaker": "Sprecher/in",
        "document": "Dokument",
        "gremium": "Gremium",
        "date": "Sitzung",
        "top": "TOP",
        "kind": "Art",
        "papers": "Drucksachen",
        "mentioned": "Erwähnt",
        "chunks": "Abschnitte im Index",
        "file": "Datei",
    },
    "en": {
        "source": "Source",
        "speaker": "Speaker",
        "document": "Document",
        "gremium": "Committee",
        "date": "Meeting",
        "top": "Agenda item",
        "kind": "Type",
        "papers": "Papers",
        "mentioned": "Mentioned",
        "chunks": "Passages in the index",
        "file": "File",
    },
}


def label(language: str, key: str) -> str:
    """A frame word in the user's language (German when unknown)."""
    return _LABELS.get(language, _LABELS["de"])[key]


def answer_paragraphs(answer: Answer) -> list[Paragraph]:
    """Quotes with their citations, then the sources; or the abstention and closest documents."""
    lang = answer.language
    paras: list[Paragraph] = []
    if answer.notice:
        paras.append([Span(answer.notice, "i")])
    if answer.abstained:
        paras.append([Span(frame(lang, "no_answer"))])
        docs = _distinct_documents(answer.sources)
        if docs:
            lines = [Span(frame(lang, "closest"), "b")]
            for s in docs:
                lines.append(Span(f"\n• {s.title} ({s.citation.format()})"))
            paras.append(lines)
        return paras
    paras.append([Span(frame(lang, "from_docs"), "b")])
    for q in answer.quotes:
        spans = [Span(f"{q.speaker}:", "b"), Span("\n")] if q.speaker else []
        spans.append(Span(f"„{q.text}“", "blockquote"))
        spans.append(Span(f"[{q.source_rank}] {q.citation.format()}", "i"))
        paras.append(spans)
    if answer.sources:
        lines = [Span(frame(lang, "sources"), "b")]
        for s in answer.sources:
            lines.append(Span(f"\n[{s.rank}] {s.heading()}"))
        paras.append(lines)
    return paras


def source_paragraphs(source: Source, index: int, total: int, language: str) -> list[Paragraph]:
    """One full source passage ("Quelle 2/5"), cut so that it always fits one message."""
    text = source.text
    if escaped_len(text) > SOURCE_TEXT_LIMIT:
        text = cut(text, SOURCE_TEXT_LIMIT - 1, escaped=True) + "…"
    spans = [
        Span(f"{label(language, 'source')} {index + 1}/{total}", "b"),
        Span(f"\n{source.title}\n"),
        Span(source.citation.format(), "i"),
    ]
    if source.speaker:
        spans += [Span(f"\n{label(language, 'speaker')}: "), Span(source.speaker, "b")]
    spans.append(Span(text, "blockquote"))
    return [spans]


def document_paragraphs(info: DocumentInfo, language: str) -> list[Paragraph]:
    """A document's metadata card (the "Dokument" button, and after uploads)."""
    rows: list[tuple[str, str | None]] = [
        ("gremium", info.gremium),
        ("date", info.meeting_date.strftime("%d.%m.%Y") if info.meeting_date else None),
        ("top", info.top),
        ("kind", info.kind),
        ("papers", ", ".join(info.own_numbers) or None),
        ("mentioned", ", ".join(info.mentioned_numbers) or None),
        ("chunks", str(info.chunk_count)),
        ("file", info.source_path),
    ]
    spans = [Span(info.title or info.source_path, "b")]
    for key, value in rows:
        if value:
            spans += [
                Span(f"\n{label(language, key)}: "),
                Span(value, "code" if key == "file" else None),
            ]
    return [spans]


def _distinct_documents(sources: list[Source]) -> list[Source]:
    seen: set[int] = set()
    out = []
    for s in sources:
        if s.document_id not in seen:
            seen.add(s.document_id)
            out.append(s)
    return out
