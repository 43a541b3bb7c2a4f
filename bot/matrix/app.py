"""The Matrix bot: an access-token login, the sync loop, events in, ``Conversation`` out.

``run_matrix`` is a coroutine so that one process can run several front ends
over one loaded index (``asyncio.gather`` with Telegram or Teams); ``run`` is
the stand-alone entry point behind ``ratsbot serve --matrix``.

Start-up: ``whoami`` checks the token, then one sync without a timeout fetches
the rooms and the stream position; only events after it are answered, so a
restart never re-answers old messages. Pending invites found then are handled
like new ones. Each event is handled in a task of its own, so a slow question
never holds up the sync loop or other rooms. Logs name event kinds and error
types only, never message text, user or room ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from nio import (
    AsyncClient,
    InviteMemberEvent,
    JoinedMembersResponse,
    JoinResponse,
    MatrixRoom,
    MegolmEvent,
    ProfileGetDisplayNameResponse,
    ReactionEvent,
    RedactionEvent,
    RoomMessageFile,
    RoomMessageText,
    SyncResponse,
    WhoamiResponse,
)

from bot.chat import Incoming, Outbox, Reply, Span, Upload, access_for
from bot.matrix.actions import ActionMemory, Lru, UserReaction, by_key, match
from bot.matrix.events import (
    BotIdentity,
    addressed,
    as_command,
    cut_mention,
    relation,
    strip_reply_fallback,
)
from bot.matrix.login import check_settings as check_settings  # used by the CLI
from bot.matrix.login import make_client, quiet_nio
from bot.matrix.outbox import MatrixError, MatrixOutbox, Target
from bot.settings import Settings
from index.errors import ConfigError

logger = logging.getLogger(__name__)

PLATFORM = "matrix"
SYNC_TIMEOUT_MS = 30_000
MAX_BACKOFF_S = 60.0
SHUTDOWN_GRACE_S = 10.0
# the bot needs the timeline and the room state, nothing about presence or other accounts
SYNC_FILTER: dict[str, Any] = {
    "presence": {"types": []},
    "account_data": {"types": []},
    "room": {"timeline": {"limit": 50}, "account_data": {"types": []}},
}
FIRST_SYNC_FILTER: dict[str, Any] = {**SYNC_FILTER, "room": {"timeline": {"limit": 1}}}
# said once per room where people write encrypted (the bot cannot read them; see the README)
ENCRYPTED_ROOM = (
    "Dieser Raum ist Ende-zu-Ende-verschlüsselt: Ratsbot kann hier nichts lesen. "
    "Bitte in einem unverschlüsselten Raum fragen.\n"
    "This room is end-to-end encrypted, so Ratsbot cannot read it. "
    "Please ask in an unencrypted room."
)


class Handler(Protocol):
    """What the transport hands events to (``bot.chat.conversation.Conversation``)."""

    async def handle(self, incoming: Incoming, outbox: Outbox) -> None: ...


class MatrixBot:
    """One logged-in account: syncs, turns events into ``Incoming``, replies via the outbox."""

    def __init__(
        self,
        settings: Settings,
        conversation: Handler,
        *,
        client: AsyncClient | None = None,
        sync_timeout_ms: int = SYNC_TIMEOUT_MS,
    ) -> None:
        self.client = client or make_client(settings)
        self.conversation = conversation
        self.access = access_for(settings, PLATFORM)
        self.memory = ActionMemory()
        self.identity = BotIdentity(self.client.user_id)
        self.sync_timeout_ms = sync_timeout_ms
        self.ready = asyncio.Event()  # set after the first sync (the bot answers from then on)
        self._tasks: set[asyncio.Task[None]] = set()
        self._told_encrypted: Lru[str, bool] = Lru()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Sync until ``stop`` is set (or forever); then finish the events in hand and log out."""
        stop = stop or asyncio.Event()
        quiet_nio()
        try:
            await self.start()
            syncing = asyncio.create_task(self._sync_loop())
            stopping = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({syncing, stopping}, return_when=asyncio.FIRST_COMPLETED)
            for task in (syncing, stopping):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if syncing in done:
                syncing.result()  # the loop only ends on a fatal error: raise it
            await self.drain(SHUTDOWN_GRACE_S)
        finally:
            left = list(self._tasks)
            for task in left:
                task.cancel()
            await asyncio.gather(*left, return_exceptions=True)
            await self.client.close()

    async def start(self) -> None:
        """Check the token, learn the bot's name, sync once, then start listening."""
        who = await self.client.whoami()
        if not isinstance(who, WhoamiResponse):
            raise ConfigError(f"the homeserver refused MATRIX_ACCESS_TOKEN ({who.status_code})")
        if who.user_id != self.client.user_id:
            raise ConfigError("MATRIX_ACCESS_TOKEN belongs to another user than MATRIX_USER_ID")
        profile = await self.client.get_displayname(self.client.user_id)
        if isinstance(profile, ProfileGetDisplayNameResponse) and profile.displayname:
            self.identity = BotIdentity(self.client.user_id, profile.displayname)
        first = await self.client.sync(timeout=0, sync_filter=FIRST_SYNC_FILTER)
        if not isinstance(first, SyncResponse):
            raise MatrixError(f"first sync failed: {first.status_code}")
        self.client.add_event_callback(self._on_text, RoomMessageText)
        self.client.add_event_callback(self._on_file, RoomMessageFile)
        self.client.add_event_callback(self._on_reaction, ReactionEvent)
        self.client.add_event_callback(self._on_redaction, RedactionEvent)
        self.client.add_event_callback(self._on_invite, InviteMemberEvent)
        self.client.add_event_callback(self._on_encrypted, MegolmEvent)
        for room_id, info in first.rooms.invite.items():  # invited while the bot was down
            for event in info.invite_state:
                if isinstance(event, InviteMemberEvent):
                    await self._on_invite(room_id, event)
        self.ready.set()
        logger.info("matrix: listening (%d rooms)", len(self.client.rooms))

    async def _sync_loop(self) -> None:
        failures = 0
        while True:
            try:
                response: Any = await self.client.sync(
                    timeout=self.sync_timeout_ms, sync_filter=SYNC_FILTER
                )
            except ConfigError:
                raise
            except Exception as e:  # network, proxy pages, a confused server: retry later
                response = e
            if isinstance(response, SyncResponse):
                failures = 0
                continue
            if getattr(response, "status_code", None) in ("M_UNKNOWN_TOKEN", "M_FORBIDDEN"):
                raise ConfigError("the homeserver no longer accepts MATRIX_ACCESS_TOKEN")
            failures += 1
            delay = min(MAX_BACKOFF_S, 0.5 * 2**failures)
            error = getattr(response, "status_code", None) or type(response).__name__
            logger.warning("matrix: sync failed (%s); retrying in %.0f s", error, delay)
            await asyncio.sleep(delay)

    async def drain(self, timeout: float | None = None) -> None:
        """Wait until every event in hand is handled (shutdown, and tests)."""
        while self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
            if pending and timeout is not None:
                logger.warning("matrix: %d events still in hand at shutdown", len(pending))
                return

    # -- events --------------------------------------------------------------------
    async def _on_invite(self, room: MatrixRoom | str, event: InviteMemberEvent) -> None:
        if event.state_key != self.client.user_id or event.membership != "invite":
            return
        room_id = room if isinstance(room, str) else room.room_id
        self._spawn(self._answer_invite(room_id, event.sender))

    async def _answer_invite(self, room_id: str, inviter: str) -> None:
        if not self.access.allowed(inviter, room_id):
            logger.info("matrix: declined an invite from outside the allow-list")
            await self.client.room_leave(room_id)
            return
        response = await self.client.join(room_id)
        if isinstance(response, JoinResponse):
            logger.info("matrix: joined a room after an invite")
        else:
            logger.warning("matrix: joining a room failed: %s", response.status_code)

    async def _on_text(self, room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender == self.client.user_id:
            return
        content = event.source.get("content", {})
        rel = relation(content)
        if rel.rel_type == "m.replace":
            return  # an edited question is not asked again
        private = await self._private(room)
        body = strip_reply_fallback(event.body) if rel.reply_to else event.body
        candidates: list[str] = []
        if rel.reply_to is not None and rel.reply_to in self.memory.posted:
            candidates = [rel.reply_to]
        elif private and rel.reply_to is None:  # "quellen" alone: a recent message's button
            candidates = self.memory.recent(room.room_id)
        said = body if private else cut_mention(body, self.identity)
        for pressed in candidates:
            if self._press_by_text(room, event, private, pressed, said):
                return
        if private:
            text = as_command(body)
        else:
            reply_to_bot = self.memory.is_own(rel.reply_to)
            found = addressed(content, body, self.identity, reply_to_bot=reply_to_bot)
            if found is None:
                return
            text = found
        if not text:
            return
        root = rel.event_id if rel.rel_type == "m.thread" and rel.event_id else event.event_id
        incoming = Incoming(PLATFORM, room.room_id, event.sender, private, text=text)
        self._dispatch(incoming, Target(room.room_id, private, event.event_id, root))

    def _press_by_text(
        self, room: MatrixRoom, event: RoomMessageText, private: bool, pressed: str, body: str
    ) -> bool:
        posted = self.memory.posted.get(pressed)
        action = match(posted.actions, body) if posted else None
        if posted is None or action is None or posted.room_id != room.room_id:
            return False
        target = Target(room.room_id, private, event.event_id, posted.thread_root, pressed)
        incoming = Incoming(
            PLATFORM, room.room_id, event.sender, private, action=action.payload, message_id=pressed
        )
        self._dispatch(incoming, target)
        return True

    async def _on_reaction(self, room: MatrixRoom, event: ReactionEvent) -> None:
        if event.sender == self.client.user_id:
            return
        self.memory.reactions.put(
            event.event_id, UserReaction(room.room_id, event.sender, event.reacts_to, event.key)
        )
        await self._press(room, event.sender, event.reacts_to, event.key)

    async def _on_redaction(self, room: MatrixRoom, event: RedactionEvent) -> None:
        """Taking a reaction back presses the button again (a second click on the same pill)."""
        reaction = self.memory.reactions.pop(event.redacts)
        if reaction is None or reaction.user_id != event.sender:
            return
        await self._press(room, event.sender, reaction.message_id, reaction.key)

    async def _press(self, room: MatrixRoom, sender: str, message_id: str, key: str) -> None:
        posted = self.memory.posted.get(message_id)
        action = by_key(posted.actions, key) if posted else None
        if posted is None or action is None or posted.room_id != room.room_id:
            return  # not a button, or a reaction in one room on a message of another
        private = await self._private(room)
        target = Target(room.room_id, private, message_id, posted.thread_root, message_id)
        incoming = Incoming(
            PLATFORM, room.room_id, sender, private, action=action.payload, message_id=message_id
        )
        self._dispatch(incoming, target)

    async def _on_encrypted(self, room: MatrixRoom, event: MegolmEvent) -> None:
        """An encrypted message cannot be read: say so once per room instead of staying silent."""
        if event.sender == self.client.user_id or room.room_id in self._told_encrypted:
            return
        self._told_encrypted.put(room.room_id, True)
        logger.info("matrix: an encrypted message cannot be read (no end-to-end encryption)")
        outbox = MatrixOutbox(self.client, self.memory, Target(room.room_id, private=True))
        self._spawn(outbox.send(Reply([[Span(ENCRYPTED_ROOM)]], kind="error")))

    async def _on_file(self, room: MatrixRoom, event: RoomMessageFile) -> None:
        if event.sender == self.client.user_id or not await self._private(room):
            return  # files shared in groups are none of the bot's business
        content = event.source.get("content", {})
        name = content.get("filename") or event.body
        caption = event.body if content.get("filename") and event.body != name else None
        size = (content.get("info") or {}).get("size")
        upload = Upload(
            name=str(name),
            size=size if isinstance(size, int) else None,
            caption=caption,
            fetch=self._fetcher(event.url),
        )
        incoming = Incoming(PLATFORM, room.room_id, event.sender, True, upload=upload)
        self._dispatch(incoming, Target(room.room_id, True, event.event_id))

    def _fetcher(self, url: str) -> Callable[[Path], Awaitable[None]]:
        async def fetch(path: Path) -> None:
            response = await self.client.download(mxc=url, save_to=path)
            status = getattr(getattr(response, "transport_response", None), "status", 0)
            body = getattr(response, "body", None)
            if body is None or not 200 <= status < 300:
                raise MatrixError(f"download failed: {getattr(response, 'status_code', status)}")
            if isinstance(body, bytes):  # nio keeps JSON files in memory even with save_to
                await asyncio.to_thread(path.write_bytes, body)

        return fetch

    async def _private(self, room: MatrixRoom) -> bool:
        """A one-to-one room: exactly two joined members (asked for when the state is unknown)."""
        count = room.joined_count
        if count < 2:
            response = await self.client.joined_members(room.room_id)
            if isinstance(response, JoinedMembersResponse):
                count = len(response.members)
        return count == 2

    # -- handing over ----------------------------------------------------------------
    def _dispatch(self, incoming: Incoming, target: Target) -> None:
        self._spawn(self._handle(incoming, target))

    def _spawn(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, incoming: Incoming, target: Target) -> None:
        outbox = MatrixOutbox(self.client, self.memory, target)
        try:
            await self.conversation.handle(incoming, outbox)
        except Exception as e:  # the conversation never raises; if it did, the loop lives on
            logger.error("matrix: an event failed: %s", type(e).__name__, exc_info=e)


async def run_matrix(
    settings: Settings, conversation: Handler, *, stop: asyncio.Event | None = None
) -> None:
    """The Matrix front end until ``stop`` is set; gather it with other front ends."""
    await MatrixBot(settings, conversation).run(stop)


def run(settings: Settings, conversation: Handler) -> None:
    """Run the Matrix bot alone until Ctrl-C or SIGTERM."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # not main thread
                loop.add_signal_handler(sig, stop.set)
        await run_matrix(settings, conversation, stop=stop)

    asyncio.run(main())
