"""End to end: the real service and the real polling bot against the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.telegram.fake_server import BOT_USER
from tests.bot.telegram.harness import ADMIN_ID, USER_ID
from tests.bot.telegram.live import Live, live_bot
from tests.bot.telegram.updates import buttons
from tests.support.script import MINUTES, QUESTION_EN
from tests.support.script import QUESTION_DE as QUESTION


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[Live]:
    async with live_bot(tmp_path) as running:
        yield running


async def test_german_and_english_questions_cite_the_drucksache(live: Live) -> None:
    anna = live.tg.user(USER_ID)
    (answer,) = await live.say(live.tg.message(live.tg.private(anna), anna, QUESTION))
    text = answer.params["text"]
    assert "Aus den Unterlagen" in text and ("19027-20" in text or "18828-20" in text)
    assert set(buttons(answer.result)) == {"Quellen", "Dokument"}

    bob = live.tg.user(USER_ID + 1, "Bob", language_code="en")
    (answer,) = await live.say(live.tg.message(live.tg.private(bob), bob, QUESTION_EN))
    text = answer.params["text"]
    assert "quoted in German" in text and "18828-20" in text
    assert live.api.sent("sendChatAction")  # typing shown while computing
    scopes = {lang for _, lang in live.api.commands}
    assert scopes == {"", "en"}


async def test_sources_button_shows_the_passages(live: Live) -> None:
    anna = live.tg.user(USER_ID)
    (answer,) = await live.say(live.tg.message(live.tg.private(anna), anna, QUESTION))
    press = live.tg.callback(answer.result, anna, buttons(answer.result)["Quellen"])
    (source,) = await live.say(press)
    assert source.params["text"].startswith("<b>Quelle 1/")
    assert "18828-20" in source.params["text"]
    forward = live.tg.callback(source.result, anna, buttons(source.result)["▶"])
    (edit,) = await live.say(forward, "editMessageText")
    assert "<b>Quelle 2/" in edit.params["text"]
    assert len(live.api.sent("answerCallbackQuery")) == 2


async def test_group_answers_only_when_mentioned(live: Live) -> None:
    anna, group = live.tg.user(USER_ID), live.tg.group()
    live.tg.push(live.tg.message(group, anna, QUESTION))
    mention = live.tg.message(group, anna, f"@{BOT_USER['username']} {QUESTION}")
    (answer,) = await live.say(mention)
    assert answer.params["reply_parameters"]["message_id"] == mention["message"]["message_id"]
    await asyncio.sleep(0.3)  # the plain message had its chance too
    assert len(live.api.sent("sendMessage")) == 1


async def test_reindex_for_admins_only(live: Live) -> None:
    admin, anna = live.tg.user(ADMIN_ID, "Admin"), live.tg.user(USER_ID)
    (refusal,) = await live.say(live.tg.message(live.tg.private(anna), anna, "/reindex"))
    assert "nur Administrator" in refusal.params["text"]
    started, done = await live.say(
        live.tg.message(live.tg.private(admin), admin, "/reindex"), count=2
    )
    assert "läuft" in started.params["text"]
    assert "0 neu, 0 geändert, 2 unverändert, 0 fehlgeschlagen" in done.params["text"]


async def test_uploaded_minutes_answer_the_next_question(live: Live) -> None:
    admin = live.tg.user(ADMIN_ID, "Admin")
    chat = live.tg.private(admin)
    upload = live.tg.document(chat, admin, MINUTES.encode(), "Hundesteuer 2021.txt", "text/plain")
    received, summary, card = await live.say(upload, count=3)
    assert "Hundesteuer_2021.txt" in received.params["text"]
    assert "1 neu" in summary.params["text"]
    assert (
        "19999-20" in card.params["text"] and "Ausschuss für Bürgerdienste" in card.params["text"]
    )
    stored = live.settings.upload_folder / "Hundesteuer_2021.txt"
    assert stored.read_text(encoding="utf-8") == MINUTES

    question = "Wie hoch ist die Hundesteuer ab 2021 für den ersten Hund?"
    (answer,) = await live.say(live.tg.message(chat, admin, question))
    assert "180 Euro" in answer.params["text"] and "19999-20" in answer.params["text"]
