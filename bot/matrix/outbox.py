"""Where one event's replies go: the room, its thread, the message whose action was pressed.

``MatrixOutbox`` is the ``Outbox`` of one handled event. It renders each
``Reply`` (``render``), posts it in the room (in a group: in the thread of the
user's message), puts the actions on it as reactions and a hint line, edits the
pressed message for ``edit=True`` (paging), uploads ``Reply.file`` as ``m.file``
and shows "typing" while the conversation works.

nio returns error responses instead of raising; here they become ``MatrixError``
(a status code, never message text or ids), which the conversation logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import mimetypes
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from nio import AsyncClient, RoomRedactResponse, RoomSendResponse, UploadResponse

from bot.chat import Action, Paragraph, Reply
from bot.matrix import render
from bot.matrix.actions import ActionMemory, Posted, hint, reaction_key

logger = logging.getLogger(__name__)

TYPING_MS = 30_000  # how long one typing notice lasts; it is renewed while work goes on
TYPING_RENEW_S = 20.0


class MatrixError(RuntimeError):
    """The homeserver refused a request (the message names the request and the error code)."""


@dataclass(frozen=True)
class Target:
    """Where the replies to one event go."""

    room_id: str
    private: bool
    event_id: str | None = None  # the user's event being answered
    thread_root: str | None = None  # groups: the thread replies are posted in
    pressed: str | None = None  # the bot message whose action was pressed (edited on paging)


class MatrixOutbox:
    """The ``Outbox`` for one event (see ``bot.chat.conversation.Outbox``)."""

    def __init__(self, client: AsyncClient, memory: ActionMemory, target: Target) -> None:
        self.client = client
        self.memory = memory
        self.target = target

    async def send(self, reply: Reply) -> None:
        if reply.file is not None:
            await self._send_file(*reply.file)
        if not reply.paragraphs:
            return
        messages = render.split_messages(reply.paragraphs)
        pressed = self.target.pressed
        if reply.edit and pressed is not None and self.memory.posted.get(pressed) is not None:
            last = len(messages) == 1
            await self._edit(pressed, messages[0], reply.actions if last else ())
            messages = messages[1:]
        for n, paragraphs in enumerate(messages, 1):
            actions = reply.actions if n == len(messages) else ()
            await self._post(paragraphs, actions)

    @contextlib.asynccontextmanager
    async def typing(self) -> AsyncIterator[None]:
        """Typing notices, renewed every 20 s, until the block is done (failures ignored)."""
        await self._typing(True)
        renew = asyncio.create_task(self._keep_typing())
        try:
            yield
        finally:
            renew.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renew
            await self._typing(False)

    async def _keep_typing(self) -> None:
        while True:
            await asyncio.sleep(TYPING_RENEW_S)
            await self._typing(True)

    async def _typing(self, on: bool) -> None:
        try:
            await self.client.room_typing(self.target.room_id, on, timeout=TYPING_MS)
        except Exception as e:  # a typing notice is never worth failing a reply for
            logger.debug("matrix: typing notice failed: %s", type(e).__name__)

    # -- posting -------------------------------------------------------------------
    async def _post(self, paragraphs: list[Paragraph], actions: tuple[Action, ...]) -> str:
        content = _content(paragraphs, actions)
        event_id = await self._send_message(content)
        if actions:
            posted = Posted(self.target.room_id, actions, self._thread_root())
            self.memory.remember(event_id, posted)
            await self._react(event_id, posted, actions)
        return event_id

    async def _edit(
        self, event_id: str, paragraphs: list[Paragraph], actions: tuple[Action, ...]
    ) -> None:
        """Replace the pressed message's text; its reactions follow the new actions."""
        content = render.edit(_content(paragraphs, actions), event_id)
        await self.send_event("m.room.message", content)
        posted = self.memory.posted.get(event_id)
        if posted is None:
            return
        keep = {reaction_key(a) for a in actions}
        for key, reaction_id in list(posted.reactions.items()):
            if key not in keep:
                await self._redact(reaction_id)
                del posted.reactions[key]
        posted.actions = actions
        await self._react(event_id, posted, actions)

    async def _react(self, event_id: str, posted: Posted, actions: tuple[Action, ...]) -> None:
        for action in actions:
            key = reaction_key(action)
            if key not in posted.reactions:
                posted.reactions[key] = await self.send_event(
                    "m.reaction", render.reaction(event_id, key)
                )

    async def _send_file(self, name: str, data: bytes) -> None:
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        response, _keys = await self.client.upload(
            io.BytesIO(data), content_type=mimetype, filename=name, filesize=len(data)
        )
        if not isinstance(response, UploadResponse):
            raise MatrixError(f"upload failed: {getattr(response, 'status_code', None)}")
        uri = response.content_uri
        await self._send_message(render.file_content(name, uri, len(data), mimetype))

    async def _send_message(self, content: dict[str, Any]) -> str:
        """A message in the room; in a group, in the thread of the event being answered."""
        root = self._thread_root()
        if root is not None:
            content = render.in_thread(content, root, self.target.event_id or root)
        return await self.send_event("m.room.message", content)

    def _thread_root(self) -> str | None:
        return None if self.target.private else self.target.thread_root

    async def send_event(self, event_type: str, content: dict[str, Any]) -> str:
        response = await self.client.room_send(self.target.room_id, event_type, content)
        if not isinstance(response, RoomSendResponse):
            raise MatrixError(f"sending {event_type} failed: {response.status_code}")
        self.memory.sent(response.event_id, self.target.room_id)
        return response.event_id

    async def _redact(self, event_id: str) -> None:
        response = await self.client.room_redact(self.target.room_id, event_id)
        if not isinstance(response, RoomRedactResponse):  # a stale reaction is no reason to fail
            logger.warning("matrix: removing a reaction failed: %s", response.status_code)


def _content(paragraphs: list[Paragraph], actions: tuple[Action, ...]) -> dict[str, Any]:
    if actions:
        paragraphs = [*paragraphs, hint(actions)]
    return render.notice(render.render_plain(paragraphs), render.render_html(paragraphs))
