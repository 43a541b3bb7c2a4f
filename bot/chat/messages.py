"""What a front end hands to the conversation, and what it gets back.

Identifiers are strings on every platform (Telegram's ints are stringified),
so one access policy and one answer cache serve all front ends. Rich text is a
list of paragraphs of ``Span`` objects (plain text plus at most one tag); each
front end renders them: Telegram HTML, Matrix ``formatted_body`` HTML and plain
``body``, Teams Markdown or an Adaptive Card. Document text never becomes markup
on its own: renderers escape every span.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

Tag = Literal["b", "i", "code", "blockquote"]


@dataclass(frozen=True)
class Span:
    """Plain text plus the one tag (or none) that wraps it once escaped."""

    text: str
    tag: Tag | None = None

    def html(self) -> str:
        body = html.escape(self.text)
        return f"<{self.tag}>{body}</{self.tag}>" if self.tag else body

    def overhead(self) -> int:
        return 2 * len(self.tag) + 5 if self.tag else 0


Paragraph = list[Span]


def plain_text(paragraphs: list[Paragraph]) -> str:
    """Paragraphs as plain text (blank line between paragraphs), e.g. Matrix ``body``.

    A blockquote is a block in every client, so its text stands on lines of its own.
    """
    return "\n\n".join(_paragraph_text(para) for para in paragraphs)


def _paragraph_text(para: Paragraph) -> str:
    text = ""
    for i, span in enumerate(para):
        if span.tag != "blockquote":
            text += span.text
            continue
        if text and not text.endswith("\n"):
            text += "\n"
        text += span.text
        following = para[i + 1].text if i + 1 < len(para) else ""
        if following and not following.startswith("\n"):
            text += "\n"
    return text


@dataclass(frozen=True)
class Upload:
    """A file a user sent; downloaded only after the size and type checks pass."""

    name: str  # as sent by the user, unsanitised
    size: int | None  # declared size in bytes (None: unknown, checked after download)
    caption: str | None
    fetch: Callable[[Path], Awaitable[None]]  # writes the file's bytes to the given path


@dataclass(frozen=True)
class Incoming:
    """One event from a chat platform, already reduced to what the bot needs.

    ``text`` is what was meant for the bot: the transport cuts an @-mention out
    and passes nothing for group messages that did not address the bot. Commands
    start with "/" on every platform (``/frage …``, ``/reindex``).
    """

    platform: str  # "telegram" | "teams" | "matrix"
    chat_id: str
    user_id: str
    private: bool  # a one-to-one chat
    text: str = ""
    action: str | None = None  # payload of a pressed button (``Action.payload``)
    upload: Upload | None = None
    language_code: str | None = None  # the client's language, if the platform tells
    message_id: str | None = None  # the message that carried the pressed button


@dataclass(frozen=True)
class Action:
    """A button under a reply; ``payload`` comes back in ``Incoming.action``.

    Payloads are at most 64 bytes (Telegram's ``callback_data`` limit).
    """

    label: str
    payload: str


ReplyKind = Literal["answer", "source", "document", "status", "figures", "text", "error"]


@dataclass(frozen=True)
class Reply:
    """One message from the bot."""

    paragraphs: list[Paragraph]
    kind: ReplyKind = "text"
    actions: tuple[Action, ...] = ()
    edit: bool = False  # replace the message whose button was pressed (paging)
    quote: bool = False  # reply to / thread on the user's message (groups)
    file: tuple[str, bytes] | None = None  # a document to send (name, bytes)
    alert: bool = False  # a short notice about a pressed button (Telegram: a pop-up)
    extra: dict[str, object] = field(default_factory=dict)  # e.g. the Answer, for cards


class Outbox(Protocol):
    """Where a front end receives the replies for one event."""

    async def send(self, reply: Reply) -> None: ...

    def typing(self) -> AbstractAsyncContextManager[None]:
        """Shows "typing …" in the chat while the block runs (a no-op where unsupported)."""
        ...


@contextlib.asynccontextmanager
async def no_typing() -> AsyncIterator[None]:
    yield
