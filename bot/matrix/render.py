"""Replies as Matrix event content: a plain ``body`` plus a sanitised HTML ``formatted_body``.

Clients render ``formatted_body`` through their own allow-lists, but a ``<`` or
``&`` from a council document must never become markup anyway, and we promise
more than the spec asks: only ``p br b i code blockquote`` ever appear, without
attributes. So the HTML is built from ``Span`` objects (every span escaped, every
tag closed by the span that opened it) instead of being cleaned afterwards;
``html_errors`` checks the promise and the tests run it on every message.

Everything is sent as ``m.notice``: the Matrix convention for bots, so that other
bots never answer the answers (no loops between bots).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

from bot.chat import Paragraph, Span, split_plain

HTML_FORMAT = "org.matrix.custom.html"
ALLOWED_TAGS = frozenset({"p", "br", "b", "i", "code", "blockquote"})
# Events are capped at 64 KiB; body and formatted_body both count, UTF-8 takes up
# to three bytes per character: 10,000 characters of HTML per message stay below.
MAX_HTML = 10_000
# control characters (PDF form feeds, NUL) make some homeservers refuse the event
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def render_html(paragraphs: list[Paragraph]) -> str:
    """Paragraphs as ``<p>`` blocks; a blockquote span becomes its own block."""
    blocks: list[str] = []
    for para in paragraphs:
        run: list[Span] = []
        for span in para:
            if span.tag == "blockquote":
                blocks.extend(_inline_block(run))
                run = []
                blocks.append(f"<blockquote>{_lines(span.text.strip())}</blockquote>")
            else:
                run.append(span)
        blocks.extend(_inline_block(run))
    return "".join(blocks)


def _inline_block(spans: list[Span]) -> list[str]:
    """One ``<p>`` of inline spans; newlines at a block's edges are dropped, inner ones ``<br>``."""
    inner = "".join(_inline(s) for s in spans)
    while inner.startswith("<br>"):
        inner = inner[4:]
    while inner.endswith("<br>"):
        inner = inner[:-4]
    return [f"<p>{inner}</p>"] if inner.strip() else []


def _inline(span: Span) -> str:
    body = _lines(span.text)
    return f"<{span.tag}>{body}</{span.tag}>" if span.tag and body else body


def _lines(text: str) -> str:
    return "<br>".join(html.escape(line) for line in _clean(text).split("\n"))


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def render_plain(paragraphs: list[Paragraph]) -> str:
    """The same text for ``body``: blank lines between paragraphs, quotes on lines of their own."""
    out: list[str] = []
    for para in paragraphs:
        text = ""
        for span in para:
            if span.tag == "blockquote":
                text = text.rstrip("\n") + "\n" + _clean(span.text).strip() + "\n"
            else:
                text += _clean(span.text)
        if text.strip():
            out.append(text.strip("\n"))
    return "\n\n".join(out)


def split_messages(paragraphs: list[Paragraph], limit: int = MAX_HTML) -> list[list[Paragraph]]:
    """Paragraphs grouped greedily into messages whose HTML stays within ``limit``."""
    pieces: list[Paragraph] = []
    for para in paragraphs:
        if len(render_html([para])) <= limit:
            pieces.append(para)
            continue
        for span in para:  # too long: one piece per span, long spans cut between sentences
            if len(render_html([[span]])) <= limit:
                pieces.append([span])
            else:
                pieces.extend([Span(p, span.tag)] for p in split_plain(span.text, limit // 2))
    messages: list[list[Paragraph]] = []
    size = 0
    for piece in pieces:
        piece_size = len(render_html([piece]))
        if messages and size + piece_size <= limit:
            messages[-1].append(piece)
            size += piece_size
        else:
            messages.append([piece])
            size = piece_size
    return messages


def notice(body: str, formatted_body: str) -> dict[str, Any]:
    """The content of one ``m.notice`` with its HTML."""
    return {
        "msgtype": "m.notice",
        "body": body,
        "format": HTML_FORMAT,
        "formatted_body": formatted_body,
    }


def in_thread(content: dict[str, Any], root: str, reply_to: str) -> dict[str, Any]:
    """``content`` posted in the thread of ``root``, falling back to a reply for old clients."""
    relation = {
        "rel_type": "m.thread",
        "event_id": root,
        "is_falling_back": True,
        "m.in_reply_to": {"event_id": reply_to},
    }
    return {**content, "m.relates_to": relation}


def edit(content: dict[str, Any], event_id: str) -> dict[str, Any]:
    """An ``m.replace`` of ``event_id``: ``m.new_content`` plus a "* " fallback for old clients."""
    return {
        "msgtype": content["msgtype"],
        "body": "* " + content["body"],
        "format": HTML_FORMAT,
        "formatted_body": "* " + content.get("formatted_body", html.escape(content["body"])),
        "m.new_content": content,
        "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
    }


def file_content(name: str, uri: str, size: int, mimetype: str) -> dict[str, Any]:
    """An ``m.file`` message pointing at uploaded media."""
    return {
        "msgtype": "m.file",
        "body": name,
        "filename": name,
        "url": uri,
        "info": {"size": size, "mimetype": mimetype},
    }


def reaction(event_id: str, key: str) -> dict[str, Any]:
    """An ``m.reaction`` (annotation) with ``key`` on ``event_id``."""
    return {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"tag <{tag}> is not allowed")
        if attrs:
            self.errors.append(f"<{tag}> has attributes")
        if tag != "br":
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}>")
        else:
            self.stack.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in {"lt", "gt", "amp", "quot"}:
            self.errors.append(f"entity &{name};")

    def handle_data(self, data: str) -> None:
        if "<" in data:
            self.errors.append("raw '<'")

    def handle_comment(self, data: str) -> None:
        self.errors.append("comment")


def html_errors(text: str) -> list[str]:
    """What breaks our HTML promise in ``text`` (empty when it holds)."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    return checker.errors + [f"<{t}> not closed" for t in checker.stack]
