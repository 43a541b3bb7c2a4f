"""A running Teams bot (the real SDK serving /api/messages) and the fake connector."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bot.settings import Settings
from bot.teams.app import Handler, TeamsBot
from tests.bot.teams.fake_connector import FakeConnector, Teams, free_port, wait_until

ANNA, BOB, ADMIN = "aad-anna", "aad-bob", "aad-admin"


@dataclass
class Running:
    connector: FakeConnector
    teams: Teams
    bot: TeamsBot

    async def send(self, activity: dict) -> list:  # type: ignore[type-arg]
        """Post ``activity`` as Teams would; the message activities the bot sent in reply."""
        mark = len(self.connector.calls)
        status = await self.teams.post(activity)
        assert status in (200, 201, 202), status
        await self.bot.drain()
        return self.connector.messages(mark)


@contextlib.asynccontextmanager
async def running(settings: Settings, handler: Handler) -> AsyncIterator[Running]:
    connector = FakeConnector()
    await connector.start()
    bot = TeamsBot(settings, handler)
    port = free_port()
    stop = asyncio.Event()
    task = asyncio.create_task(bot.run(port, stop))
    teams = Teams(f"http://127.0.0.1:{port}/api/messages", connector.url)
    try:
        await wait_until(lambda: _listening(port) or task.done(), timeout=15)
        if task.done():
            task.result()
        yield Running(connector, teams, bot)
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 15)
        await connector.close()


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
