"""Update dicts exactly as Telegram sends them: entities with UTF-16 offsets.

Commands carry a ``bot_command`` entity and @-mentions a ``mention`` entity,
computed from the text, so the bot sees what real clients produce. Chats are
registered with the fake API so the bot's replies carry the right chat type.
"""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from tests.bot.telegram.fake_server import BOT_USER, FakeBotApi

COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?")
MENTION = re.compile(r"(?<!\S)@[A-Za-z0-9_]{5,32}")

Json = dict[str, Any]


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entities(text: str) -> list[Json]:
    """bot_command and mention entities of ``text``, with Telegram's UTF-16 offsets."""
    found = []
    for kind, pattern in (("bot_command", COMMAND), ("mention", MENTION)):
        for m in pattern.finditer(text):
            found.append(
                {"type": kind, "offset": _utf16(text[: m.start()]), "length": _utf16(m.group())}
            )
    return sorted(found, key=lambda e: e["offset"])


class Telegram:
    """Builds users, chats and updates; ``push`` sends them via the fake API's queue."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    def user(self, user_id: int, name: str = "Anna", language_code: str = "de") -> Json:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": language_code}

    def private(self, user: Json) -> Json:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        self.api.chats[chat["id"]] = chat
        return chat

    def group(self, chat_id: int = -100123, title: str = "Fraktion") -> Json:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        self.api.chats[chat_id] = chat
        return chat

    def message(self, chat: Json, user: Json, text: str, *, reply_to: Json | None = None) -> Json:
        """A text message update; commands and mentions get their entities."""
        msg: Json = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            "text": text,
        }
        if ents := entities(text):
            msg["entities"] = ents
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        return {"message": msg}

    def document(self, chat: Json, user: Json, data: bytes, file_name: str, mime: str) -> Json:
        """A message with a file the user sends (stored in the fake API for getFile)."""
        msg: Json = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            "document": self.api.add_file(data, file_name, mime),
        }
        return {"message": msg}

    def callback(self, message: Json, user: Json, data: str) -> Json:
        """A button press on ``message`` (a message the bot sent)."""
        return {
            "callback_query": {
                "id": str(next(self._callback_ids)),
                "from": user,
                "message": message,
                "chat_instance": "ci-1",
                "data": data,
            }
        }

    def push(self, update: Json) -> Json:
        return self.api.push(update)


def buttons(message: Json) -> dict[str, str]:
    """Button text -> callback_data of a message the bot sent."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def bot_reply_to(text: str, chat: Json) -> Json:
    """A message by the bot, as it appears in ``reply_to_message``."""
    return {"message_id": 999, "date": int(time.time()), "chat": chat, "from": BOT_USER,
            "text": text}  # fmt: skip
