"""The Microsoft Teams front end on the Teams SDK for Python (``microsoft-teams-apps``).

A transport only: every message activity becomes an ``Incoming`` for the shared
``Conversation``; its replies go back as Adaptive Cards through the Bot
Framework connector at the activity's ``serviceUrl``. The SDK serves the
messaging endpoint (``/api/messages``), validates the JWT of every request from
Teams and fetches the bot's outgoing tokens with the app registration's id and
secret. Without an app id the bot runs in local mode: requests are accepted
unauthenticated and replies carry no token; that is only for the Teams App Test
Tool or tests on 127.0.0.1, never for production.

Each activity is handled in a task of its own and the HTTP request returns at
once: Teams retries requests that take longer than 15 s, and a question or an
upload can take longer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol

from microsoft_teams.api.activities.message import MessageActivity, MessageActivityInput
from microsoft_teams.api.activities.typing import TypingActivityInput
from microsoft_teams.api.models.attachment import Attachment
from microsoft_teams.apps import ActivityContext, App

from bot.chat import Incoming, Outbox, Reply, plain_text
from bot.settings import Settings
from bot.teams.incoming import incoming_from
from bot.teams.render import CARD, cards_for, escape_md

logger = logging.getLogger(__name__)

TYPING_INTERVAL = 3.0  # Teams shows "typing" for about 3 s
FILE_NOTE = {
    "de": "Die Originaldatei „{name}“ kann ich in Teams nicht senden; "
    "sie liegt im Ratsinformationssystem.",
    "en": "I cannot send the original file “{name}” in Teams; "
    "it is in the council information system.",
}


class Handler(Protocol):
    async def handle(self, incoming: Incoming, outbox: Outbox) -> None: ...


class TeamsOutbox:
    """Replies to one activity: cards in its conversation, edits of the pressed card."""

    def __init__(self, ctx: ActivityContext[MessageActivity], incoming: Incoming) -> None:
        self.ctx = ctx
        self.incoming = incoming

    async def send(self, reply: Reply) -> None:
        if reply.file is not None:
            lang = "en" if (self.incoming.language_code or "").startswith("en") else "de"
            note = escape_md(FILE_NOTE[lang].format(name=reply.file[0]))
            await self.ctx.send(MessageActivityInput(text=note))
        if not reply.paragraphs:
            return
        if reply.alert:  # Teams has no pop-ups for card buttons: a short message instead
            await self.ctx.send(MessageActivityInput(text=escape_md(plain_text(reply.paragraphs))))
            return
        for i, content in enumerate(cards_for(reply)):
            activity = MessageActivityInput().add_attachments(
                Attachment(content_type=CARD, content=content)
            )
            if i == 0 and reply.edit and self.incoming.message_id:
                activity.id = self.incoming.message_id  # the SDK updates instead of sending
            await self.ctx.send(activity)

    async def _typing_once(self) -> None:
        try:
            await self.ctx.send(TypingActivityInput())
        except Exception as e:  # a missed indicator must not fail the answer
            logger.debug("teams: typing failed: %s", type(e).__name__)

    @contextlib.asynccontextmanager
    async def typing(self) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                await asyncio.sleep(TYPING_INTERVAL)
                await self._typing_once()

        await self._typing_once()

        task = asyncio.create_task(loop())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class TeamsBot:
    """The SDK app wired to the conversation; ``run`` serves until ``stop`` is set."""

    def __init__(self, settings: Settings, conversation: Handler) -> None:
        self.settings = settings
        self.conversation = conversation
        self._tasks: set[asyncio.Task[None]] = set()
        quiet_sdk()
        options: dict[str, Any] = {}
        if settings.teams_app_id:
            options.update(
                client_id=settings.teams_app_id,
                client_secret=settings.teams_app_password,
                tenant_id=settings.teams_tenant_id,
            )
        else:  # local mode: the Teams App Test Tool or tests on 127.0.0.1
            options["dangerously_allow_unauthenticated_requests"] = True
        self.app = App(**options)
        self.app.on_message(self._on_message)

    async def _on_message(self, ctx: ActivityContext[MessageActivity]) -> None:
        incoming = incoming_from(ctx.activity)
        if incoming is None:
            return
        task = asyncio.create_task(self._handle(ctx, incoming))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, ctx: ActivityContext[MessageActivity], incoming: Incoming) -> None:
        try:
            await self.conversation.handle(incoming, TeamsOutbox(ctx, incoming))
        except Exception as e:  # the conversation never raises; if it did, the bot lives on
            logger.error("teams: an activity failed: %s", type(e).__name__, exc_info=e)

    async def drain(self) -> None:
        """Wait until every activity received so far is handled (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def run(self, port: int, stop: asyncio.Event) -> None:
        server = asyncio.create_task(self.app.start(port))
        waiter = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({server, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if server.done():
                server.result()  # the server ended by itself: raise its error
        finally:
            waiter.cancel()
            await self.drain()
            if not server.done():
                await self.app.stop()
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait_for(server, 10)


QUIET_LOGGERS = {
    "microsoft_teams": logging.WARNING,  # DEBUG lines carry whole activities: ids and text
    "uvicorn.access": logging.WARNING,  # every request line
    "httpx": logging.WARNING,  # INFO lines carry conversation ids in URLs
}


def quiet_sdk() -> None:
    """Keep the SDK's lines with user ids and message text out of the logs (DSGVO)."""
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)


async def run_teams(
    settings: Settings, conversation: Handler, *, stop: asyncio.Event | None = None
) -> None:
    """The Teams front end on ``settings.teams_port`` until ``stop`` is set."""
    await TeamsBot(settings, conversation).run(settings.teams_port, stop or asyncio.Event())
