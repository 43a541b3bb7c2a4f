"""Making rich text fit a platform's message limit without breaking its markup.

Chat platforms reject a whole message when one tag is unbalanced or one ``<`` or
``&`` from a document is left raw, and cap a message's length (Telegram: 4096
UTF-16 code units). So paragraphs are rendered span by span (every span closes
its own tag), packed greedily into messages, and a paragraph too long for one
message is split between spans, then on its plain text: never inside a tag.
Sizes are measured on the escaped HTML, so the same packing serves every front
end that sends HTML (Telegram, Matrix ``formatted_body``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from bot.chat.messages import Paragraph, Span

MAX_TEXT_LENGTH = 4096  # Telegram's MessageLimit.MAX_TEXT_LENGTH


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def escaped_len(text: str) -> int:
    """Length of ``text`` once HTML-escaped, in UTF-16 code units."""
    return tg_len(html.escape(text))


def render_paragraph(spans: Iterable[Span]) -> str:
    """One paragraph's HTML; each span closes its own tag, so the result is balanced."""
    return "".join(s.html() for s in spans)


def pack(paragraphs: list[Paragraph], limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Paragraphs packed greedily into HTML messages of at most ``limit`` characters."""
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
        if escaped_len(rest) <= limit:
            parts.append(rest)
            break
        head = cut(rest, limit, escaped=True)
        parts.append(head.strip())
        rest = rest[len(head) :].strip()
    return [p for p in parts if p]


def cut(text: str, limit: int, *, escaped: bool = False) -> str:
    """The longest prefix within ``limit``, preferring a sentence end, then a space."""
    size = escaped_len if escaped else tg_len
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


def plain_paragraphs(text: str) -> list[Paragraph]:
    """Plain text (e.g. a status report) as untagged paragraphs, split at blank lines."""
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", text)]
    return [[Span(b)] for b in blocks if b.strip()]
