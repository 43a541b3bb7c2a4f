"""A running Matrix bot against the fake homeserver, and a stand-in conversation."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace

from bot.chat.messages import Action, Incoming, Outbox, Reply, Span
from bot.matrix.app import Handler, MatrixBot
from bot.settings import Settings
from tests.bot.matrix.fake_homeserver import BOT, DEVICE, TOKEN, Event, FakeHomeserver
from tests.bot.matrix.fake_homeserver_http import FakeHomeserverServer

ANNA = "@anna:localhost"
BOB = "@bob:localhost"
ADMIN = "@admin:localhost"


@dataclass
class Recorder:
    """A stand-in conversation: records every ``Incoming``; ``reply`` (if set) answers it."""

    seen: list[Incoming] = field(default_factory=list)
    reply: Callable[[Incoming, Outbox], Awaitable[None]] | None = None

    async def handle(self, incoming: Incoming, outbox: Outbox) -> None:
        self.seen.append(incoming)
        if self.reply is not None:
            await self.reply(incoming, outbox)


@dataclass
class Running:
    """The fake homeserver, its HTTP server and the bot syncing against it."""

    hs: FakeHomeserver
    server: FakeHomeserverServer
    bot: MatrixBot
    settings: Settings

    async def settle(self) -> None:
        """Wait until the bot has seen every event and finished handling them."""
        for _ in range(3):  # a handled event may have caused more (e.g. a join)
            await self.hs.settled()
            await self.bot.drain()

    async def dm(self, user: str) -> str:
        """A one-to-one room ``user`` opened with the bot (invited, and joined by it)."""
        room = self.hs.create_room(user)
        self.hs.invite_bot(room, user)
        await self.settle()
        assert self.hs.rooms[room].membership(BOT) == "join", "the bot did not join"
        return room

    async def group(self, *users: str, name: str = "Fraktion") -> str:
        room = self.hs.create_room(users[0], *users[1:], name=name)
        self.hs.invite_bot(room, users[0])
        await self.settle()
        assert self.hs.rooms[room].membership(BOT) == "join", "the bot did not join"
        return room

    async def say(self, room: str, user: str, body: str, **extra: object) -> list[Event]:
        """``user`` writes ``body``; the messages the bot sent in reply."""
        mark = self.hs.position
        self.hs.text(room, user, body, **extra)
        await self.settle()
        return self.hs.bot_events(room, "m.room.message", since=mark)


SOURCES, DOCUMENT = Action("Quellen", "src:a1:0"), Action("Dokument", "doc:a1")
PREV, NEXT = Action("◀", "pg:a1:0"), Action("▶", "pg:a1:2")


def answer_with_actions(recorder: Recorder) -> None:
    async def reply(incoming: Incoming, outbox: Outbox) -> None:
        if incoming.action == "pg:a1:1":
            await outbox.send(Reply([[Span("Quelle 2/3")]], actions=(PREV, NEXT), edit=True))
        elif incoming.action:
            await outbox.send(
                Reply([[Span(f"pressed {incoming.action}")]], actions=(Action("▶", "pg:a1:1"),))
            )
        else:
            async with outbox.typing():
                await outbox.send(
                    Reply(
                        [[Span("Antwort", "b")]],
                        actions=(SOURCES, DOCUMENT),
                        quote=not incoming.private,
                    )
                )

    recorder.reply = reply


@contextlib.asynccontextmanager
async def running(
    settings: Settings, handler: Handler, hs: FakeHomeserver | None = None
) -> AsyncIterator[Running]:
    hs = hs or FakeHomeserver()
    server = FakeHomeserverServer(hs)
    await server.start()
    settings = replace(
        settings,
        matrix_homeserver=server.url,
        matrix_user_id=BOT,
        matrix_access_token=TOKEN,
        matrix_device_id=DEVICE,
    )
    bot = MatrixBot(settings, handler, sync_timeout_ms=2000)
    stop = asyncio.Event()
    task = asyncio.create_task(bot.run(stop))
    try:
        ready = asyncio.create_task(bot.ready.wait())
        await asyncio.wait({ready, task}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if task.done():
            task.result()  # start-up failed: raise its error
        assert bot.ready.is_set(), "the bot did not start"
        yield Running(hs, server, bot, settings)
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, 10)
        finally:
            await server.close()
