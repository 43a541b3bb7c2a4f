"""Who may talk to the bot, and when a group message is meant for it.

The guard runs before every other handler (group -1) and stops updates from
people and chats that are not allowed. In groups the bot speaks only when
spoken to: an @-mention, a reply to one of its messages, or its own command.
"""

from __future__ import annotations

import logging

from telegram import Message, MessageEntity, Update
from telegram.ext import ApplicationHandlerStop

from bot.settings import Settings
from bot.telegram.context import RatsContext, is_private, reply
from bot.telegram.texts import t

logger = logging.getLogger(__name__)


def is_allowed(settings: Settings, user_id: int | None, chat_id: int | None) -> bool:
    """Open when no allow-list is set; admins are always allowed."""
    if user_id is not None and user_id in settings.admin_ids:
        return True
    if not settings.allowed_user_ids and not settings.allowed_chat_ids:
        return True
    return (user_id is not None and user_id in settings.allowed_user_ids) or (
        chat_id is not None and chat_id in settings.allowed_chat_ids
    )


async def guard(update: Update, context: RatsContext) -> None:
    """Stop updates from outsiders; tell them why where they addressed the bot."""
    user = update.effective_user
    chat = update.effective_chat
    if is_allowed(context.settings, user.id if user else None, chat.id if chat else None):
        return
    lang = context.language(update)
    logger.info("refused an update from a chat that is not allowed")
    if update.callback_query:
        await update.callback_query.answer(t(lang, "not_allowed"), show_alert=True)
    elif update.message and (
        is_private(update)
        or is_command_for_me(update.message, context.bot.username)
        or addressed_text(update.message, context.bot.id, context.bot.username) is not None
    ):
        await reply(update, t(lang, "not_allowed"))
    raise ApplicationHandlerStop


def is_command_for_me(message: Message, username: str) -> bool:
    """A leading ``/cmd`` or ``/cmd@me`` (but not ``/cmd@otherbot``)."""
    for entity, text in message.parse_entities([MessageEntity.BOT_COMMAND]).items():
        if entity.offset != 0:
            continue
        _, _, target = text.partition("@")
        return not target or target.lower() == username.lower()
    return False


def addressed_text(message: Message, bot_id: int, username: str) -> str | None:
    """The question in a message meant for the bot, else None.

    Private chats: the whole text. Groups: only with an @-mention of this bot
    (``mention`` or ``text_mention`` entity) or as a reply to the bot; the mention
    itself is cut out of the question.
    """
    text = message.text or message.caption
    if text is None:
        return None
    if message.chat.type == "private":
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
