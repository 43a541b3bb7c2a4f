"""Fixtures for the Matrix tests: a fake homeserver on 127.0.0.1 and a running bot.

The network is blocked for every test here: only loopback connections (the fake
homeserver) are allowed, so nothing can reach a real homeserver by accident.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.chat.conversation import Conversation
from bot.settings import Settings
from tests.bot.fakes import SOURCE_PATH, FakeService
from tests.bot.matrix.harness import ADMIN, Recorder, Running, running

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
