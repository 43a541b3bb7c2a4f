"""Questions, help and the answer buttons: the part of the bot everyone uses.

The bot adds no retrieval logic: it hands the question to ``service.ask`` in a
worker thread (so one slow question never blocks other chats), renders the
answer as Telegram HTML and remembers it briefly for the buttons.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.answer import Answer
from bot.audience import Audience
from bot.render_html import render_answer, render_document, render_source
from bot.telegram.access import addressed_text
from bot.telegram.context import (
    NO_PREVIEW,
    RatsContext,
    esc,
    is_private,
    keep_typing,
    reply,
    send,
)
from bot.telegram.state import StoredAnswer, Verdict
from bot.telegram.texts import Lang, t

logger = logging.getLogger(__name__)

MAX_DOCUMENTS_PER_ANSWER = 3
MAX_SEND_BYTES = 50 * 1024 * 1024  # Bot API limit for sendDocument


async def on_text(update: Update, context: RatsContext) -> None:
    """A free-text message: in private chats always a question, in groups only if addressed."""
    message = update.effective_message
    if message is None:
        return
    question = addressed_text(message, context.bot.id, context.bot.username)
    if question is None:
        return
    await answer_question(update, context, question)


async def cmd_ask(update: Update, context: RatsContext) -> None:
    """``/frage QUESTION`` (and ``/ask``): the way to ask in groups without mentioning."""
    await answer_question(update, context, " ".join(context.args or []))


async def answer_question(update: Update, context: RatsContext, question: str) -> None:
    """Ask the service off the event loop, send the answer with its buttons."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    lang = context.language(update)
    if not question.strip():
        await reply(update, t(lang, "ask_usage"))
        return
    verdict = context.state.flood.check(user.id)
    if verdict is Verdict.DROP:
        return
    if verdict is Verdict.WARN:
        await reply(update, t(lang, "flood"))
        return
    started = time.perf_counter()
    async with keep_typing(context, chat.id):
        answer = await context.blocking(
            context.service.ask, question, language=lang.value, audience=context.audience(update)
        )
    answer_id = context.state.answers.put(chat.id, answer)
    messages = render_answer(answer)
    keyboard = answer_keyboard(answer_id, answer, lang)
    for i, text in enumerate(messages):
        last = i == len(messages) - 1
        await reply(
            update,
            text,
            quote=(i == 0 and not is_private(update)),
            reply_markup=keyboard if last else None,
        )
    # no user id and no text in the log: only what helps operating the bot
    logger.info(
        "answered: chat_type=%s abstained=%s quotes=%d messages=%d seconds=%.2f",
        chat.type,
        answer.abstained,
        len(answer.quotes),
        len(messages),
        time.perf_counter() - started,
    )


def answer_keyboard(answer_id: str, answer: Answer, lang: Lang) -> InlineKeyboardMarkup | None:
    """ "Quellen" and "Dokument" under an answer; callback_data is ``kind:answer_id``."""
    if not answer.sources:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(lang, "button_sources"), callback_data=f"src:{answer_id}:0"),
                InlineKeyboardButton(t(lang, "button_document"), callback_data=f"doc:{answer_id}"),
            ]
        ]
    )


def pager_keyboard(answer_id: str, index: int, total: int) -> InlineKeyboardMarkup | None:
    """◀ ▶ under a source message; pressing them edits that message."""
    row = []
    if index > 0:
        row.append(InlineKeyboardButton("◀", callback_data=f"pg:{answer_id}:{index - 1}"))
    if index < total - 1:
        row.append(InlineKeyboardButton("▶", callback_data=f"pg:{answer_id}:{index + 1}"))
    return InlineKeyboardMarkup([row]) if row else None


