"""Replies from the conversation, sent as Telegram messages.

Rich text becomes Telegram HTML (``Span.html`` escapes every span), packed
below 4096 characters per message; actions become an inline keyboard under the
last message; ``edit`` edits the message whose button was pressed; ``file`` is
sent as a document. A button press is always acknowledged (Telegram shows a
spinner until then), with a pop-up when the reply is an ``alert``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError

from bot.chat import Action, Reply, pack, plain_text

logger = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
TYPING_INTERVAL = 4.0  # Telegram shows "typing" for about 5 s
MAX_ALERT = 200  # answerCallbackQuery's text limit
MAX_CAPTION = 1024


def keyboard(actions: tuple[Action, ...]) -> InlineKeyboardMarkup | None:
    """One row of buttons; the payload travels as ``callback_data``."""
    if not actions:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(a.label, callback_data=a.payload) for a in actions]]
    )


class TelegramOutbox:
    """The outbox for one update: its chat, its message to quote, its button press."""

    def __init__(self, bot: Bot, update: Update) -> None:
        chat = update.effective_chat
        if chat is None:
            raise ValueError("an update without a chat has no outbox")
        self.bot = bot
        self.chat_id = chat.id
        self.message: Message | None = update.message
        self.query = update.callback_query
        self._acknowledged = False

    async def send(self, reply: Reply) -> None:
        if self.query is not None and not self._acknowledged:
            self._acknowledged = True
            if reply.alert:
                await self.query.answer(plain_text(reply.paragraphs)[:MAX_ALERT], show_alert=True)
                return
            await self.query.answer()
        messages = pack(reply.paragraphs)
        markup = keyboard(reply.actions)
        if reply.file is not None:
            name, data = reply.file
            caption = (
                messages[0] if len(messages) == 1 and len(messages[0]) <= MAX_CAPTION else None
            )
            await self.bot.send_document(
                self.chat_id, document=data, filename=name, caption=caption,
                parse_mode=ParseMode.HTML if caption else None,
            )  # fmt: skip
            return
        if reply.edit and messages and await self._edit(messages[0], markup):
            return
        for i, text in enumerate(messages):
            last = i == len(messages) - 1
            await self._send(text, quote=reply.quote and i == 0, markup=markup if last else None)

    async def _send(self, text: str, *, quote: bool, markup: InlineKeyboardMarkup | None) -> None:
        options: dict[str, Any] = {"link_preview_options": NO_PREVIEW, "reply_markup": markup}
        if self.message is not None:
            await self.message.reply_html(text, do_quote=quote, **options)
        else:
            await self.bot.send_message(self.chat_id, text, parse_mode=ParseMode.HTML, **options)

    async def _edit(self, text: str, markup: InlineKeyboardMarkup | None) -> bool:
        """Edit the pressed message; False when there is none to edit (send anew)."""
        pressed = self.query.message if self.query is not None else None
        if pressed is None:
            return False
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=self.chat_id,
                message_id=pressed.message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup,
            )
        except BadRequest as e:  # a double tap: the page is already shown
            if "not modified" not in e.message.lower():
                raise
        return True

    async def finish(self) -> None:
        """Acknowledge a button press that got no reply (the spinner stops)."""
        if self.query is not None and not self._acknowledged:
            self._acknowledged = True
            await self.query.answer()

    @contextlib.asynccontextmanager
    async def typing(self) -> AsyncIterator[None]:
        """Show "typing…" until the block ends, resent every few seconds."""

        async def loop() -> None:
            while True:
                try:
                    await self.bot.send_chat_action(self.chat_id, ChatAction.TYPING)
                except TelegramError as e:  # a missed indicator must not fail the answer
                    logger.debug("chat action failed: %s", e)
                await asyncio.sleep(TYPING_INTERVAL)

        task = asyncio.create_task(loop())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
