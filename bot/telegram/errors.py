"""Errors the conversation did not catch: log everything, tell the user little.

The conversation handles errors of its own work (and reports them through
``report_to_admins``); this handler sees the rest: Telegram refusing a reply,
polling trouble. Users get one plain sentence, never a traceback; the optional
admin chat gets the exception type and message, never the user's text (see
PTB's errorhandlerbot).
"""

from __future__ import annotations

import html
import logging

from telegram import Bot, Update
from telegram.constants import ParseMode
from telegram.error import NetworkError, TelegramError

from bot.chat import plain
from bot.settings import Settings
from bot.telegram.context import RatsContext

logger = logging.getLogger(__name__)

MAX_ERROR_MESSAGE = 300


async def on_error(update: object, context: RatsContext) -> None:
    """Log the exception with its traceback; apologise in the chat; report to admins."""
    error = context.error
    logger.error("exception while handling an update", exc_info=error)
    if not isinstance(update, Update):
        if isinstance(error, NetworkError):
            return  # polling hiccups: logged, not worth an admin message each time
        await report_to_admins(context.bot, context.settings, error)
        return
    text = plain(context.language(update), "error")
    chat = update.effective_chat
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif chat is not None:
            await context.bot.send_message(chat.id, html.escape(text), parse_mode=ParseMode.HTML)
    except TelegramError as e:  # the chat may be gone; nothing more to do for it
        logger.warning("could not tell the user about the error: %s", e.__class__.__name__)
    await report_to_admins(context.bot, context.settings, error)


async def report_to_admins(bot: Bot, settings: Settings, error: BaseException | None) -> None:
    """Exception type and message to the admin chat, if one is configured."""
    admin_chat = settings.admin_chat_id
    if not admin_chat or error is None:
        return
    detail = html.escape(str(error)[:MAX_ERROR_MESSAGE])
    text = f"⚠️ Ratsbot: <code>{html.escape(type(error).__name__)}</code>: {detail}"
    try:
        await bot.send_message(admin_chat, text, parse_mode=ParseMode.HTML)
    except TelegramError as e:
        logger.warning("could not report the error to the admin chat: %s", e.__class__.__name__)
