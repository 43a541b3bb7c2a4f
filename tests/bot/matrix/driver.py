"""The shared script's ``Driver`` for Matrix: the real bot syncing against the fake homeserver.

Anna, Bob and the admin (``@anna:localhost`` …) each open a one-to-one room with
the bot (they invite it; it joins). A bot message is an ``m.room.message`` the
bot sent, its text the plain ``body`` (what every client can show), its buttons
the bot's own reactions on it ("📄 Quellen" shows as "Quellen"). Pressing a
button is what a user does in Element: clicking that reaction (or, when the
user's reaction is already there, clicking it again, which takes it back).
An edit (``m.replace``) shows as the edited message with the new text.

No waiting on message counts: ``settle`` waits until the bot has synced past
the user's event and finished handling it, then the driver looks at what it sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bot.chat.conversation import Conversation
from bot.settings import Settings
from tests.bot.matrix.fake_homeserver import BOT, Event
from tests.bot.matrix.harness import ADMIN, ANNA, BOB, Running, running
from tests.support.paths import SEED
from tests.support.script import BotMessage, Person

USER_IDS = {"anna": ANNA, "bob": BOB, "admin": ADMIN}


def label(key: str) -> str:
    """A reaction key as the button label it stands for ("📄 Quellen" -> "Quellen")."""
    head, _, rest = key.partition(" ")
    return rest if rest and not any(ch.isalnum() for ch in head) else key


class MatrixDriver:
    """Talks to the running bot as Anna, Bob and the admin, each in a one-to-one room."""

    platform = "matrix"

    def __init__(self, live: Running) -> None:
        self.live = live
        self.rooms: dict[str, str] = {}

    async def _room(self, person: Person) -> str:
        if person.key not in self.rooms:
            self.rooms[person.key] = await self.live.dm(USER_IDS[person.key])
        return self.rooms[person.key]

    def _shown(self, room: str, since: int) -> list[BotMessage]:
        """The bot's messages and edits in ``room`` after event number ``since``."""
        hs = self.live.hs
        shown = []
        for event in hs.bot_events(room, "m.room.message", since=since):
            relates = event.content.get("m.relates_to") or {}
            if relates.get("rel_type") == "m.replace":
                original = relates["event_id"]
                body = event.content["m.new_content"]["body"]
                shown.append(self._message(original, body, edited=True))
            else:
                shown.append(self._message(event.event_id, event.content["body"]))
        return shown

    def _message(self, event_id: str, body: str, *, edited: bool = False) -> BotMessage:
        keys = self.live.hs.reactions(event_id, BOT)
        return BotMessage(body, [label(k) for k in keys], edited=edited, handle=event_id)

    async def _after(self, room: str, act: Any, expect: int) -> list[BotMessage]:
        since = self.live.hs.position
        act()
        await self.live.settle()
        shown = self._shown(room, since)
        assert len(shown) == expect, [m.text[:80] for m in shown]
        return shown

    async def say(self, person: Person, text: str, *, expect: int = 1) -> list[BotMessage]:
        room = await self._room(person)
        return await self._after(
            room, lambda: self.live.hs.text(room, USER_IDS[person.key], text), expect
        )

    async def press(self, person: Person, message: BotMessage, label_: str) -> BotMessage:
        room = await self._room(person)
        user, hs = USER_IDS[person.key], self.live.hs
        keys = [k for k in hs.reactions(message.handle, BOT) if label(k) == label_]
        assert keys, f"no button {label_!r} under the message"
        mine = _reaction_of(hs.events, message.handle, user, keys[0])

        def click() -> None:
            if mine is None:
                hs.react(room, user, message.handle, keys[0])
            else:  # the user's reaction is there already: clicking again takes it back
                hs.redact(room, user, mine)

        (shown,) = await self._after(room, click, 1)
        return shown

    async def upload(
        self, person: Person, name: str, data: bytes, *, expect: int = 3
    ) -> list[BotMessage]:
        room = await self._room(person)
        user = USER_IDS[person.key]
        return await self._after(
            room, lambda: self.live.hs.send_file(room, user, name, data), expect
        )

    def typing_seen(self) -> bool:
        return any(c.body and c.body.get("typing") for c in self.live.hs.typing_calls())


def _reaction_of(events: list[Event], message: str, user: str, key: str) -> str | None:
    """The live reaction ``key`` of ``user`` on ``message``, if any."""
    for event in reversed(events):
        relates = event.data["content"].get("m.relates_to") or {}
        if (event.type, event.sender, relates.get("event_id"), relates.get("key")) == (
            "m.reaction", user, message, key):  # fmt: skip
            return event.event_id
    return None


@contextlib.asynccontextmanager
async def driver(tmp_path: Path, embedder: str = "fake") -> AsyncIterator[MatrixDriver]:
    """The convention of ``tests.support.script``: a running bot and its driver."""
    from bot.service import open_service

    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    shutil.copy(SEED, corpus / SEED.name)
    settings = Settings(
        embedder=embedder,
        data_dir=tmp_path / "data",
        corpus_dirs=(corpus,),
        matrix_admin_ids=frozenset({ADMIN}),
    )
    service = open_service(settings)
    try:
        await asyncio.to_thread(service.reindex)
        async with running(settings, Conversation(service, settings)) as live:
            yield MatrixDriver(live)
    finally:
        service.close()
