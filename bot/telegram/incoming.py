"""A Telegram update as the conversation sees it: an ``Incoming`` (or None).

Only new messages and button presses count (edited messages and channel posts
ask nothing). In groups the bot speaks only when spoken to: an @-mention, a
reply to one of its messages, or its own command (``/frage`` or
``/frage@ratsbot``, not ``/frage@otherbot``); the mention is cut out of the
question. Ids are stringified, as the conversation wants them on every platform.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from telegram import Document, Message, MessageEntity, Update
from telegram.constants import ChatType

from bot.chat import Incoming, Upload

PLATFORM = "telegram"


def incoming_from(update: Update, bot_id: int, username: str) -> Incoming | None:
    """The event for the conversation, or None when the update is not meant for the bot."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return None
    private = chat.type == ChatType.PRIVATE
    base = Incoming(
        PLATFORM,
        chat_id=str(chat.id),
        user_id=str(user.id) if user else "",
        private=private,
        language_code=user.language_code if user else None,
    )
    query = update.callback_query
    if query is not None:
        message_id = str(query.message.message_id) if query.message else None
        return replace(base, action=query.data or "", message_id=message_id)
    message = update.message  # None for edited messages and channel posts
    if message is None:
        return None
    message_id = str(message.message_id)
    if message.document is not None:
        upload = _upload(message.document, message.caption)
        return replace(base, upload=upload, message_id=message_id)
    text = addressed_text(message, bot_id, username)
    if text is None:
        if not private:
            return None
        text = ""  # a sticker or photo in a private chat: nothing to answer, but seen
    return replace(base, text=text, message_id=message_id)


def _upload(document: Document, caption: str | None) -> Upload:
    async def fetch(path: Path) -> None:
        tg_file = await document.get_file()
        await tg_file.download_to_drive(path)

    return Upload(
        name=document.file_name or "", size=document.file_size, caption=caption, fetch=fetch
    )


def addressed_text(message: Message, bot_id: int, username: str) -> str | None:
    """What a message says to the bot, else None.

    Commands: ``/cmd args`` with this bot's ``@username`` removed (None for
    another bot's command in a group). Private chats: the whole text. Groups:
    only with an @-mention of this bot (``mention`` or ``text_mention``) or as a
    reply to the bot; the mention itself is cut out of the question.
    """
    text = message.text
    if text is None:
        return None
    private = message.chat.type == ChatType.PRIVATE
    command = _command(message)
    if command is not None:
        name, target = command
        if target and target.lower() != username.lower() and not private:
            return None
        return name + text[len(name) + (len(target) + 1 if target else 0) :]
    if private:
        return text
    handle = f"@{username}".lower()
    mentioned = False
    spans: list[str] = []
    entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    for entity, value in entities.items():
        if entity.type == MessageEntity.MENTION and value.lower() == handle:
            mentioned = True
            spans.append(value)
        elif entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            mentioned = True
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        mentioned = True
    if not mentioned:
        return None
    for value in spans:
        text = text.replace(value, " ")
    return " ".join(text.split()).strip(" ,:")


def _command(message: Message) -> tuple[str, str] | None:
    """A leading ``/cmd`` or ``/cmd@bot`` as (``/cmd``, ``bot`` or "")."""
    for entity, value in message.parse_entities([MessageEntity.BOT_COMMAND]).items():
        if entity.offset == 0:
            name, _, target = value.partition("@")
            return name, target
    return None
