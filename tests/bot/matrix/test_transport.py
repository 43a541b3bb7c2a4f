"""The real nio client against the fake homeserver, over a stand-in conversation.

Checks what the transport alone decides: which events reach the conversation
(and as what ``Incoming``), and how replies, actions, edits, files and typing
reach the homeserver.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from bot.chat.messages import Incoming, Outbox, Reply, Span
from bot.settings import Settings
from index.errors import ConfigError
from tests.bot.matrix.fake_homeserver import BOT, FakeHomeserver
from tests.bot.matrix.harness import (
    ADMIN,
    ANNA,
    BOB,
    Recorder,
    Running,
    answer_with_actions,
    running,
)


async def test_start_up_checks_the_token_and_ignores_old_events(
    mx_settings: Settings, recorder: Recorder
) -> None:
    hs = FakeHomeserver()
    room = hs.create_room(ANNA, BOT)
    hs.text(room, ANNA, "Eine Frage von gestern?")
    async with running(mx_settings, recorder, hs=hs) as mx:
        await mx.settle()
        assert recorder.seen == []
        await mx.say(room, ANNA, "Und heute?")
        assert [i.text for i in recorder.seen] == ["Und heute?"]
        paths = {c.path for c in hs.calls}
        assert "/_matrix/client/v3/account/whoami" in paths
        assert not any("access_token" in c.query for c in hs.calls)  # in a header, not URLs
        assert hs.unknown_calls() == []


async def test_a_wrong_token_stops_the_start(mx_settings: Settings, recorder: Recorder) -> None:
    hs = FakeHomeserver(token="other")
    with pytest.raises(ConfigError, match="refused MATRIX_ACCESS_TOKEN"):
        async with running(mx_settings, recorder, hs=hs):
            pass


async def test_invites_are_joined_also_those_from_before_start(
    mx_settings: Settings, recorder: Recorder
) -> None:
    hs = FakeHomeserver()
    early = hs.create_room(BOB)
    hs.invite_bot(early, BOB)
    async with running(mx_settings, recorder, hs=hs) as mx:
        await mx.settle()
        assert hs.rooms[early].membership(BOT) == "join"
        room = await mx.dm(ANNA)
        assert hs.rooms[room].membership(BOT) == "join"


async def test_allow_lists_decide_which_invites_are_accepted(
    mx_settings: Settings, recorder: Recorder
) -> None:
    settings = replace(mx_settings, matrix_allowed_user_ids=frozenset({ANNA}))
    async with running(settings, recorder) as mx:
        await mx.dm(ANNA)
        stranger = mx.hs.create_room(BOB)
        mx.hs.invite_bot(stranger, BOB)
        await mx.settle()
        assert mx.hs.rooms[stranger].membership(BOT) == "leave"
        admins_room = mx.hs.create_room(ADMIN)
        mx.hs.invite_bot(admins_room, ADMIN)  # admins are always allowed
        await mx.settle()
        assert mx.hs.rooms[admins_room].membership(BOT) == "join"


async def test_direct_messages_reach_the_conversation(mx: Running, recorder: Recorder) -> None:
    room = await mx.dm(ANNA)
    await mx.say(room, ANNA, "Wie viele Planstellen?")
    await mx.say(room, ANNA, "!frage Hundesteuer?")
    await mx.say(room, ANNA, "/reindex")
    first = recorder.seen[0]
    assert (first.platform, first.chat_id, first.user_id, first.private) == (
        "matrix",
        room,
        ANNA,
        True,
    )
    assert first.language_code is None
    assert [i.text for i in recorder.seen] == [
        "Wie viele Planstellen?",
        "/frage Hundesteuer?",
        "/reindex",
    ]


async def test_own_events_and_edits_are_not_questions(mx: Running, recorder: Recorder) -> None:
    answer_with_actions(recorder)
    room = await mx.dm(ANNA)
    asked = mx.hs.text(room, ANNA, "Frage?")
    await mx.settle()
    edit = {"rel_type": "m.replace", "event_id": asked}
    new = {"msgtype": "m.text", "body": "Frage, verbessert?"}
    mx.hs.send(
        room,
        ANNA,
        {
            "msgtype": "m.text",
            "body": "* Frage, verbessert?",
            "m.new_content": new,
            "m.relates_to": edit,
        },
    )
    await mx.settle()
    assert [i.text for i in recorder.seen] == ["Frage?"]  # not the bot's notice, not the edit


async def test_groups_answer_mentions_in_a_thread(mx: Running, recorder: Recorder) -> None:
    answer_with_actions(recorder)
    room = await mx.group(ANNA, BOB)
    assert await mx.say(room, BOB, "Wie viele Planstellen?") == []
    assert await mx.say(room, BOB, "/reindex") == []
    sent = await mx.say(room, BOB, "Ratsbot: Wie viele Planstellen?")
    question = mx.hs.events[-4]  # the question, then the answer and its two reactions
    assert question.sender == BOB
    assert recorder.seen[-1].text == "Wie viele Planstellen?" and not recorder.seen[-1].private
    (answer,) = sent
    assert answer.content["m.relates_to"]["rel_type"] == "m.thread"
    assert answer.content["m.relates_to"]["event_id"] == question.event_id
    # m.mentions, and a question command without any mention
    await mx.say(room, ANNA, "Und die Hundesteuer?", **{"m.mentions": {"user_ids": [BOT]}})
    await mx.say(room, ANNA, "/frage Und der Haushalt?")
    assert [i.text for i in recorder.seen[-2:]] == [
        "Und die Hundesteuer?",
        "/frage Und der Haushalt?",
    ]


async def test_a_message_in_a_thread_is_answered_in_that_thread(
    mx: Running, recorder: Recorder
) -> None:
    answer_with_actions(recorder)
    room = await mx.group(ANNA, BOB)
    root = mx.hs.text(room, BOB, "Thema Digitalisierung")
    relates = {
        "rel_type": "m.thread",
        "event_id": root,
        "is_falling_back": True,
        "m.in_reply_to": {"event_id": root},
    }
    (answer,) = await mx.say(room, ANNA, "ratsbot, Planstellen?", **{"m.relates_to": relates})
    assert answer.content["m.relates_to"]["event_id"] == root
    assert recorder.seen[-1].text == "Planstellen?"


async def test_a_reply_to_the_bot_in_a_group_addresses_it(mx: Running, recorder: Recorder) -> None:
    answer_with_actions(recorder)
    room = await mx.group(ANNA, BOB)
    (answer,) = await mx.say(room, BOB, "Ratsbot: Frage eins?")
    body = f"> <{BOT}> Antwort\n\nUnd wann?"
    await mx.say(
        room, ANNA, body, **{"m.relates_to": {"m.in_reply_to": {"event_id": answer.event_id}}}
    )
    assert recorder.seen[-1].text == "Und wann?" and recorder.seen[-1].user_id == ANNA


async def test_files_are_uploaded_and_sent(mx: Running, recorder: Recorder) -> None:
    async def reply(incoming: Incoming, outbox: Outbox) -> None:
        await outbox.send(Reply([], kind="document", file=("Masterplan.txt", b"Inhalt \xc3\xa4")))

    recorder.reply = reply
    room = await mx.dm(ANNA)
    (file,) = await mx.say(room, ANNA, "Dokument")
    assert file.content["msgtype"] == "m.file" and file.content["body"] == "Masterplan.txt"
    media_id = file.content["url"].rsplit("/", 1)[1]
    assert mx.hs.media[media_id] == ("text/plain", "Masterplan.txt", "Inhalt ä".encode())
    assert file.content["info"] == {"size": 9, "mimetype": "text/plain"}


async def test_uploads_in_direct_messages_are_fetched_on_demand(
    mx: Running, recorder: Recorder, tmp_path: Path
) -> None:
    target = tmp_path / "got.txt"

    async def reply(incoming: Incoming, outbox: Outbox) -> None:
        assert incoming.upload is not None
        await incoming.upload.fetch(target)

    recorder.reply = reply
    room = await mx.dm(ADMIN)
    mx.hs.send_file(room, ADMIN, "Protokoll.txt", b"Hundesteuer 180 Euro")
    await mx.settle()
    upload = recorder.seen[-1].upload
    assert upload is not None and (upload.name, upload.size, upload.caption) == (
        "Protokoll.txt",
        20,
        None,
    )
    assert target.read_bytes() == b"Hundesteuer 180 Euro"
    assert any(c.path.startswith("/_matrix/client/v1/media/download/") for c in mx.hs.calls)
    # the newer form: a file name plus a caption
    mx.hs.send_file(room, ADMIN, "np.txt", b"x", body="nicht öffentlich", filename="np.txt")
    await mx.settle()
    upload = recorder.seen[-1].upload
    assert upload is not None and (upload.name, upload.caption) == ("np.txt", "nicht öffentlich")


async def test_files_in_groups_are_ignored(mx: Running, recorder: Recorder) -> None:
    room = await mx.group(ANNA, BOB)
    mx.hs.send_file(room, BOB, "a.txt", b"x")
    await mx.settle()
    assert recorder.seen == []


async def test_a_failing_handler_does_not_stop_the_bot(mx: Running, recorder: Recorder) -> None:
    async def reply(incoming: Incoming, outbox: Outbox) -> None:
        if incoming.text == "kaputt":
            raise RuntimeError("boom")
        await outbox.send(Reply([[Span("ok")]]))

    recorder.reply = reply
    room = await mx.dm(ANNA)
    assert await mx.say(room, ANNA, "kaputt") == []
    (ok,) = await mx.say(room, ANNA, "heil")
    assert ok.content["body"] == "ok"


async def test_stop_ends_the_run(mx_settings: Settings, recorder: Recorder) -> None:
    async with running(mx_settings, recorder) as mx:
        room = await mx.dm(ANNA)
    assert mx.bot.client.client_session is None or mx.bot.client.client_session.closed
    assert room
    await asyncio.sleep(0)


async def test_a_failed_sync_is_retried(mx: Running, recorder: Recorder) -> None:
    room = await mx.dm(ANNA)
    mx.hs.fail_next("/sync", 502)
    await mx.say(room, ANNA, "Noch da?")  # the sync after the failure brings it
    assert [i.text for i in recorder.seen] == ["Noch da?"]
    assert any(c.status == 502 for c in mx.hs.calls)


async def test_a_refused_send_reaches_the_conversation_as_an_error(
    mx: Running, recorder: Recorder
) -> None:
    failures: list[str] = []

    async def reply(incoming: Incoming, outbox: Outbox) -> None:
        try:
            await outbox.send(Reply([[Span("Antwort")]]))
        except Exception as e:  # the conversation logs it and apologises
            failures.append(str(e))
            await outbox.send(Reply([[Span("Entschuldigung")]], kind="error"))

    recorder.reply = reply
    room = await mx.dm(ANNA)
    mx.hs.fail_next("/send/m.room.message/", 500, "M_UNKNOWN")
    (apology,) = await mx.say(room, ANNA, "Frage?")
    assert failures == ["sending m.room.message failed: M_UNKNOWN"]
    assert apology.content["body"] == "Entschuldigung"


async def test_encrypted_rooms_are_told_once_that_the_bot_cannot_read(
    mx: Running, recorder: Recorder
) -> None:
    room = await mx.dm(ANNA)
    megolm = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "ciphertext": "AwgAEn…",
        "sender_key": "k",
        "session_id": "s",
        "device_id": "D",
    }
    mark = mx.hs.position
    mx.hs.send(room, ANNA, megolm, "m.room.encrypted")
    mx.hs.send(room, ANNA, megolm, "m.room.encrypted")
    await mx.settle()
    (notice,) = mx.hs.bot_events(room, "m.room.message", since=mark)
    assert "Ende-zu-Ende-verschlüsselt" in notice.content["body"]
    assert "end-to-end encrypted" in notice.content["body"]
    assert recorder.seen == []
