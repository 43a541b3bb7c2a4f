"""Typed access to what the Telegram handler needs, kept in ``bot_data``.

The handler gets the conversation, settings and memory through ``RatsContext``
(a custom ``CallbackContext``, as in PTB's contexttypesbot example) instead of
globals, so tests can build an application around a fake service.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackContext, ExtBot

from bot.chat import ChatState, Conversation, Lang, pick_language
from bot.settings import Settings

SERVICE = "service"
SETTINGS = "settings"
STATE = "state"
CONVERSATION = "conversation"


class RatsContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context of every Ratsbot handler."""

    @property
    def conversation(self) -> Conversation:
        return self.bot_data[CONVERSATION]

    @property
    def settings(self) -> Settings:
        return self.bot_data[SETTINGS]

    @property
    def state(self) -> ChatState:
        return self.bot_data[STATE]

    def language(self, update: Update) -> Lang:
        """/sprache choice, else the user's Telegram language, else German."""
        user = update.effective_user
        pref = self.state.languages.get(f"telegram:{user.id}" if user else None)
        return pick_language(pref, user.language_code if user else None)
