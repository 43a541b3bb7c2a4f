"""The shared script's ``Driver`` for Telegram: the live bot polling the fake Bot API.

Each person writes in their own private chat; a bot message is what the fake
server recorded (``sendMessage`` or ``editMessageText``), shown as plain text
the way the ``script`` wants it: the HTML with its tags stripped and entities
unescaped. Buttons are pressed by sending their ``callback_data`` back.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from tests.bot.telegram.fake_server import Call
from tests.bot.telegram.harness import ADMIN_ID, USER_ID
from tests.bot.telegram.live import Live, live_bot
from tests.bot.telegram.updates import buttons
from tests.support.script import BotMessage, Person

USER_IDS = {"anna": USER_ID, "bob": USER_ID + 1, "admin": ADMIN_ID}
SHOWN = ("sendMessage", "editMessageText")
TIMEOUT = 60.0  # the real model on a busy machine


def as_plain(text: str) -> str:
    """Telegram HTML as plain text: tags stripped, entities unescaped.

    A blockquote is a block in Telegram's clients, so it keeps its own lines.
    """
    text = re.sub(r"(?<=[^\n])<blockquote>", "\n<blockquote>", text)
    text = re.sub(r"</blockquote>(?=[^\n])", "</blockquote>\n", text)
    return html.unescape(re.sub(r"</?[a-z-]+[^>]*>", "", text))


def bot_message(call: Call) -> BotMessage:
    return BotMessage(
        text=as_plain(call.params.get("text", "")),
        actions=list(buttons(call.result or {})),
        edited=call.method == "editMessageText",
        handle=call.result,
    )


class TelegramDriver:
    """Talks to the running bot as Anna, Bob and the admin, each in a private chat."""

    platform = "telegram"

    def __init__(self, live: Live) -> None:
        self.live = live

    def _user(self, person: Person) -> dict[str, Any]:
        return self.live.tg.user(USER_IDS[person.key], person.name, person.language)

    async def _next(self, update: dict[str, Any], expect: int) -> list[BotMessage]:
        """Push ``update``; the bot's next ``expect`` shown messages (sent or edited)."""
        api = self.live.api
        since = len(api.calls)
        self.live.tg.push(update)
        deadline = time.monotonic() + TIMEOUT
        while True:
            shown = [c for c in api.calls[since:] if c.method in SHOWN]
            if len(shown) >= expect:
                return [bot_message(c) for c in shown[:expect]]
            if time.monotonic() > deadline:
                made = [c.method for c in api.calls[since:]]
                raise AssertionError(f"timed out waiting for {expect} messages; calls: {made}")
            await asyncio.sleep(0.01)

    async def say(self, person: Person, text: str, *, expect: int = 1) -> list[BotMessage]:
        user = self._user(person)
        return await self._next(
            self.live.tg.message(self.live.tg.private(user), user, text), expect
        )

    async def press(self, person: Person, message: BotMessage, label: str) -> BotMessage:
        data = buttons(message.handle)[label]
        (shown,) = await self._next(
            self.live.tg.callback(message.handle, self._user(person), data), 1
        )
        return shown

    async def upload(
        self, person: Person, name: str, data: bytes, *, expect: int = 3
    ) -> list[BotMessage]:
        user = self._user(person)
        chat = self.live.tg.private(user)
        return await self._next(self.live.tg.document(chat, user, data, name, "text/plain"), expect)

    def typing_seen(self) -> bool:
        return any(c.params.get("action") == "typing" for c in self.live.api.sent("sendChatAction"))


@contextlib.asynccontextmanager
async def driver(tmp_path: Path, embedder: str = "fake") -> AsyncIterator[TelegramDriver]:
    """The convention of ``tests.support.script``: a running bot and its driver."""
    async with live_bot(tmp_path, embedder) as live:
        yield TelegramDriver(live)
