"""The Matrix bot over the real ``Conversation`` and the fake service.

What users of Matrix get from the shared conversation: answers with their
buttons, documents as files, refusals, long answers in several messages, an
apology instead of a traceback, and logs without ids or message text.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from bot.audience import Audience
from bot.chat.conversation import Conversation
from bot.matrix import render
from bot.settings import Settings
from tests.bot.matrix.fake_homeserver import BOT
from tests.bot.matrix.harness import ADMIN, ANNA, BOB, Running, running
from tests.support.fakes import SOURCE_PATH, FakeService

QUESTION = "Wie viele Planstellen sollen eingereicht werden?"


def assert_valid(mx: Running) -> None:
    for event in mx.hs.bot_events(event_type="m.room.message"):
        content = event.content.get("m.new_content", event.content)
        if "formatted_body" in content:
            assert render.html_errors(content["formatted_body"]) == [], content


async def test_an_answer_its_sources_and_its_document(mx_chat: Running) -> None:
    room = await mx_chat.dm(ANNA)
    (answer,) = await mx_chat.say(room, ANNA, QUESTION)
    assert "Aus den Unterlagen" in answer.content["body"]
    assert "&lt;sofort&gt; &amp;" in answer.content["formatted_body"]  # document text stays text
    assert mx_chat.hs.reactions(answer.event_id, BOT) == ["📄 Quellen", "📎 Dokument"]
    mark = mx_chat.hs.position
    mx_chat.hs.react(room, ANNA, answer.event_id, "📎 Dokument")
    await mx_chat.settle()
    card, file = mx_chat.hs.bot_events(room, "m.room.message", since=mark)
    assert "Masterplan" in card.content["body"]
    assert file.content["msgtype"] == "m.file" and file.content["body"] == SOURCE_PATH
    assert_valid(mx_chat)


async def test_members_get_the_member_audience_only_in_private(
    mx_settings: Settings, service: FakeService
) -> None:
    settings = replace(mx_settings, matrix_member_ids=frozenset({ANNA}))
    async with running(settings, Conversation(service, settings)) as mx:
        await mx.say(await mx.dm(ANNA), ANNA, QUESTION)
        await mx.say(await mx.group(ANNA, BOB), ANNA, f"Ratsbot: {QUESTION}")
    assert service.audiences == [Audience.MEMBER, Audience.PUBLIC]


async def test_a_group_answer_goes_into_the_question_thread(mx_chat: Running) -> None:
    room = await mx_chat.group(ANNA, BOB)
    assert await mx_chat.say(room, BOB, QUESTION) == []
    (answer,) = await mx_chat.say(room, BOB, f"@ratsbot:localhost {QUESTION}")
    question = next(e for e in mx_chat.hs.events if e.sender == BOB and "ratsbot" in str(e.data))
    assert answer.content["m.relates_to"]["event_id"] == question.event_id
    mark = mx_chat.hs.position
    mx_chat.hs.react(room, ANNA, answer.event_id, "📄 Quellen")  # anyone in the room may press
    await mx_chat.settle()
    (source,) = mx_chat.hs.bot_events(room, "m.room.message", since=mark)
    assert source.content["body"].startswith("Quelle 1/")
    assert source.content["m.relates_to"]["event_id"] == question.event_id  # same thread


async def test_long_answers_come_in_several_messages(
    mx_chat: Running, service: FakeService
) -> None:
    service.long_answer = True
    room = await mx_chat.dm(ANNA)
    messages = await mx_chat.say(room, ANNA, QUESTION)
    assert len(messages) >= 2
    assert all(len(m.content["formatted_body"]) <= render.MAX_HTML for m in messages)
    assert [mx_chat.hs.reactions(m.event_id, BOT) for m in messages][-1] == [
        "📄 Quellen",
        "📎 Dokument",
    ]
    assert all(mx_chat.hs.reactions(m.event_id) == [] for m in messages[:-1])
    assert_valid(mx_chat)


async def test_admin_commands_and_uploads(mx_chat: Running, service: FakeService) -> None:
    (refusal,) = await mx_chat.say(await mx_chat.dm(ANNA), ANNA, "!reindex")
    assert "nur Administrator" in refusal.content["body"] and service.reindexed == 0
    room = await mx_chat.dm(ADMIN)
    mark = mx_chat.hs.position
    mx_chat.hs.send_file(room, ADMIN, "Hundesteuer 2021.txt", b"Die Hundesteuer steigt.")
    await mx_chat.settle()
    received, summary, card = mx_chat.hs.bot_events(room, "m.room.message", since=mark)
    assert "Hundesteuer_2021.txt" in received.content["body"]
    assert "1 neu" in summary.content["body"] and "Masterplan" in card.content["body"]
    stored = mx_chat.settings.upload_folder / "Hundesteuer_2021.txt"
    assert stored.read_bytes() == b"Die Hundesteuer steigt."


async def test_outsiders_are_refused_where_they_address_the_bot(
    mx_settings: Settings, service: FakeService
) -> None:
    settings = replace(mx_settings, matrix_allowed_user_ids=frozenset({ANNA}))
    async with running(settings, Conversation(service, settings)) as mx:
        room = await mx.group(ANNA, BOB)
        assert await mx.say(room, BOB, QUESTION) == []
        (refusal,) = await mx.say(room, BOB, f"Ratsbot, {QUESTION}")
    assert "nur freigeschalteten" in refusal.content["body"] and service.asked == []


async def test_errors_are_one_plain_sentence_and_logs_carry_no_ids_or_text(
    mx_chat: Running, service: FakeService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.INFO)  # and everything else, nio included, from INFO up
    room = await mx_chat.dm(ANNA)
    service.fail_with = RuntimeError("database file /srv/secret.db is locked")
    (apology,) = await mx_chat.say(room, ANNA, QUESTION)
    assert apology.content["body"].startswith("Entschuldigung")
    assert "secret" not in apology.content["body"] and "Traceback" not in apology.content["body"]
    mx_chat.hs.send(room, ANNA, {"msgtype": "m.text", "body": 42})  # invalid: nio complains
    await mx_chat.settle()
    for record in caplog.records:
        line = record.getMessage()
        assert ANNA not in line and room not in line and "Planstellen" not in line, line
