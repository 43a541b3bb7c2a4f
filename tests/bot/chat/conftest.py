"""A conversation over the fake service with a corpus folder in tmp_path."""

from __future__ import annotations

import pytest

from bot.chat.conversation import Conversation
from bot.settings import Settings
from tests.support.fakes import FakeService
from tests.support.recorder import ADMIN, RecordingOutbox


@pytest.fixture
def chat_settings(fake_settings: Settings) -> Settings:
    return fake_settings.with_overrides(admin_ids=frozenset({int(ADMIN)}))


@pytest.fixture
def conversation(service: FakeService, chat_settings: Settings) -> Conversation:
    return Conversation(service, chat_settings)


@pytest.fixture
def outbox() -> RecordingOutbox:
    return RecordingOutbox()
