"""Buttons on Matrix: reactions and text replies press them, paging edits in place.

The real nio client against the fake homeserver, over a stand-in conversation
whose replies carry actions (``answer_with_actions``).
"""

from __future__ import annotations

from bot.chat.messages import Incoming, Outbox, Reply, Span
from bot.matrix import render
from tests.bot.matrix.fake_homeserver import BOT
from tests.bot.matrix.harness import ANNA, BOB, NEXT, PREV, Recorder, Running, answer_with_actions


async def test_replies_are_sanitised_notices_with_reactions(
    mx: Running, recorder: Recorder
) -> None:
    answer_with_actions(recorder)
    room = await mx.dm(ANNA)
    (answer,) = await mx.say(room, ANNA, "Frage?")
    content = answer.content
    assert content["msgtype"] == "m.notice" and content["format"] == render.HTML_FORMAT
    assert "m.relates_to" not in content  # one-to-one rooms: no threads
    assert content["body"] == "Antwort\n\n↳ 1 📄 Quellen · 2 📎 Dokument"
    assert render.html_errors(content["formatted_body"]) == []
    assert mx.hs.reactions(answer.event_id, BOT) == ["📄 Quellen", "📎 Dokument"]
    typing = [c.body["typing"] for c in mx.hs.typing_calls()]
    assert typing == [True, False]


async def test_a_reaction_presses_the_button_and_taking_it_back_presses_again(
    mx: Running, recorder: Recorder
) -> None:
    answer_with_actions(recorder)
    room = await mx.dm(ANNA)
    (answer,) = await mx.say(room, ANNA, "Frage?")
    reaction = mx.hs.react(room, ANNA, answer.event_id, "📄 Quellen")
    await mx.settle()
    pressed = recorder.seen[-1]
    assert (pressed.action, pressed.message_id, pressed.private) == (
        "src:a1:0",
        answer.event_id,
        True,
    )
    mx.hs.redact(room, ANNA, reaction)
    await mx.settle()
    assert [i.action for i in recorder.seen[1:]] == ["src:a1:0", "src:a1:0"]
    mx.hs.react(room, ANNA, answer.event_id, "👍")  # not a button
    await mx.settle()
    assert len(recorder.seen) == 3


async def test_text_replies_press_buttons(mx: Running, recorder: Recorder) -> None:
    answer_with_actions(recorder)
    room = await mx.dm(ANNA)
    (answer,) = await mx.say(room, ANNA, "Frage?")
    reply = {"m.relates_to": {"m.in_reply_to": {"event_id": answer.event_id}}}
    await mx.say(room, ANNA, "> <@ratsbot:localhost> Antwort\n\n2", **reply)
    await mx.say(room, ANNA, "quellen")  # no reply needed in a one-to-one room
    await mx.say(room, ANNA, "quellen, bitte")  # not a label: a question
    assert [(i.action, i.text) for i in recorder.seen[1:]] == [
        ("doc:a1", ""),
        ("src:a1:0", ""),
        (None, "quellen, bitte"),
    ]


async def test_paging_edits_the_message_and_its_reactions(mx: Running, recorder: Recorder) -> None:
    answer_with_actions(recorder)
    room = await mx.dm(ANNA)
    (answer,) = await mx.say(room, ANNA, "Frage?")
    mark = mx.hs.position
    mx.hs.react(room, ANNA, answer.event_id, "📄 Quellen")
    await mx.settle()
    (source,) = mx.hs.bot_events(room, "m.room.message", since=mark)
    assert mx.hs.reactions(source.event_id, BOT) == ["▶"]
    mark = mx.hs.position
    mx.hs.react(room, ANNA, source.event_id, "▶")
    await mx.settle()
    (edit,) = mx.hs.bot_events(room, "m.room.message", since=mark)
    assert edit.content["m.relates_to"] == {"rel_type": "m.replace", "event_id": source.event_id}
    assert edit.content["body"].startswith("* Quelle 2/3")
    assert edit.content["m.new_content"]["body"] == "Quelle 2/3\n\n↳ 1 ◀ · 2 ▶"
    assert mx.hs.reactions(source.event_id, BOT) == ["▶", "◀"]  # ▶ kept, ◀ added


async def test_paging_drops_reactions_that_are_gone(mx: Running, recorder: Recorder) -> None:
    async def reply(incoming: Incoming, outbox: Outbox) -> None:
        actions = (PREV,) if incoming.action else (NEXT,)
        await outbox.send(Reply([[Span("Quelle")]], actions=actions, edit=bool(incoming.action)))

    recorder.reply = reply
    room = await mx.dm(ANNA)
    (message,) = await mx.say(room, ANNA, "/quellen")
    mx.hs.react(room, ANNA, message.event_id, "▶")
    await mx.settle()
    assert mx.hs.reactions(message.event_id, BOT) == ["◀"]
    assert [c for c in mx.hs.calls if "/redact/" in c.path]


async def test_a_reaction_from_another_room_presses_nothing(
    mx: Running, recorder: Recorder
) -> None:
    answer_with_actions(recorder)
    room = await mx.dm(ANNA)
    (answer,) = await mx.say(room, ANNA, "Frage?")
    other = await mx.dm(BOB)
    mx.hs.react(other, BOB, answer.event_id, "📄 Quellen")
    mx.hs.text(
        other, BOB, "1", **{"m.relates_to": {"m.in_reply_to": {"event_id": answer.event_id}}}
    )
    await mx.settle()
    assert [(i.user_id, i.action, i.text) for i in recorder.seen] == [
        (ANNA, None, "Frage?"),
        (BOB, None, "1"),
    ]
