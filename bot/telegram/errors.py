"""The one error handler: log everything, tell the user little, the admins a bit more.

Users get one plain sentence, never a traceback. The optional admin chat gets the
exception type and message, never the user's text (see PTB's errorhandlerbot).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import NetworkError, TelegramError

from bot.telegram.context import RatsContext, esc, send
from bot.telegram.texts import t

logger = logging.getLogger(__name__)

MAX_ERROR_MESSAGE = 300


async def on_error(update: object, context: RatsContext) -> None:
    """Log the exception with its traceback; apologise in the chat; report to admins."""
    error = context.error
    logger.error("exception while handling an update", exc_info=error)
    if not isinstance(update, Update):
        if isinstance(error, NetworkError):
            return  # polling hiccups: logged, not worth an admin message each time
        await report_to_admins(context, error)
        return
    lang = context.language(update)
    chat = update.effective_chat
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t(lang, "error"), show_alert=True)
        elif chat is not None:
            await send(context, chat.id, t(lang, "error"))
    except TelegramError as e:  # the chat may be gone; nothing more to do for it
        logger.warning("could not tell the user about the error: %s", e.__class__.__name__)
    await report_to_admins(context, error)


async def report_to_admins(context: RatsContext, error: BaseException | None) -> None:
    """Exception type and message to the admin chat, if one is configured."""
    admin_chat = context.settings.admin_chat_id
    if not admin_chat or error is None:
        return
    detail = str(error)[:MAX_ERROR_MESSAGE]
    text = f"⚠️ Ratsbot: <code>{esc(type(error).__name__)}</code>: {esc(detail)}"
    try:
        await send(context, admin_chat, text)
    except TelegramError as e:
        logger.warning("could not report the error to the admin chat: %s", e.__class__.__name__)
