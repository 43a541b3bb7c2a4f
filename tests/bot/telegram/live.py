"""The real bot, end to end: the real service, PTB polling over HTTP, the fake Bot API.

Shared by the integration tests and the script driver (driver.py). Everything listens on
127.0.0.1; the bot reaches the fake server through the configured base URLs,
exactly as it would reach a self-hosted Bot API server.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.settings import Settings
from bot.telegram.app import App, build_application
from tests.bot.telegram.fake_server import TOKEN, Call, FakeBotApi, FakeBotApiServer
from tests.bot.telegram.harness import ADMIN_ID
from tests.bot.telegram.updates import Telegram
from tests.support.paths import SEED


@dataclass
class Live:
    """A running bot and the handles a test needs to talk to it."""

    api: FakeBotApi
    tg: Telegram
    app: App
    settings: Settings
    service: Any

    async def say(self, update: dict[str, Any], method: str = "sendMessage", count: int = 1,
                  timeout: float = 15.0) -> list[Call]:  # fmt: skip
        """Push ``update`` and wait for the bot's ``count`` ``method`` calls that follow."""
        since = len(self.api.calls)
        self.tg.push(update)
        return await self.api.wait_for(method, count=count, timeout=timeout, since=since)


@contextlib.asynccontextmanager
async def live_bot(tmp_path: Path, embedder: str = "fake") -> AsyncIterator[Live]:
    """Start service, fake server and polling bot; tear all of it down afterwards."""
    from bot.service import open_service

    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    shutil.copy(SEED, corpus / SEED.name)
    service = open_service(
        Settings(embedder=embedder, data_dir=tmp_path / "data", corpus_dirs=(corpus,))
    )
    await asyncio.to_thread(service.reindex)
    api = FakeBotApi()
    server = FakeBotApiServer(api)
    await server.start()
    settings = Settings(
        data_dir=tmp_path / "data",
        corpus_dirs=(corpus,),
        telegram_token=TOKEN,
        telegram_api_base_url=server.base_url,
        telegram_file_base_url=server.file_base_url,
        admin_ids=frozenset({ADMIN_ID}),
    )
    app = build_application(settings, service)
    try:
        async with app:
            assert app.post_init is not None and app.updater is not None
            await app.post_init(app)  # as run_polling does: menus registered
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)
            try:
                yield Live(api, Telegram(api), app, settings, service)
            finally:
                await app.updater.stop()
                await app.stop()
    finally:
        await server.close()
        service.close()
