"""Fixtures for the Telegram tests: a fake Bot API, update factories, an app.

The fake Bot API listens on 127.0.0.1; the root conftest blocks every other connection,
so nothing can reach Telegram by accident.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.settings import Settings
from bot.telegram.app import App
from tests.bot.telegram.fake_server import TOKEN, FakeBotApi
from tests.bot.telegram.harness import ADMIN_ID, make_app
from tests.bot.telegram.updates import Telegram
from tests.support.fakes import FakeService


@pytest.fixture
def api() -> FakeBotApi:
    return FakeBotApi()


@pytest.fixture
def tg(api: FakeBotApi) -> Telegram:
    return Telegram(api)


@pytest.fixture
def tg_settings(fake_settings: Settings) -> Settings:
    return fake_settings.with_overrides(telegram_token=TOKEN, admin_ids=frozenset({ADMIN_ID}))


@pytest.fixture
async def app(tg_settings: Settings, service: FakeService, api: FakeBotApi) -> AsyncIterator[App]:
    application = await make_app(tg_settings, service, api)
    async with application:
        assert application.post_init is not None
        await application.post_init(application)  # what run_polling does after initialize()
        yield application
