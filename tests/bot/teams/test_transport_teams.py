"""The Teams transport over HTTP: the real SDK app, the real Conversation, a fake service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.chat.conversation import Conversation
from bot.settings import Settings
from tests.bot.teams.fake_connector import buttons, shown_text
from tests.bot.teams.harness import ADMIN, ANNA, Running, running
from tests.support.fakes import FakeService

QUESTION = "Wie viele Planstellen sollen eingereicht werden?"
ANNA_CHAT = "a:personal-anna"


@pytest.fixture
async def live(tmp_path: Path, service: FakeService) -> AsyncIterator[Running]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    settings = Settings(
        data_dir=tmp_path / "data",
        corpus_dirs=(corpus,),
        teams_admin_ids=frozenset({ADMIN}),
        max_upload_bytes=1024 * 1024,
    )
    async with running(settings, Conversation(service, settings)) as running_bot:
        yield running_bot


async def test_a_question_in_a_personal_chat_gets_a_card_with_buttons(
    live: Running, service: FakeService
) -> None:
    (answer,) = await live.send(live.teams.activity(ANNA, ANNA_CHAT, text=QUESTION))
    assert "Aus den Unterlagen" in shown_text(answer.body) and "18828-20" in shown_text(answer.body)
    assert list(buttons(answer.body)) == ["Quellen", "Dokument"]
    assert answer.conversation == ANNA_CHAT
    assert live.connector.typing()  # typing shown while the service worked
    assert service.asked == [(QUESTION, "de")]


async def test_groups_answer_only_when_mentioned_and_the_mention_is_cut(
    live: Running, service: FakeService
) -> None:
    plain = live.teams.activity(ANNA, "19:group", text=QUESTION, kind="groupChat")
    assert await live.send(plain) == []
    (answer,) = await live.send(live.teams.mention(ANNA, "19:group", QUESTION))
    assert "Aus den Unterlagen" in shown_text(answer.body)
    assert service.asked == [(QUESTION, "de")]  # "<at>Ratsbot</at>" is not in the question


async def test_paging_updates_the_pressed_card(live: Running) -> None:
    (answer,) = await live.send(live.teams.activity(ANNA, ANNA_CHAT, text=QUESTION))
    press = live.teams.press(ANNA, ANNA_CHAT, answer.activity_id, buttons(answer.body)["Quellen"])
    (source,) = await live.send(press)
    assert source.method == "POST" and shown_text(source.body).startswith("Quelle 1/")
    forward = live.teams.press(ANNA, ANNA_CHAT, source.activity_id, buttons(source.body)["▶"])
    (page,) = await live.send(forward)
    assert page.method == "PUT" and page.activity_id == source.activity_id
    assert shown_text(page.body).startswith("Quelle 2/")


async def test_reindex_is_refused_for_non_admins(live: Running, service: FakeService) -> None:
    (refusal,) = await live.send(live.teams.activity(ANNA, ANNA_CHAT, text="/reindex"))
    assert "nur Administrator" in shown_text(refusal.body)
    assert service.reindexed == 0


async def test_an_admin_upload_is_downloaded_and_ingested(
    live: Running, service: FakeService, tmp_path: Path
) -> None:
    live.connector.files["protokoll.txt"] = "Niederschrift …".encode()
    url = f"{live.connector.url}files/protokoll.txt"
    replies = await live.send(live.teams.file(ADMIN, "a:personal-admin", "protokoll.txt", url))
    assert "protokoll.txt" in shown_text(replies[0].body)
    assert service.ingested and service.ingested[0][0].name == "protokoll.txt"
    assert service.ingested[0][0].read_text(encoding="utf-8") == "Niederschrift …"


async def test_uploads_by_non_admins_are_refused_and_not_downloaded(
    live: Running, service: FakeService
) -> None:
    url = f"{live.connector.url}files/missing.txt"  # a download would fail with 404
    (refusal,) = await live.send(live.teams.file(ANNA, ANNA_CHAT, "x.txt", url))
    assert "nur Administrator" in shown_text(refusal.body)
    assert service.ingested == []


async def test_logs_carry_no_user_ids_or_text(
    live: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await live.send(live.teams.activity(ANNA, ANNA_CHAT, text=QUESTION))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert ANNA not in logged and "Planstellen" not in logged


async def test_with_an_app_registration_unsigned_requests_are_rejected(tmp_path: Path) -> None:
    """Production mode: a request without Bot Framework's JWT never reaches the conversation."""
    service = FakeService()
    settings = Settings(
        data_dir=tmp_path / "data",
        teams_app_id="00000000-0000-0000-0000-000000000000",
        teams_app_password="secret",
        teams_tenant_id="11111111-1111-1111-1111-111111111111",
    )
    async with running(settings, Conversation(service, settings)) as live:
        status = await live.teams.post(live.teams.activity(ANNA, ANNA_CHAT, text=QUESTION))
        await live.bot.drain()
    assert status == 401
    assert service.asked == [] and live.connector.calls == []
