"""A small validator for Telegram's HTML parse mode, used by the fake Bot API.

Telegram rejects a message whose HTML has an unknown tag, an unbalanced tag, or
a raw ``<``, ``>`` or ``&`` outside tags and entities; the fake server does the
same, so every test checks every message the bot sends.
"""

from __future__ import annotations

from html.parser import HTMLParser

ALLOWED_TAGS = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "a": {"href"},
    "code": {"class"},
    "pre": set(),
    "blockquote": {"expandable"},
    "tg-spoiler": set(),
    "span": {"class"},
    "tg-emoji": {"emoji-id"},
}
NAMED_ENTITIES = {"lt", "gt", "amp", "quot"}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"unsupported tag <{tag}>")
            return
        for name, _ in attrs:
            if name not in ALLOWED_TAGS[tag]:
                self.errors.append(f"unsupported attribute {name} on <{tag}>")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing tag <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack})")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for ch in "<>&":
            if ch in data:
                self.errors.append(f"unescaped {ch!r} in text: {data[:40]!r}")

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            self.errors.append(f"unsupported entity &{name};")

    def handle_charref(self, name: str) -> None:
        pass

    def handle_comment(self, data: str) -> None:
        self.errors.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.errors.append("declaration")

    def handle_pi(self, data: str) -> None:
        self.errors.append("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.errors.append("unknown declaration")


def telegram_html_errors(text: str) -> list[str]:
    """Why Telegram would reject ``text`` in HTML parse mode (empty list: it would not)."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    if checker.rawdata:  # HTMLParser keeps an unfinished "<..." here
        checker.errors.append(f"unfinished markup {checker.rawdata[:40]!r}")
    if checker.stack:
        checker.errors.append(f"unclosed tags {checker.stack}")
    return checker.errors
