"""Application wiring: configuration errors surface before any network access."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from bot.telegram.app import build_application, run
from index.errors import ConfigError
from tests.bot.telegram.fake_server import TOKEN
from tests.support.fakes import FakeService


def test_a_token_is_required() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        build_application(Settings(), FakeService())


def test_base_urls_come_from_settings() -> None:
    settings = Settings(
        telegram_token=TOKEN,
        telegram_api_base_url="http://127.0.0.1:8081/bot",
        telegram_file_base_url="http://127.0.0.1:8081/file/bot",
    )
    app = build_application(settings, FakeService())
    assert app.bot.base_url == f"http://127.0.0.1:8081/bot{TOKEN}"
    assert app.bot.base_file_url == f"http://127.0.0.1:8081/file/bot{TOKEN}"


def test_webhook_mode_needs_a_secret() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        run(Settings(telegram_token=TOKEN), FakeService(), webhook_url="https://bot.example.org/tg")


def test_settings_read_the_new_variables() -> None:
    s = Settings.from_env(
        {
            "TELEGRAM_WEBHOOK_SECRET": "s3cret",
            "RATSBOT_FLOOD_MAX_QUESTIONS": "3",
            "RATSBOT_FLOOD_WINDOW_SECONDS": "2.5",
        }
    )
    assert (s.telegram_webhook_secret, s.flood_max_questions, s.flood_window_seconds) == (
        "s3cret",
        3,
        2.5,
    )
    assert "s3cret" not in repr(s)
