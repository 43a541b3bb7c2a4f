"""Helpers for the Telegram tests: an app on the in-process fake API, feeding updates."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.settings import Settings
from bot.telegram.app import App, build_application
from tests.bot.telegram.fake_server import FakeApiRequest, FakeBotApi

ADMIN_ID = 4242
USER_ID = 1001


async def make_app(settings: Settings, service: Any, api: FakeBotApi) -> App:
    """An application wired to the in-process fake API (no HTTP, no rate limiter)."""
    return build_application(
        settings,
        service,
        request=FakeApiRequest(api),
        get_updates_request=FakeApiRequest(api),
        rate_limit=False,
    )


async def process(app: App, update: dict[str, Any]) -> None:
    """Feed one update dict through the application, as polling would."""
    data = {"update_id": 1, **update}
    await app.process_update(Update.de_json(data, app.bot))