async def on_button(update: Update, context: RatsContext) -> None:
    """Buttons: ``src`` opens the sources view, ``pg`` pages it, ``doc`` sends documents."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or not query.data:
        return
    lang = context.language(update)
    kind, _, rest = query.data.partition(":")
    answer_id, _, index_text = rest.partition(":")
    stored = context.state.answers.get(answer_id, chat.id)
    if stored is None:
        await query.answer(t(lang, "answer_expired"), show_alert=True)
        return
    await query.answer()
    index = int(index_text) if index_text.isdigit() else 0
    if kind == "src":
        await send_source(context, chat.id, stored, index, lang)
    elif kind == "pg" and query.message is not None and stored.answer.sources:
        sources = stored.answer.sources
        index = min(index, len(sources) - 1)
        try:
            await context.bot.edit_message_text(
                render_source(sources[index], index, len(sources), lang),
                chat_id=chat.id,
                message_id=query.message.message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=pager_keyboard(stored.answer_id, index, len(sources)),
            )
        except BadRequest as e:  # a double tap: the page is already shown
            if "not modified" not in e.message.lower():
                raise
    elif kind == "doc":
        await send_documents(context, chat.id, stored, lang, context.audience(update))


async def send_source(
    context: RatsContext, chat_id: int, stored: StoredAnswer, index: int, lang: Lang
) -> None:
    """A new message with source ``index``, paged by editing it."""
    sources = stored.answer.sources
    if not sources:
        await send(context, chat_id, t(lang, "no_sources"))
        return
    index = min(index, len(sources) - 1)
    await send(
        context,
        chat_id,
        render_source(sources[index], index, len(sources), lang),
        reply_markup=pager_keyboard(stored.answer_id, index, len(sources)),
    )


async def send_documents(
    context: RatsContext, chat_id: int, stored: StoredAnswer, lang: Lang, audience: Audience
) -> None:
    """Metadata of the answer's documents, and the original files found in the corpus."""
    doc_ids = list(dict.fromkeys(s.document_id for s in stored.answer.sources))
    paths = list(dict.fromkeys(s.source_path for s in stored.answer.sources if s.source_path))
    for doc_id in doc_ids[:MAX_DOCUMENTS_PER_ANSWER]:
        info = await context.blocking(context.service.document, doc_id, audience=audience)
        if info is not None:
            await send(context, chat_id, render_document(info, lang))
        else:  # not visible here (any more): its file is not sent either
            paths = [p for p in paths if not _source_of(stored, doc_id, p)]
    files = [f for f in (resolve_in_corpus(context.settings.corpus_dirs, p) for p in paths) if f]
    if not files:
        await send(context, chat_id, t(lang, "file_missing"))
    for path in files[:MAX_DOCUMENTS_PER_ANSWER]:
        data = await context.blocking(path.read_bytes)
        await context.bot.send_document(chat_id, document=data, filename=path.name)


def _source_of(stored: StoredAnswer, doc_id: int, path: str) -> bool:
    return any(s.document_id == doc_id and s.source_path == path for s in stored.answer.sources)


def resolve_in_corpus(corpus_dirs: tuple[Path, ...], source_path: str) -> Path | None:
    """The original file for ``source_path``, only if it lies inside a corpus dir.

    Also looks in each corpus dir's ``uploads`` folder, where the bot stores
    uploaded files (they are ingested with that folder as their root).
    """
    for base in corpus_dirs:
        root = base.resolve()
        for candidate in (root / source_path, root / "uploads" / source_path):
            path = candidate.resolve()
            if (
                path.is_relative_to(root)
                and path.is_file()
                and path.stat().st_size <= MAX_SEND_BYTES
            ):
                return path
    return None


async def cmd_sources(update: Update, context: RatsContext) -> None:
    """/quellen: the sources view of the last answer in this chat."""
    chat = update.effective_chat
    if chat is None:
        return
    lang = context.language(update)
    stored = context.state.answers.last(chat.id)
    if stored is None:
        await reply(update, t(lang, "no_last_answer"))
        return
    await send_source(context, chat.id, stored, 0, lang)


async def cmd_help(update: Update, context: RatsContext) -> None:
    """/start and /help: what the bot knows (corpus size, newest meeting) and examples."""
    lang = context.language(update)
    stats = await context.blocking(context.service.stats, audience=context.audience(update))
    newest = (
        stats.newest_meeting_date.strftime("%d.%m.%Y")
        if stats.newest_meeting_date
        else t(lang, "unknown_date")
    )
    text = t(lang, "help", documents=stats.documents, chunks=stats.chunks, newest=esc(newest))
    if context.is_admin(update):
        text += t(lang, "help_admin")
    await reply(update, text)


async def cmd_language(update: Update, context: RatsContext) -> None:
    """/sprache de|en: overrides the Telegram language, in memory only."""
    user = update.effective_user
    choice = (context.args or [""])[0].lower()
    if user is None or choice not in (Lang.DE, Lang.EN):
        await reply(update, t(context.language(update), "language_usage"))
        return
    context.state.languages.set(user.id, choice)
    await reply(update, t(choice, "language_set"))


async def cmd_unknown(update: Update, context: RatsContext) -> None:
    """An unknown command in a private chat (groups: silence)."""
    await reply(update, t(context.language(update), "unknown_command"))
