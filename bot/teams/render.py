"""Replies as Adaptive Cards: what Teams users see.

Adaptive Card TextBlocks render a subset of Markdown, so every piece of text
from a document, a user or a file name is escaped before it becomes card
Markdown: a ``*`` or ``_`` in the minutes must never turn into formatting, a
``[x](y)`` never into a link. Quotes stand in emphasised containers (cards
have no blockquote), buttons are ``Action.Submit`` whose data carries the
conversation's payload back as the activity's ``value``.
"""

from __future__ import annotations

import re
from typing import Any

from bot.chat import Action, Paragraph, Reply, Span, plain_text

CARD = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
PAYLOAD_KEY = "ratsbot"  # the key of an Action.Submit's data that holds the payload
MAX_CARD_CHARS = 24_000  # Teams refuses activities above ~28 KB; long replies are split

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~<>])")
_LINE_START = re.compile(r"^(\s*)(\d+)([.)])", re.M)


def escape_md(text: str) -> str:
    """Text that card Markdown shows exactly as written."""
    text = _SPECIAL.sub(r"\\\1", text)
    text = _LINE_START.sub(r"\1\2\\\3", text)  # "1. " at a line start is not a list
    return re.sub(r"^(\s*)-", r"\1\\-", text, flags=re.M)


def _markdown(span: Span) -> str:
    body = escape_md(span.text)
    if not span.text.strip() or span.tag is None:
        return body
    mark = {"b": "**", "i": "_", "code": "`"}.get(span.tag, "")
    lead = body[: len(body) - len(body.lstrip())]
    trail = body[len(body.rstrip()) :]
    return f"{lead}{mark}{body.strip()}{mark}{trail}"


def _text_blocks(markdown: str, **style: Any) -> list[dict[str, Any]]:
    """One TextBlock per line (card Markdown joins single newlines)."""
    blocks = []
    for i, line in enumerate(markdown.split("\n")):
        if not line.strip():
            continue
        block = {"type": "TextBlock", "text": line, "wrap": True, **style}
        if i:
            block["spacing"] = "None"
        blocks.append(block)
    return blocks


def paragraph_elements(para: Paragraph) -> list[dict[str, Any]]:
    """A paragraph's card elements: running text, and quotes in emphasised containers."""
    out: list[dict[str, Any]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.extend(_text_blocks("".join(run)))
            run.clear()

    for span in para:
        if span.tag == "blockquote":
            flush()
            quote = _text_blocks(escape_md(span.text.strip()))
            out.append({"type": "Container", "style": "emphasis", "items": quote})
        else:
            run.append(_markdown(span))
    flush()
    if out:
        out[0]["separator"] = False
    return out


def card(paragraphs: list[Paragraph], actions: tuple[Action, ...] = ()) -> dict[str, Any]:
    """The Adaptive Card of a reply; ``fallbackText`` is its plain text."""
    body: list[dict[str, Any]] = []
    for para in paragraphs:
        elements = paragraph_elements(para)
        if elements and body:
            elements[0]["spacing"] = "Medium"
        body.extend(elements)
    content: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
        "fallbackText": plain_text(paragraphs),
    }
    if actions:
        content["actions"] = [
            {"type": "Action.Submit", "title": a.label, "data": {PAYLOAD_KEY: a.payload}}
            for a in actions
        ]
    return content


def split_paragraphs(
    paragraphs: list[Paragraph], limit: int = MAX_CARD_CHARS
) -> list[list[Paragraph]]:
    """Paragraphs in groups whose text stays under ``limit`` (one card each)."""
    groups: list[list[Paragraph]] = [[]]
    size = 0
    for para in paragraphs:
        n = sum(len(s.text) for s in para) + 200  # markup and JSON around it
        if groups[-1] and size + n > limit:
            groups.append([])
            size = 0
        groups[-1].append(para)
        size += n
    return groups


def cards_for(reply: Reply) -> list[dict[str, Any]]:
    """A reply as one or more cards; buttons go under the last one."""
    groups = split_paragraphs(reply.paragraphs)
    return [
        card(group, reply.actions if i == len(groups) - 1 else ()) for i, group in enumerate(groups)
    ]


def card_text(content: dict[str, Any]) -> str:
    """The text of a card in reading order (tests and transcripts read cards this way)."""
    lines: list[str] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.get("type") == "TextBlock":
                lines.append(unescape_md(item["text"]))
            walk(item.get("items", []))

    walk(content.get("body", []))
    return "\n".join(lines)


def unescape_md(text: str) -> str:
    """Card Markdown back to what a user reads: emphasis marks and escapes removed."""
    text = re.sub(r"(?<!\\)(\*\*|`)", "", text)
    text = re.sub(r"(?<![\\\w])_(.+?)(?<!\\)_(?!\w)", r"\1", text)
    return re.sub(r"\\(.)", r"\1", text)
