"""Which messages address the bot, and what is left of them for the conversation."""

from __future__ import annotations

import pytest

from bot.matrix.events import (
    BotIdentity,
    addressed,
    as_command,
    cut_mention,
    mentions,
    relation,
    strip_reply_fallback,
)

BOT = BotIdentity("@ratsbot:example.org", "Ratsbot Dortmund")


def test_relations() -> None:
    fallback = {"event_id": "$x"}
    relates = {"rel_type": "m.thread", "event_id": "$root", "is_falling_back": True}
    thread = {"m.relates_to": {**relates, "m.in_reply_to": fallback}}
    plain = {"m.relates_to": {"rel_type": "m.thread", "event_id": "$root"}}
    assert relation(thread) == relation(plain)
    assert relation(thread).reply_to is None
    reply = {"m.relates_to": {"m.in_reply_to": {"event_id": "$bot"}}}
    assert relation(reply).reply_to == "$bot" and relation(reply).rel_type is None
    assert relation({"m.relates_to": "junk"}).rel_type is None
    assert relation({}).event_id is None


def test_reply_fallback_is_stripped() -> None:
    body = "> <@ratsbot:example.org> Quelle 1/3\n> mehr\n\nquellen"
    assert strip_reply_fallback(body) == "quellen"
    assert strip_reply_fallback(">ohne Leerzeichen") == ">ohne Leerzeichen"
    assert strip_reply_fallback("Frage?") == "Frage?"


@pytest.mark.parametrize(
    "content",
    [
        {"body": "Wie viele Planstellen?", "m.mentions": {"user_ids": ["@ratsbot:example.org"]}},
        {"body": "Ratsbot Dortmund: Wie viele?"},
        {"body": "ratsbot, wie viele?"},
        {"body": "@ratsbot:example.org wie viele?"},
        {
            "body": "Bot: wie viele?",
            "formatted_body": '<a href="https://matrix.to/#/%40ratsbot%3Aexample.org">Bot</a>: x',
        },
    ],
)
def test_mentions(content: dict[str, object]) -> None:
    assert mentions(content, BOT)


@pytest.mark.parametrize(
    "body", ["Die Ratsbots sind gut", "mail ratsbot-admin bitte", "@ratsbotx:example.org hallo"]
)
def test_not_mentions(body: str) -> None:
    assert not mentions({"body": body, "m.mentions": {"user_ids": ["@anna:example.org"]}}, BOT)


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("Ratsbot Dortmund: Wie viele Planstellen?", "Wie viele Planstellen?"),
        ("ratsbot, /frage Hundesteuer", "/frage Hundesteuer"),
        ("@ratsbot:example.org Wie viele?", "Wie viele?"),
        ("Wie viele, @ratsbot:example.org?", "Wie viele?"),
        ("Ratsbot Dortmund", ""),
    ],
)
def test_cut_mention(text: str, left: str) -> None:
    assert cut_mention(text, BOT) == left


def test_bang_commands_become_slash_commands() -> None:
    assert as_command("!frage Wie viele?") == "/frage Wie viele?"
    assert as_command("!reindex") == "/reindex"
    assert as_command("! nicht") == "! nicht"
    assert as_command("!!!") == "!!!"


def test_addressed_in_groups() -> None:
    assert addressed({"body": "Wie viele?"}, "Wie viele?", BOT, reply_to_bot=False) is None
    assert addressed({"body": "quellen"}, "quellen", BOT, reply_to_bot=True) == "quellen"
    said = "Ratsbot Dortmund: !reindex"
    assert addressed({"body": said}, said, BOT, reply_to_bot=False) == "/reindex"
    # a question command needs no mention, other commands do
    assert addressed({"body": "/frage X"}, "/frage X", BOT, reply_to_bot=False) == "/frage X"
    assert addressed({"body": "!ask X"}, "!ask X", BOT, reply_to_bot=False) == "/ask X"
    assert addressed({"body": "/reindex"}, "/reindex", BOT, reply_to_bot=False) is None
    assert addressed({"body": "/frage"}, "/frage", BOT, reply_to_bot=False) is None
