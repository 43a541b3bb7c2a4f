"""/status and /zahlen answer from the real service (fake embedder) with escaped HTML."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.telegram.app import App
from tests.bot.telegram.fake_server import TOKEN, FakeBotApi
from tests.bot.telegram.harness import USER_ID, make_app, process
from tests.bot.telegram.html_check import telegram_html_errors
from tests.bot.telegram.updates import Telegram
from tests.support.bots import MakeBot


@pytest.fixture
async def real_app(make_bot: MakeBot, api: FakeBotApi) -> AsyncIterator[App]:
    service = make_bot(index=False, telegram_token=TOKEN)
    application = await make_app(service.settings, service, api)
    async with application:
        assert application.post_init is not None
        await application.post_init(application)
        yield application


async def test_status_shows_the_path_of_a_paper(
    real_app: App, api: FakeBotApi, tg: Telegram
) -> None:
    anna = tg.user(USER_ID)
    await process(real_app, tg.message(tg.private(anna), anna, "/status 18828/20"))
    text = "\n".join(api.texts())
    assert "zurück an den APOD" in text and "17.12.2020" in text
    assert all(telegram_html_errors(t) == [] for t in api.texts())


async def test_status_without_number_explains_usage(
    real_app: App, api: FakeBotApi, tg: Telegram
) -> None:
    anna = tg.user(USER_ID)
    await process(real_app, tg.message(tg.private(anna), anna, "/status"))
    assert "/status 18828-20" in api.texts()[-1]


async def test_zahlen_lists_posts_with_their_paper(
    real_app: App, api: FakeBotApi, tg: Telegram
) -> None:
    bob = tg.user(USER_ID, "Bob", language_code="en")
    await process(real_app, tg.message(tg.private(bob), bob, "/zahlen stellen"))
    text = "\n".join(api.texts())
    assert "38,5" in text and "19027-20" in text
    assert all(telegram_html_errors(t) == [] for t in api.texts())
