"""Fixtures for the Telegram tests: a fake Bot API, update factories, an app.

The network is blocked for every test here: only loopback connections (the fake
Bot API server) are allowed, so nothing can reach Telegram by accident.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.telegram.app import App
from tests.bot.fakes import SOURCE_PATH, FakeService
from tests.bot.telegram.fake_server import TOKEN, FakeBotApi
from tests.bot.telegram.harness import ADMIN_ID, make_app
from tests.bot.telegram.updates import Telegram

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any socket connection that is not to this machine's loopback."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            raise RuntimeError(f"network access in a test: {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
def tg(api: FakeBotApi) -> Telegram:
    return Telegram(api)


@pytest.fixture
def service() -> FakeService:
    return FakeService()


@pytest.fixture
def tg_settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SOURCE_PATH).write_text("Auszug aus der Niederschrift …", encoding="utf-8")
    return Settings(
        data_dir=tmp_path / "data",
        corpus_dirs=(corpus,),
        telegram_token=TOKEN,
        admin_ids=frozenset({ADMIN_ID}),
        max_upload_bytes=1024 * 1024,
    )


@pytest.fixture
async def app(tg_settings: Settings, service: FakeService, api: FakeBotApi) -> AsyncIterator[App]:
    application = await make_app(tg_settings, service, api)
    async with application:
        assert application.post_init is not None
        await application.post_init(application)  # what run_polling does after initialize()
        yield application
