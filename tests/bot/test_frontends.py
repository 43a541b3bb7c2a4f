"""Several front ends in one process over one service: Telegram, Teams and Matrix side by side."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.serve import check, configured, run_frontends
from bot.settings import Settings
from index.errors import ConfigError
from tests.bot.matrix.fake_homeserver import BOT, DEVICE, TOKEN, FakeHomeserver
from tests.bot.matrix.fake_homeserver_http import FakeHomeserverServer
from tests.bot.teams.fake_connector import FakeConnector, Teams, free_port, shown_text
from tests.bot.telegram.fake_server import TOKEN as TG_TOKEN
from tests.bot.telegram.fake_server import FakeBotApi, FakeBotApiServer
from tests.bot.telegram.updates import Telegram
from tests.support.fakes import FakeService

QUESTION = "Wie viele Planstellen sollen eingereicht werden?"


def test_configured_front_ends_follow_the_settings() -> None:
    assert configured(Settings()) == []
    both = Settings(telegram_token="t", matrix_homeserver="http://h", matrix_access_token="x")
    assert configured(both) == ["telegram", "matrix"]
    assert configured(Settings(teams_app_id="app")) == ["teams"]


def test_nothing_configured_is_refused_with_one_clear_line() -> None:
    with pytest.raises(ConfigError, match="no chat front end is configured"):
        check(Settings(), [])
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        check(Settings(), ["telegram"])


async def _until(condition, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), timeout)


async def test_telegram_teams_and_matrix_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, hs = FakeBotApi(), FakeHomeserver()
    tg_server, hs_server = FakeBotApiServer(api), FakeHomeserverServer(hs)
    connector = FakeConnector()
    await tg_server.start()
    await hs_server.start()
    await connector.start()
    teams_port = free_port()
    settings = Settings(
        data_dir=tmp_path / "data",
        corpus_dirs=(tmp_path,),
        telegram_token=TG_TOKEN,
        telegram_api_base_url=tg_server.base_url,
        telegram_file_base_url=tg_server.file_base_url,
        matrix_homeserver=hs_server.url,
        matrix_user_id=BOT,
        matrix_access_token=TOKEN,
        matrix_device_id=DEVICE,
        teams_port=teams_port,  # no app registration: the test-only local mode
    )
    service = FakeService()
    stop = asyncio.Event()
    names = ["telegram", "teams", "matrix"]
    task = asyncio.create_task(run_frontends(settings, service, names, stop))
    try:
        tg = Telegram(api)
        anna = tg.user(1001)
        since = len(api.calls)
        tg.push(tg.message(tg.private(anna), anna, QUESTION))
        (answer,) = await api.wait_for("sendMessage", count=1, timeout=15, since=since)
        assert "Aus den Unterlagen" in answer.params["text"]

        room = hs.create_room("@anna:localhost")
        hs.invite_bot(room, "@anna:localhost")
        await _until(lambda: hs.rooms[room].membership(BOT) == "join")
        mark = hs.position
        hs.text(room, "@anna:localhost", QUESTION)
        await _until(lambda: bool(hs.bot_events(room, "m.room.message", since=mark)))
        (reply,) = hs.bot_events(room, "m.room.message", since=mark)
        assert "Aus den Unterlagen" in reply.content["body"]

        teams = Teams(f"http://127.0.0.1:{teams_port}/api/messages", connector.url)
        activity = teams.activity("aad-anna", "a:personal-anna", text=QUESTION)
        await _until(lambda: _listening(teams_port))
        assert await teams.post(activity) == 200
        await _until(lambda: bool(connector.messages()))
        assert "Aus den Unterlagen" in shown_text(connector.messages()[0].body)
        assert [q for q, _ in service.asked] == [QUESTION] * 3  # one service for all
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await tg_server.close()
        await hs_server.close()
        await connector.close()


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_serve_without_any_front_end_says_what_to_set(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import cli

    env = {"RATSBOT_DATA_DIR": str(tmp_path), "TELEGRAM_BOT_TOKEN": "", "MATRIX_HOMESERVER": ""}
    result = CliRunner().invoke(cli, ["serve"], env=env)
    assert result.exit_code != 0
    assert "no chat front end is configured" in result.output
    assert "Traceback" not in result.output


def test_teams_is_never_served_without_its_app_registration() -> None:
    with pytest.raises(ConfigError, match="TEAMS_APP_PASSWORD"):
        check(Settings(teams_app_id="app"), ["teams"])
