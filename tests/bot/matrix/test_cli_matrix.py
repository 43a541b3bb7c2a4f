"""``ratsbot serve --matrix``: settings are checked first, login errors are one line."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.bot.matrix.fake_homeserver import BOT, FakeHomeserver
from tests.bot.matrix.fake_homeserver_http import FakeHomeserverServer


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"RATSBOT_DATA_DIR": str(tmp_path / "data"), "RATSBOT_EMBEDDER": "fake", **extra}


def test_serve_matrix_names_the_missing_settings(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--matrix"], env=_env(tmp_path))
    assert result.exit_code == 1
    assert "MATRIX_HOMESERVER, MATRIX_USER_ID, MATRIX_ACCESS_TOKEN" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def homeserver_url() -> Iterator[str]:
    """The fake homeserver on its own event loop in a thread (the CLI runs its own loop)."""
    loop = asyncio.new_event_loop()
    server = FakeHomeserverServer(FakeHomeserver(token="the-real-token"))
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        yield server.url
    finally:
        asyncio.run_coroutine_threadsafe(server.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def test_serve_matrix_with_a_refused_token_fails_in_one_line(
    tmp_path: Path, homeserver_url: str
) -> None:
    env = _env(
        tmp_path,
        MATRIX_HOMESERVER=homeserver_url,
        MATRIX_USER_ID=BOT,
        MATRIX_ACCESS_TOKEN="a-wrong-token",
    )
    result = CliRunner().invoke(cli, ["serve", "--matrix"], env=env)
    assert result.exit_code == 1, result.output
    assert "refused MATRIX_ACCESS_TOKEN" in result.output
    assert "a-wrong-token" not in result.output and "Traceback" not in result.output
