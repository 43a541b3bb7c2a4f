"""The shared script's ``Driver`` for Teams: the real SDK app and the fake connector.

Anna, Bob (client locale en-US) and the admin each have a personal chat with the
bot. A bot message is a message activity the bot sent to the connector; its text
is what the Adaptive Card shows in reading order, its buttons the card's
``Action.Submit`` titles. Pressing one posts what Teams posts: a message activity
whose ``value`` is the button's data and whose ``replyToId`` is the card.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

from bot.chat.conversation import Conversation
from bot.settings import Settings
from tests.bot.teams.fake_connector import Call, buttons, shown_text
from tests.bot.teams.harness import ADMIN, ANNA, BOB, Running, running
from tests.support.paths import SEED
from tests.support.script import BotMessage, Person

USERS = {"anna": ANNA, "bob": BOB, "admin": ADMIN}


class TeamsDriver:
    platform = "teams"

    def __init__(self, live: Running) -> None:
        self.live = live

    @staticmethod
    def _chat(person: Person) -> str:
        return f"a:personal-{person.key}"

    @staticmethod
    def _locale(person: Person) -> str:
        return "en-US" if person.language == "en" else "de-DE"

    def _shown(self, calls: list[Call]) -> list[BotMessage]:
        return [
            BotMessage(
                shown_text(c.body),
                list(buttons(c.body)),
                edited=c.method == "PUT",
                handle=(c.activity_id, buttons(c.body)),
            )
            for c in calls
        ]

    async def say(self, person: Person, text: str, *, expect: int = 1) -> list[BotMessage]:
        activity = self.live.teams.activity(
            USERS[person.key], self._chat(person), text=text, locale=self._locale(person)
        )
        shown = self._shown(await self.live.send(activity))
        assert len(shown) == expect, [m.text[:80] for m in shown]
        return shown

    async def press(self, person: Person, message: BotMessage, label: str) -> BotMessage:
        card_id, payloads = message.handle
        assert label in payloads, f"no button {label!r} under the message"
        activity = self.live.teams.press(
            USERS[person.key], self._chat(person), card_id, payloads[label],
            locale=self._locale(person),
        )  # fmt: skip
        (shown,) = self._shown(await self.live.send(activity))
        return shown

    async def upload(
        self, person: Person, name: str, data: bytes, *, expect: int = 3
    ) -> list[BotMessage]:
        key = name.replace(" ", "_")
        self.live.connector.files[key] = data
        url = f"{self.live.connector.url}files/{key}"
        activity = self.live.teams.file(USERS[person.key], self._chat(person), name, url)
        shown = self._shown(await self.live.send(activity))
        assert len(shown) == expect, [m.text[:80] for m in shown]
        return shown

    def typing_seen(self) -> bool:
        return bool(self.live.connector.typing())


@contextlib.asynccontextmanager
async def driver(tmp_path: Path, embedder: str = "fake") -> AsyncIterator[TeamsDriver]:
    """The convention of ``tests.support.script``: a running bot and its driver."""
    from bot.service import open_service

    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    shutil.copy(SEED, corpus / SEED.name)
    settings = Settings(
        embedder=embedder,
        data_dir=tmp_path / "data",
        corpus_dirs=(corpus,),
        teams_admin_ids=frozenset({ADMIN}),
    )
    service = open_service(settings)
    try:
        await asyncio.to_thread(service.reindex)
        async with running(settings, Conversation(service, settings)) as live:
            yield TeamsDriver(live)
    finally:
        service.close()
