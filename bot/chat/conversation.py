"""The conversation every front end shares: questions, buttons, commands, uploads.

A front end builds one ``Conversation`` per process (over one loaded service),
and for every event calls ``await conversation.handle(incoming, outbox)``. The
conversation sends zero or more ``Reply`` objects through the outbox (several
for an upload: "saved, indexing …", the counts, the document card) and shows
"typing" while the service works. Blocking service calls run in worker threads,
so one slow question never holds up other chats.

It never raises to the transport: an unexpected error is logged (without the
message text or user ids) and the user gets the one-line ``error`` reply.

Commands (German and English names, "/" on every platform):
``/help /start /hilfe``, ``/frage /ask``, ``/quellen /sources``, ``/status``,
``/zahlen /figures``, ``/sprache /language``; admins: ``/reindex``, ``/docs``,
``/remove``, and file uploads (private chats only).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from bot.chat.messages import Incoming, Reply


class Outbox(Protocol):
    """Where a front end receives the replies for one event."""

    async def send(self, reply: Reply) -> None: ...

    def typing(self) -> AbstractAsyncContextManager[None]:
        """Shows "typing …" in the chat while the block runs (a no-op where unsupported)."""
        ...


@contextlib.asynccontextmanager
async def no_typing() -> AsyncIterator[None]:
    yield


class Conversation:
    """One per process; shared by every front end of that process (one loaded index)."""

    def __init__(self, service: object, settings: object) -> None:
        raise NotImplementedError("being built: see bot/chat/__init__.py")

    async def handle(self, incoming: Incoming, outbox: Outbox) -> None:
        """Everything the bot does for one event; replies go through ``outbox``."""
        raise NotImplementedError
