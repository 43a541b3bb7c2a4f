"""Fixtures for the Matrix tests: a fake homeserver on 127.0.0.1 and a running bot.

The fake homeserver listens on 127.0.0.1; the root conftest blocks every other
connection, so nothing can reach a real homeserver by accident.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.chat.conversation import Conversation
from bot.settings import Settings
from tests.bot.matrix.harness import ADMIN, Recorder, Running, running
from tests.support.fakes import SOURCE_PATH, FakeService


@pytest.fixture
def mx_settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SOURCE_PATH).write_text("Auszug aus der Niederschrift …", encoding="utf-8")
    return Settings(
        data_dir=tmp_path / "data",
        corpus_dirs=(corpus,),
        matrix_admin_ids=frozenset({ADMIN}),
        max_upload_bytes=1024 * 1024,
    )


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def mx(mx_settings: Settings, recorder: Recorder) -> AsyncIterator[Running]:
    """The bot over a recording stand-in conversation."""
    async with running(mx_settings, recorder) as r:
        yield r


@pytest.fixture
def service() -> FakeService:
    return FakeService()


@pytest.fixture
async def mx_chat(mx_settings: Settings, service: FakeService) -> AsyncIterator[Running]:
    """The bot over the real conversation and the fake service."""
    async with running(mx_settings, Conversation(service, mx_settings)) as r:
        yield r
