"""What a Matrix message means for the bot: relations, reply fallbacks, mentions, commands.

Pure functions over event content, so the rules are unit-tested without a
homeserver. In a group room the bot reads every message but answers only those
addressed to it: a mention (its user id or display name in the text, a pill
link, or ``m.mentions``) or a reply to one of its messages. The mention is cut
out, so the conversation sees the question alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

# Element asks before sending an unknown "/command"; "!frage" is the usual bot
# prefix in Matrix rooms, so "!" commands are passed on as "/" commands.
BANG_COMMAND = re.compile(r"!([A-Za-z][A-Za-z0-9_]{0,31})(?=\s|$)")
# asked in a group without a mention, these still mean this bot (as "/frage" on Telegram)
GROUP_COMMANDS = frozenset({"frage", "ask"})


@dataclass(frozen=True)
class Relation:
    """An event's ``m.relates_to``: thread, edit or annotation, and the event it replies to."""

    rel_type: str | None = None
    event_id: str | None = None
    reply_to: str | None = None


def relation(content: dict[str, Any]) -> Relation:
    relates = content.get("m.relates_to")
    if not isinstance(relates, dict):
        return Relation()
    reply = relates.get("m.in_reply_to")
    reply_to = reply.get("event_id") if isinstance(reply, dict) else None
    if relates.get("is_falling_back"):  # a plain thread message, not a real reply
        reply_to = None
    rel_type, event_id = relates.get("rel_type"), relates.get("event_id")
    return Relation(
        rel_type if isinstance(rel_type, str) else None,
        event_id if isinstance(event_id, str) else None,
        reply_to if isinstance(reply_to, str) else None,
    )


def strip_reply_fallback(body: str) -> str:
    """The body without the "> <@user> quoted text" lines older clients put in front of replies."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith("> "):
        return body
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    if lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is in a room: its user id and the names people address it by."""

    user_id: str
    display_name: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        localpart = self.user_id.removeprefix("@").split(":", 1)[0]
        found = [n for n in (self.display_name, localpart) if n and n.strip()]
        return tuple(dict.fromkeys(found))


def mentions(content: dict[str, Any], bot: BotIdentity) -> bool:
    """Whether the message mentions the bot: ``m.mentions``, a pill link or a name in the text."""
    intent = content.get("m.mentions")
    if isinstance(intent, dict) and bot.user_id in (intent.get("user_ids") or []):
        return True
    formatted = content.get("formatted_body")
    if isinstance(formatted, str) and f"matrix.to/#/{bot.user_id}" in unquote(formatted):
        return True
    body = content.get("body")
    if not isinstance(body, str):
        return False
    if bot.user_id in body:
        return True
    return any(_name_pattern(name).search(body) for name in bot.names)


def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w@]){re.escape(name)}(?![\w-])", re.IGNORECASE)


def cut_mention(text: str, bot: BotIdentity) -> str:
    """The text without the bot's user id anywhere and without a leading "Name:" address."""
    text = re.sub(rf"[,:]?\s*{re.escape(bot.user_id)}\s*[,:]?", " ", text)
    names = sorted(bot.names, key=len, reverse=True)
    changed = True
    while changed:  # "Ratsbot: @ratsbot:x, frage" -> "frage"
        changed = False
        text = text.lstrip(" \t:,")
        for name in names:
            match = re.match(rf"@?{re.escape(name)}(?![\w-])\s*[:,]?", text, re.IGNORECASE)
            if match:
                text = text[match.end() :]
                changed = True
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r" ([,.;:!?])", r"\1", text)
    return text.strip()


def as_command(text: str) -> str:
    """``!frage x`` as ``/frage x``; everything else as it is."""
    stripped = text.strip()
    if BANG_COMMAND.match(stripped):
        return "/" + stripped[1:]
    return stripped


def addressed(
    content: dict[str, Any], text: str, bot: BotIdentity, *, reply_to_bot: bool
) -> str | None:
    """In a group room: the text meant for the bot (mention cut out), or None if not for it."""
    if mentions(content, bot) or reply_to_bot:
        return as_command(cut_mention(text, bot))
    command = as_command(text)
    head = command[1:].split(maxsplit=1)[0].lower() if command.startswith("/") else ""
    return command if head in GROUP_COMMANDS and len(command.split()) > 1 else None
