"""Telegram-HTML rendering of an answer, its sources and document metadata.

Telegram rejects a whole message when one tag is unbalanced or one ``<`` or
``&`` from a document is left raw, so every piece of document text goes through
``html.escape`` and every paragraph is built with its tags closed. Long answers
are split between paragraphs, never inside a tag: a paragraph is rendered on its
own, paragraphs are packed into messages of at most ``MAX_TEXT_LENGTH``, and a
single paragraph too long for one message is split on its plain text first.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from telegram.constants import MessageLimit

from bot.answer import Answer, Source
from bot.render import frame
from index.records import DocumentInfo

MAX_TEXT_LENGTH: int = MessageLimit.MAX_TEXT_LENGTH  # 4096
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


@dataclass(frozen=True)
class Span:
    """Plain text plus the one tag (or none) that wraps it once escaped."""

    text: str
    tag: str | None = None

    def html(self) -> str:
        body = html.escape(self.text)
        return f"<{self.tag}>{body}</{self.tag}>" if self.tag else body

    def overhead(self) -> int:
        return 2 * len(self.tag) + 5 if self.tag else 0


Paragraph = list[Span]


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def render_answer(answer: Answer) -> list[str]:
    """The answer as Telegram-HTML messages: quotes with citations, then the sources."""
    return pack(answer_paragraphs(answer))


def answer_paragraphs(answer: Answer) -> list[Paragraph]:
    """Paragraphs of an answer, built from its fields (not from the plain text)."""
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
            lines.append(Span(f"\n[{s.rank}] {s.title} · {s.citation.format()}"))
        paras.append(lines)
    return paras


def render_source(source: Source, index: int, total: int, language: str) -> str:
    """One full source passage for the sources view; always fits one message."""
    text = source.text
    if _escaped_len(text) > SOURCE_TEXT_LIMIT:
        text = _cut(text, SOURCE_TEXT_LIMIT - 1, escaped=True) + "…"
    spans = [
        Span(f"{label(language, 'source')} {index + 1}/{total}", "b"),
        Span(f"\n{source.title}\n"),
        Span(source.citation.format(), "i"),
    ]
    if source.speaker:
        spans += [Span(f"\n{label(language, 'speaker')}: "), Span(source.speaker, "b")]
    spans.append(Span(text, "blockquote"))
    return render_paragraph(spans)


def render_document(info: DocumentInfo, language: str) -> str:
    """A document's metadata card, sent by the "Dokument" button and after uploads."""
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
    return render_paragraph(spans)


def render_paragraph(spans: Iterable[Span]) -> str:
    """One paragraph's HTML; each span closes its own tag, so the result is balanced."""
    return "".join(s.html() for s in spans)


def pack(paragraphs: list[Paragraph], limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Paragraphs packed greedily into messages of at most ``limit`` characters."""
    pieces: list[str] = []
    for para in paragraphs:
        pieces.extend(_fit(para, limit))
    messages: list[str] = []
    current = ""
    for piece in pieces:
        joined = f"{current}\n\n{piece}" if current else piece
        if tg_len(joined) <= limit:
            current = joined
            continue
        if current:
            messages.append(current)
        current = piece
    if current:
        messages.append(current)
    return messages


def _fit(para: Paragraph, limit: int) -> list[str]:
    """A paragraph as one piece, or split span by span and on plain text when too long."""
    whole = render_paragraph(para)
    if tg_len(whole) <= limit:
        return [whole]
    out: list[str] = []
    for span in para:
        if not span.text.strip():
            continue
        rendered = span.html()
        if tg_len(rendered) <= limit:
            out.append(rendered)
            continue
        for part in split_plain(span.text, limit - span.overhead()):
            out.append(Span(part, span.tag).html())
    return out


def split_plain(text: str, limit: int) -> list[str]:
    """Plain text in parts whose escaped form fits ``limit``; cut at sentences, then words."""
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if _escaped_len(rest) <= limit:
            parts.append(rest)
            break
        head = _cut(rest, limit, escaped=True)
        parts.append(head.strip())
        rest = rest[len(head) :].strip()
    return [p for p in parts if p]


def _cut(text: str, limit: int, *, escaped: bool = False) -> str:
    """The longest prefix within ``limit``, preferring a sentence end, then a space."""
    size = _escaped_len if escaped else tg_len
    lo, hi = 1, len(text)
    while lo < hi:  # longest prefix that fits (binary search on characters)
        mid = (lo + hi + 1) // 2
        if size(text[:mid]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    prefix = text[:lo]
    ends = [m.end() for m in re.finditer(r"[.!?…][”“\"»)]?\s", prefix)]
    if ends and ends[-1] > lo // 2:
        return prefix[: ends[-1]]
    space = prefix.rfind(" ")
    if space > lo // 2:
        return prefix[: space + 1]
    return prefix


def _escaped_len(text: str) -> int:
    return tg_len(html.escape(text))


def _distinct_documents(sources: list[Source]) -> list[Source]:
    seen: set[int] = set()
    out = []
    for s in sources:
        if s.document_id not in seen:
            seen.add(s.document_id)
            out.append(s)
    return out
