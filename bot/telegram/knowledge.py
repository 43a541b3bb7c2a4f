"""/status DRUCKSACHE and /zahlen [THEMA]: a paper's path and figures with their source.

Both render the service's plain text (the same as ``ratsbot status`` and
``ratsbot zahlen``) escaped, split below Telegram's message limit; only what
the asking audience may see is shown, as for answers.
"""

from __future__ import annotations

import html

from telegram import Update

from bot.render_html import split_plain
from bot.telegram.context import RatsContext, keep_typing, reply
from bot.telegram.texts import t

LIMIT = 4000  # below MessageLimit.MAX_TEXT_LENGTH, room for the escaping
KINDS = {"stellen", "euro", "prozent", "anzahl"}


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    if chat is None:
        raise ValueError("command without a chat")
    return chat.id


async def _send_plain(update: Update, text: str) -> None:
    for part in split_plain(text, LIMIT):
        await reply(update, html.escape(part))


async def cmd_status(update: Update, context: RatsContext) -> None:
    """/status 18828-20: the paper's consultations, oldest first, and its current state."""
    lang = context.language(update)
    number = " ".join(context.args or []).strip()
    if not number:
        await reply(update, t(lang, "status_usage"))
        return
    async with keep_typing(context, _chat_id(update)):
        status = await context.blocking(
            context.service.status, number, audience=context.audience(update)
        )
    await _send_plain(update, status.render_plain(lang.value))


async def cmd_figures(update: Update, context: RatsContext) -> None:
    """/zahlen [stellen|euro|prozent|anzahl] [THEMA]: figures, newest first, with citations."""
    lang = context.language(update)
    words = list(context.args or [])
    kind = words.pop(0).lower() if words and words[0].lower() in KINDS else None
    topic = " ".join(words).strip() or None
    async with keep_typing(context, _chat_id(update)):
        found = await context.blocking(
            context.service.figures, topic, kind, audience=context.audience(update)
        )
    await _send_plain(update, found.render_plain(lang.value, limit=15))
