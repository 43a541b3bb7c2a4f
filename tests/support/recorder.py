"""A recording ``Outbox`` and ``Incoming`` factories: the conversation without any platform."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.chat.messages import Incoming, Reply, Upload, plain_text

ADMIN = "4242"
ANNA = "1001"


@dataclass
class RecordingOutbox:
    """Keeps every reply; counts how often "typing" was shown."""

    replies: list[Reply] = field(default_factory=list)
    typing_shown: int = 0

    async def send(self, reply: Reply) -> None:
        self.replies.append(reply)

    @contextlib.asynccontextmanager
    async def typing(self) -> AsyncIterator[None]:
        self.typing_shown += 1
        yield

    def texts(self) -> list[str]:
        return [plain_text(r.paragraphs) for r in self.replies]

    @property
    def last(self) -> Reply:
        return self.replies[-1]


def message(
    text: str,
    user: str = ANNA,
    *,
    chat: str | None = None,
    private: bool = True,
    language: str | None = "de",
    platform: str = "telegram",
) -> Incoming:
    return Incoming(platform, chat or user, user, private, text=text, language_code=language)


def press(payload: str, user: str = ANNA, *, chat: str | None = None, private: bool = True,
          language: str | None = "de") -> Incoming:  # fmt: skip
    return Incoming("telegram", chat or user, user, private, action=payload,
                    language_code=language, message_id="77")  # fmt: skip


def upload(
    name: str,
    data: bytes,
    user: str = ADMIN,
    *,
    declared: int | None = None,
    caption: str | None = None,
    private: bool = True,
    fetched: list[Path] | None = None,
) -> Incoming:
    """A file sent by ``user``; ``fetched`` records every download."""

    async def fetch(path: Path) -> None:
        if fetched is not None:
            fetched.append(path)
        path.write_bytes(data)

    size = len(data) if declared is None else declared
    file = Upload(name=name, size=size, caption=caption, fetch=fetch)
    return Incoming("telegram", user, user, private, upload=file, language_code="de")
