"""A conversation over the fake service with a corpus folder in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.chat.conversation import Conversation
from bot.settings import Settings
from tests.support.fakes import SOURCE_PATH, FakeService
from tests.support.recorder import ADMIN, RecordingOutbox


@pytest.fixture
def service() -> FakeService:
    return FakeService()


@pytest.fixture
def chat_settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / SOURCE_PATH).write_text("Auszug aus der Niederschrift …", encoding="utf-8")
    return Settings(
        data_dir=tmp_path / "data",
        corpus_dirs=(corpus,),
        admin_ids=frozenset({int(ADMIN)}),
        max_upload_bytes=1024 * 1024,
    )


@pytest.fixture
def conversation(service: FakeService, chat_settings: Settings) -> Conversation:
    return Conversation(service, chat_settings)


@pytest.fixture
def outbox() -> RecordingOutbox:
    return RecordingOutbox()
