"""Fixtures for the Matrix tests: a fake homeserver on 127.0.0.1 and a running bot.

The fake homeserver listens on 127.0.0.1; the root conftest blocks every other
connection, so nothing can reach a real homeserver by accident.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.chat.conversation import Conversation
from bot.settings import Settings
from tests.bot.matrix.harness import ADMIN, Recorder, Running, running
from tests.support.fakes import FakeService


@pytest.fixture
def mx_settings(fake_settings: Settings) -> Settings:
    return fake_settings.with_overrides(matrix_admin_ids=frozenset({ADMIN}))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def mx(mx_settings: Settings, recorder: Recorder) -> AsyncIterator[Running]:
    """The bot over a recording stand-in conversation."""
    async with running(mx_settings, recorder) as r:
        yield r


@pytest.fixture
async def mx_chat(mx_settings: Settings, service: FakeService) -> AsyncIterator[Running]:
    """The bot over the real conversation and the fake service."""
    async with running(mx_settings, Conversation(service, mx_settings)) as r:
        yield r
