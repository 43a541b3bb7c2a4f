"""One event being handled: who asked where, in which language, and where replies go.

Every feature module (questions, commands, admin) gets a ``Turn`` instead of a
platform object, so features are written once for all front ends. Memory keys
carry the platform (``matrix:!room:example.org``), so several front ends can
share one ``ChatState`` without their ids colliding.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from bot.audience import Audience
from bot.chat.access import PlatformAccess
from bot.chat.messages import Action, Incoming, Outbox, Paragraph, Reply, ReplyKind
from bot.chat.state import ChatState
from bot.chat.texts import Lang, rich
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.service import RatsbotService

T = TypeVar("T")


@dataclass
class Turn:
    """The context of one ``Conversation.handle`` call."""

    incoming: Incoming
    outbox: Outbox
    service: RatsbotService
    settings: Settings
    state: ChatState
    access: PlatformAccess
    lang: Lang
    args: str = ""  # a command's text after its name

    @property
    def chat_key(self) -> str:
        return f"{self.incoming.platform}:{self.incoming.chat_id}"

    @property
    def user_key(self) -> str:
        return f"{self.incoming.platform}:{self.incoming.user_id}"

    @property
    def private(self) -> bool:
        return self.incoming.private

    @property
    def audience(self) -> Audience:
        """Who reads the reply: members only in private or in a declared member chat."""
        i = self.incoming
        return self.access.audience(i.user_id, i.chat_id, private=i.private)

    @property
    def is_admin(self) -> bool:
        return self.access.is_admin(self.incoming.user_id)

    async def send(
        self,
        paragraphs: list[Paragraph],
        *,
        kind: ReplyKind = "text",
        actions: tuple[Action, ...] = (),
        **fields: Any,
    ) -> None:
        """A reply in this chat; in groups it answers the user's message (not a button press)."""
        quote = not self.incoming.private and self.incoming.action is None
        await self.outbox.send(Reply(paragraphs, kind=kind, actions=actions, quote=quote, **fields))

    async def say(
        self, key: str, *, kind: ReplyKind = "text", alert: bool = False, **values: object
    ) -> None:
        """The bot's own sentence ``key`` (bot.chat.texts) in the user's language."""
        await self.send(rich(self.lang, key, **values), kind=kind, alert=alert)

    async def blocking(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking service call in a worker thread; the event loop stays free."""
        return await asyncio.to_thread(fn, *args, **kwargs)
