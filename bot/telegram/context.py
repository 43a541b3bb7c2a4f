"""Typed access to the bot's dependencies, and small helpers every handler shares.

Handlers get the service, settings and memory through ``RatsContext`` (a custom
``CallbackContext``, as in PTB's contexttypesbot example) instead of globals, so
tests can build an application around a fake service.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from telegram import LinkPreviewOptions, Message, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackContext, ExtBot

from bot.audience import Audience, audience_for
from bot.service import RatsbotService
from bot.settings import Settings
from bot.telegram.state import BotState
from bot.telegram.texts import Lang, pick_language

logger = logging.getLogger(__name__)

SERVICE = "service"
SETTINGS = "settings"
STATE = "state"
TYPING_INTERVAL = 4.0  # Telegram shows "typing" for about 5 s
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

T = TypeVar("T")


class RatsContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context of every Ratsbot handler."""

    @property
    def service(self) -> RatsbotService:
        return self.bot_data[SERVICE]  # type: ignore[no-any-return]

    @property
    def settings(self) -> Settings:
        return self.bot_data[SETTINGS]  # type: ignore[no-any-return]

    @property
    def state(self) -> BotState:
        return self.bot_data[STATE]  # type: ignore[no-any-return]

    def language(self, update: Update) -> Lang:
        """/sprache choice, else the user's Telegram language, else German."""
        user = update.effective_user
        pref = self.state.languages.get(user.id if user else None)
        return pick_language(pref, user.language_code if user else None)

    def audience(self, update: Update) -> Audience:
        """Who reads the reply: members only in private or in a declared member chat."""
        user, chat = update.effective_user, update.effective_chat
        return audience_for(
            self.settings,
            user.id if user else None,
            chat.id if chat else None,
            private=is_private(update),
        )

    def is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.settings.admin_ids

    async def blocking(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking service call in a worker thread; the event loop stays free."""
        return await asyncio.to_thread(fn, *args, **kwargs)


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def reply(update: Update, text: str, *, quote: bool | None = None, **kwargs: Any) -> Message:
    """Send trusted HTML to the update's chat; in groups as a reply to the message."""
    message = update.effective_message
    if message is None:
        raise ValueError("update has no message to reply to")
    if quote is None:
        quote = not is_private(update)
    return await message.reply_html(text, do_quote=quote, link_preview_options=NO_PREVIEW, **kwargs)


async def send(context: RatsContext, chat_id: int, text: str, **kwargs: Any) -> Message:
    """Send trusted HTML to ``chat_id`` (for callback answers, which have no message to quote)."""
    return await context.bot.send_message(
        chat_id, text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, **kwargs
    )


def esc(value: object) -> str:
    """Escape anything that did not come from texts.py before it goes into HTML."""
    return html.escape(str(value))


@contextlib.asynccontextmanager
async def keep_typing(
    context: RatsContext, chat_id: int, interval: float = TYPING_INTERVAL
) -> AsyncIterator[None]:
    """Show "typing…" until the block ends, resent every ``interval`` seconds."""

    async def loop() -> None:
        while True:
            try:
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as e:  # a missed indicator must not fail the answer
                logger.debug("chat action failed: %s", e)
            await asyncio.sleep(interval)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
