"""The platform-neutral conversation: a message or button in, structured replies out.

Telegram, Teams and Matrix differ only in transport and rendering: each front end
turns its platform's event into an ``Incoming``, hands it to ``Conversation`` and
renders the ``Reply`` objects it gets back. No feature logic lives in a front end.
"""

from __future__ import annotations

from bot.chat.access import access_for
from bot.chat.cards import (
    SOURCE_TEXT_LIMIT,
    answer_paragraphs,
    document_paragraphs,
    label,
    source_paragraphs,
)
from bot.chat.conversation import Conversation
from bot.chat.fit import MAX_TEXT_LENGTH, pack, render_paragraph, split_plain, tg_len
from bot.chat.leader import poll_while_leader, run_while_leader
from bot.chat.messages import Action, Incoming, Outbox, Paragraph, Reply, Span, Upload, plain_text
from bot.chat.shared_state import chat_state_for
from bot.chat.state import DEFAULT_ANSWER_CACHE, AnswerCache, ChatState, FloodGuard
from bot.chat.texts import Lang, pick_language, plain

__all__ = [
    "DEFAULT_ANSWER_CACHE",
    "MAX_TEXT_LENGTH",
    "SOURCE_TEXT_LIMIT",
    "Action",
    "AnswerCache",
    "ChatState",
    "Conversation",
    "FloodGuard",
    "Incoming",
    "Lang",
    "Outbox",
    "Paragraph",
    "Reply",
    "Span",
    "Upload",
    "access_for",
    "answer_paragraphs",
    "chat_state_for",
    "document_paragraphs",
    "label",
    "pack",
    "pick_language",
    "plain",
    "plain_text",
    "poll_while_leader",
    "render_paragraph",
    "run_while_leader",
    "source_paragraphs",
    "split_plain",
    "tg_len",
]
