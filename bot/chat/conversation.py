"""The conversation every front end shares: questions, buttons, commands, uploads.

A front end builds one ``Conversation`` per process (over one loaded service),
and for every event calls ``await conversation.handle(incoming, outbox)``. The
conversation sends zero or more ``Reply`` objects through the outbox (several
for an upload: "saved, indexing …", the counts, the document card) and shows
"typing" while the service works. Blocking service calls run in worker threads,
so one slow question never holds up other chats.

It never raises to the transport: an unexpected error is logged (without the
message text or user ids) and the user gets the one-line ``error`` reply.

Commands (German and English names, "/" on every platform):
``/help /start /hilfe``, ``/frage /ask``, ``/quellen /sources``, ``/status``,
``/zahlen /figures``, ``/sprache /language``; admins: ``/reindex``, ``/docs``,
``/remove``, and file uploads (private chats only). An unknown command gets a
hint in private chats and silence in groups.

Access: people and chats outside the platform's allow-list get a refusal where
they addressed the bot (a private chat, a message meant for the bot, a button)
and nothing else happens.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.chat import admin, commands, questions
from bot.chat.access import PlatformAccess, access_for
from bot.chat.messages import Incoming, Outbox
from bot.chat.shared_state import chat_state_for
from bot.chat.state import DEFAULT_ANSWER_CACHE, ChatState
from bot.chat.texts import ADMIN_MENU, MENU, Lang, MenuEntry, pick_language
from bot.chat.turn import Turn
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.service import RatsbotService

logger = logging.getLogger(__name__)

COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:\s+(.*))?", re.S)
Handler = Callable[[Turn], Awaitable[None]]


async def _ask(turn: Turn) -> None:
    await questions.answer_question(turn, turn.args)


COMMANDS: dict[str, Handler] = {
    "help": commands.show_help,
    "start": commands.show_help,
    "hilfe": commands.show_help,
    "frage": _ask,
    "ask": _ask,
    "quellen": questions.show_last_sources,
    "sources": questions.show_last_sources,
    "status": commands.paper_status,
    "zahlen": commands.figures,
    "figures": commands.figures,
    "sprache": commands.choose_language,
    "language": commands.choose_language,
    "reindex": admin.reindex,
    "docs": admin.list_documents,
    "remove": admin.remove,
}


class Conversation:
    """One per process; shared by every front end of that process (one loaded index).

    ``report_error`` (optional) hears of every unexpected error after the user
    was told, e.g. to forward its type and message to an operators' chat.
    """

    def __init__(
        self,
        service: RatsbotService,
        settings: Settings,
        *,
        state: ChatState | None = None,
        answer_cache_size: int = DEFAULT_ANSWER_CACHE,
        report_error: Callable[[BaseException], Awaitable[None]] | None = None,
    ) -> None:
        self.service = service
        self.settings = settings
        self.state = state or chat_state_for(settings, service, answer_cache_size)
        self.report_error = report_error
        self._access: dict[str, PlatformAccess] = {}

    def access(self, platform: str) -> PlatformAccess:
        """The platform's roles and allow-lists (built once from settings)."""
        if platform not in self._access:
            self._access[platform] = access_for(self.settings, platform)
        return self._access[platform]

    def command_menu(self, language: str, *, admin: bool = False) -> list[MenuEntry]:
        """The commands to advertise (name without "/", description), per language and role."""
        lang = Lang(language) if language in (Lang.DE, Lang.EN) else Lang.DE
        return MENU[lang] + (ADMIN_MENU[lang] if admin else [])

    def language(self, incoming: Incoming) -> Lang:
        """The language of the bot's own texts for this user: /sprache, client, German."""
        key = f"{incoming.platform}:{incoming.user_id}"
        return pick_language(self.state.languages.get(key), incoming.language_code)

    async def handle(self, incoming: Incoming, outbox: Outbox) -> None:
        """Everything the bot does for one event; replies go through ``outbox``."""
        turn = Turn(
            incoming=incoming,
            outbox=outbox,
            service=self.service,
            settings=self.settings,
            state=self.state,
            access=self.access(incoming.platform),
            lang=self.language(incoming),
        )
        try:
            await self._dispatch(turn)
        except Exception as error:  # the edge: log it, tell the user in one plain sentence
            logger.error(
                "error while handling a %s event: %s",
                incoming.platform,
                type(error).__name__,
                exc_info=error,
            )
            await self._apologise(turn)
            if self.report_error is not None:
                try:
                    await self.report_error(error)
                except Exception as e:  # reporting must never fail the transport
                    logger.warning("could not report an error: %s", type(e).__name__)

    async def _dispatch(self, turn: Turn) -> None:
        incoming = turn.incoming
        if not turn.access.allowed(incoming.user_id, incoming.chat_id):
            await self._refuse(turn)
            return
        if incoming.action is not None:
            await questions.on_action(turn, incoming.action)
        elif incoming.upload is not None:
            await admin.receive_upload(turn, incoming.upload)
        elif incoming.text:
            await self._on_text(turn, incoming.text)

    async def _on_text(self, turn: Turn, text: str) -> None:
        """A command, or else a question (the transport passes only what addressed the bot)."""
        match = COMMAND.fullmatch(text.strip())
        if match is None:
            await questions.answer_question(turn, text)
            return
        handler = COMMANDS.get(match.group(1).lower())
        if handler is None:
            if turn.private:
                await turn.say("unknown_command")
            return
        turn.args = (match.group(2) or "").strip()
        await handler(turn)

    async def _refuse(self, turn: Turn) -> None:
        """Tell outsiders why, but only where they addressed the bot."""
        incoming = turn.incoming
        logger.info("refused a %s event from a chat that is not allowed", incoming.platform)
        if incoming.action is not None:
            await turn.say("not_allowed", kind="error", alert=True)
        elif incoming.private or incoming.text.strip():
            await turn.say("not_allowed", kind="error")

    async def _apologise(self, turn: Turn) -> None:
        try:
            await turn.say("error", kind="error", alert=turn.incoming.action is not None)
        except Exception as e:  # the chat may be gone; nothing more to do for it
            logger.warning("could not tell the user about an error: %s", type(e).__name__)
