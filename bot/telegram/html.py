"""Telegram-HTML rendering of an answer, its sources and document metadata.

The structure comes from ``bot.chat.cards`` (rich-text paragraphs of ``Span``
objects, shared by every front end); packing and splitting from
``bot.chat.fit``. Every piece of document text is escaped by ``Span.html`` and
every paragraph closes its tags, so Telegram never rejects a message for its
markup, and long answers are split between paragraphs, never inside a tag.
"""

from __future__ import annotations

from bot.answer import Answer, Source
from bot.chat import (
    MAX_TEXT_LENGTH,
    SOURCE_TEXT_LIMIT,
    Paragraph,
    Span,
    answer_paragraphs,
    document_paragraphs,
    label,
    pack,
    render_paragraph,
    source_paragraphs,
    split_plain,
    tg_len,
)
from index.store import DocumentInfo

__all__ = [
    "MAX_TEXT_LENGTH",
    "SOURCE_TEXT_LIMIT",
    "Paragraph",
    "Span",
    "answer_paragraphs",
    "label",
    "pack",
    "render_answer",
    "render_document",
    "render_paragraph",
    "render_source",
    "split_plain",
    "tg_len",
]


def render_answer(answer: Answer) -> list[str]:
    """The answer as Telegram-HTML messages: quotes with citations, then the sources."""
    return pack(answer_paragraphs(answer))


def render_source(source: Source, index: int, total: int, language: str) -> str:
    """One full source passage for the sources view; always fits one message."""
    return "\n\n".join(
        render_paragraph(p) for p in source_paragraphs(source, index, total, language)
    )


def render_document(info: DocumentInfo, language: str) -> str:
    """A document's metadata card, sent by the "Dokument" button and after uploads."""
    return "\n\n".join(render_paragraph(p) for p in document_paragraphs(info, language))
