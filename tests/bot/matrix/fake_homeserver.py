"""A fake Matrix homeserver: exactly the client-server API the bot's nio client uses.

``FakeHomeserver`` holds rooms, their timelines and media and answers the API
calls; ``FakeHomeserverServer`` (``fake_homeserver_http``) serves it over real
HTTP on 127.0.0.1 (a random port), so the real ``nio.AsyncClient`` talks to it
as to Synapse: ``/versions``, ``whoami``, ``profile``, ``/sync`` (long-poll with
timeout, since tokens, room state and summaries for newly joined rooms, invites),
``join``/``leave``, ``send``, ``redact``, ``typing``, ``joined_members``, media
upload and (authenticated and legacy) download. Anything else is answered with
``M_UNRECOGNIZED`` and recorded, so tests see it.

Tests act as the other users (``create_room``, ``invite_bot``, ``send``,
``react``, ``redact``, ``send_file``) and assert on ``calls`` and on the events
the bot sent. ``settled`` waits until the bot has synced past the newest event
(nio runs all callbacks of a sync before it asks for the next one).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

TOKEN = "syt_test_token"
SERVER = "localhost"
BOT = "@ratsbot:localhost"
BOT_NAME = "Ratsbot"
DEVICE = "RATSBOTDEV"


@dataclass
class Call:
    """One HTTP request the bot made."""

    method: str
    path: str  # percent-decoded, without the query
    query: dict[str, str]
    body: Any = None  # parsed JSON, raw bytes (uploads) or None
    status: int = 200


@dataclass
class Event:
    position: int
    room_id: str
    data: dict[str, Any]

    @property
    def sender(self) -> str:
        return str(self.data["sender"])

    @property
    def type(self) -> str:
        return str(self.data["type"])

    @property
    def content(self) -> dict[str, Any]:
        return dict(self.data["content"])

    @property
    def event_id(self) -> str:
        return str(self.data["event_id"])


@dataclass
class Room:
    room_id: str
    state: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    bot_joined_at: int | None = None
    bot_invited_at: int | None = None

    def membership(self, user: str) -> str | None:
        event = self.state.get(("m.room.member", user))
        return event["content"]["membership"] if event else None

    def members(self, membership: str = "join") -> list[str]:
        return [
            k
            for (t, k), e in self.state.items()
            if t == "m.room.member" and e["content"]["membership"] == membership
        ]


class ApiError(Exception):
    def __init__(self, status: int, errcode: str, error: str = "") -> None:
        super().__init__(errcode)
        self.status, self.errcode, self.error = status, errcode, error


class FakeHomeserver:
    """Rooms, timelines and media of one homeserver; the bot is one of its users."""

    def __init__(self, bot: str = BOT, token: str = TOKEN, bot_name: str = BOT_NAME) -> None:
        self.bot, self.token = bot, token
        self.calls: list[Call] = []
        self.rooms: dict[str, Room] = {}
        self.events: list[Event] = []
        self.media: dict[str, tuple[str, str | None, bytes]] = {}  # id -> type, name, data
        self.profiles: dict[str, str] = {bot: bot_name}
        self.synced_to = -1  # the highest since token the bot has sent
        self._ids = itertools.count(1)
        self._txns: dict[tuple[str, str], str] = {}
        self._changed = asyncio.Event()
        self.closing = False
        self.faults: list[tuple[str, ApiError]] = []  # (path fragment, error), used once each

    # -- the test side: other users ------------------------------------------------
    def fail_next(self, path_part: str, status: int = 500, errcode: str = "M_UNKNOWN") -> None:
        """Answer the next request whose path contains ``path_part`` with an error."""
        self.faults.append((path_part, ApiError(status, errcode, "injected by the test")))

    def take_fault(self, path: str) -> ApiError | None:
        for n, (part, error) in enumerate(self.faults):
            if part in path:
                del self.faults[n]
                return error
        return None

    def create_room(self, creator: str, *members: str, name: str | None = None) -> str:
        room_id = f"!room{next(self._ids)}:{SERVER}"
        self.rooms[room_id] = Room(room_id)
        self._state(
            room_id, creator, "m.room.create", "", {"creator": creator, "room_version": "10"}
        )
        for user in (creator, *members):
            self._member(room_id, user, user, "join")
        if name:
            self._state(room_id, creator, "m.room.name", "", {"name": name})
        return room_id

    def invite_bot(self, room_id: str, inviter: str) -> None:
        self._member(room_id, inviter, self.bot, "invite")
        self.rooms[room_id].bot_invited_at = self.events[-1].position

    def send(
        self, room_id: str, sender: str, content: dict[str, Any], event_type: str = "m.room.message"
    ) -> str:
        if self.rooms[room_id].membership(sender) != "join":
            raise AssertionError(f"{sender} is not in {room_id}")
        return self._append(room_id, {"type": event_type, "sender": sender, "content": content})

    def text(self, room_id: str, sender: str, body: str, **extra: Any) -> str:
        return self.send(room_id, sender, {"msgtype": "m.text", "body": body, **extra})

    def react(self, room_id: str, sender: str, event_id: str, key: str) -> str:
        relates = {"rel_type": "m.annotation", "event_id": event_id, "key": key}
        return self.send(room_id, sender, {"m.relates_to": relates}, "m.reaction")

    def redact(self, room_id: str, sender: str, event_id: str) -> str:
        self._redacted(event_id)
        return self._append(
            room_id,
            {
                "type": "m.room.redaction",
                "sender": sender,
                "redacts": event_id,
                "content": {"redacts": event_id},
            },
        )

    def upload(self, data: bytes, content_type: str, name: str | None = None) -> str:
        media_id = f"media{next(self._ids)}"
        self.media[media_id] = (content_type, name, data)
        return f"mxc://{SERVER}/{media_id}"

    def send_file(
        self,
        room_id: str,
        sender: str,
        name: str,
        data: bytes,
        mimetype: str = "text/plain",
        **extra: Any,
    ) -> str:
        uri = self.upload(data, mimetype, name)
        content = {
            "msgtype": "m.file",
            "body": name,
            "url": uri,
            "info": {"size": len(data), "mimetype": mimetype},
            **extra,
        }
        return self.send(room_id, sender, content)

    def bot_events(
        self, room_id: str | None = None, event_type: str | None = None, since: int = 0
    ) -> list[Event]:
        """Events the bot sent, in order (redacted ones have empty content)."""
        return [
            e
            for e in self.events[since:]
            if e.sender == self.bot
            and (room_id is None or e.room_id == room_id)
            and (event_type is None or e.type == event_type)
        ]

    def event(self, event_id: str) -> Event:
        return next(e for e in self.events if e.event_id == event_id)

    def reactions(self, event_id: str, sender: str | None = None) -> list[str]:
        """The keys of live (unredacted) reactions on ``event_id``, in order."""
        out = []
        for e in self.events:
            relates = e.data["content"].get("m.relates_to") or {}
            mine = sender is None or e.sender == sender
            if e.type == "m.reaction" and relates.get("event_id") == event_id and mine:
                out.append(relates["key"])
        return out

    def typing_calls(self) -> list[Call]:
        return [c for c in self.calls if "/typing/" in c.path]

    def unknown_calls(self) -> list[Call]:
        return [c for c in self.calls if c.status == 404]

    @property
    def position(self) -> int:
        return len(self.events)

    async def settled(self, timeout: float = 10.0) -> None:
        """Wait until the bot has synced past every event there is now."""
        target = self.position
        deadline = time.monotonic() + timeout
        while self.synced_to < target:
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot did not sync to {target} (at {self.synced_to})")
            await asyncio.sleep(0.005)

    # -- state and timeline ------------------------------------------------------------
    def _append(self, room_id: str, data: dict[str, Any]) -> str:
        event_id = f"$ev{next(self._ids)}"
        data = {
            **data,
            "event_id": event_id,
            "origin_server_ts": int(time.time() * 1000),
            "unsigned": {"age": 0},
        }
        self.events.append(Event(len(self.events) + 1, room_id, data))
        self._changed.set()
        return event_id

    def _state(
        self, room_id: str, sender: str, event_type: str, key: str, content: dict[str, Any]
    ) -> str:
        event_id = self._append(
            room_id, {"type": event_type, "sender": sender, "state_key": key, "content": content}
        )
        self.rooms[room_id].state[(event_type, key)] = self.events[-1].data
        return event_id

    def _member(self, room_id: str, sender: str, user: str, membership: str) -> None:
        content = {"membership": membership}
        if membership == "join":
            content["displayname"] = self.profiles.get(user, user[1:].split(":")[0].title())
        self._state(room_id, sender, "m.room.member", user, content)
        if user == self.bot and membership == "join":
            self.rooms[room_id].bot_joined_at = self.events[-1].position

    def _redacted(self, event_id: str) -> None:
        for e in self.events:
            if e.event_id == event_id:
                e.data["content"] = {}
                e.data["unsigned"]["redacted_because"] = {"type": "m.room.redaction"}

    def _room_for_bot(self, room_id: str) -> Room:
        room = self.rooms.get(room_id)
        if room is None or room.membership(self.bot) != "join":
            raise ApiError(403, "M_FORBIDDEN", "You are not in this room")
        return room

    # -- the bot's side: the client-server API ------------------------------------------
    async def sync(self, query: dict[str, str]) -> dict[str, Any]:
        since = int(query["since"].removeprefix("s")) if "since" in query else None
        self.synced_to = max(self.synced_to, since or 0)
        timeout = int(query.get("timeout", "0")) / 1000
        deadline = time.monotonic() + timeout
        while since is not None and self.position <= since and not self.closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                break
        return self._sync_body(since)

    def _sync_body(self, since: int | None) -> dict[str, Any]:
        now = self.position
        join: dict[str, Any] = {}
        invite: dict[str, Any] = {}
        for room in self.rooms.values():
            mine = room.membership(self.bot)
            if mine == "invite" and (since is None or (room.bot_invited_at or 0) > since):
                stripped = [
                    {k: e[k] for k in ("type", "state_key", "sender", "content")}
                    for e in room.state.values()
                ]
                invite[room.room_id] = {"invite_state": {"events": stripped}}
            if mine != "join":
                continue
            fresh = since is None or (room.bot_joined_at or 0) > since
            start = (room.bot_joined_at or 1) - 1 if fresh else since
            timeline = [e.data for e in self.events[start or 0 :] if e.room_id == room.room_id]
            if since is None:
                timeline = timeline[-1:]
            if not timeline and not fresh:
                continue
            entry: dict[str, Any] = {
                "timeline": {"events": timeline, "limited": fresh, "prev_batch": f"s{start}"}
            }
            if fresh:
                in_timeline = {e["event_id"] for e in timeline}
                entry["state"] = {
                    "events": [e for e in room.state.values() if e["event_id"] not in in_timeline]
                }
            entry["summary"] = {
                "m.joined_member_count": len(room.members("join")),
                "m.invited_member_count": len(room.members("invite")),
                "m.heroes": [u for u in room.members() if u != self.bot][:5],
            }
            join[room.room_id] = entry
        return {"next_batch": f"s{now}", "rooms": {"join": join, "invite": invite, "leave": {}}}

    def join(self, room_id: str) -> dict[str, Any]:
        room = self.rooms.get(room_id)
        if room is None or room.membership(self.bot) not in ("invite", "join"):
            raise ApiError(403, "M_FORBIDDEN", "You are not invited to this room.")
        if room.membership(self.bot) != "join":
            self._member(room_id, self.bot, self.bot, "join")
        return {"room_id": room_id}

    def leave(self, room_id: str) -> dict[str, Any]:
        if room_id in self.rooms:
            self._member(room_id, self.bot, self.bot, "leave")
        return {}

    def room_send(self, room_id: str, event_type: str, txn: str, content: Any) -> dict[str, Any]:
        self._room_for_bot(room_id)
        if not isinstance(content, dict):
            raise ApiError(400, "M_NOT_JSON", "Content not JSON.")
        if len(json.dumps(content, ensure_ascii=False).encode()) > 65_000:
            raise ApiError(413, "M_TOO_LARGE", "event too large")
        if (room_id, txn) not in self._txns:  # a retried transaction is the same event
            self._txns[(room_id, txn)] = self.send(room_id, self.bot, content, event_type)
        return {"event_id": self._txns[(room_id, txn)]}

    def room_redact(self, room_id: str, event_id: str, txn: str) -> dict[str, Any]:
        self._room_for_bot(room_id)
        if (room_id, txn) not in self._txns:
            self._txns[(room_id, txn)] = self.redact(room_id, self.bot, event_id)
        return {"event_id": self._txns[(room_id, txn)]}

    def joined_members(self, room_id: str) -> dict[str, Any]:
        room = self._room_for_bot(room_id)
        joined = {
            u: {
                "display_name": room.state[("m.room.member", u)]["content"].get("displayname"),
                "avatar_url": None,
            }
            for u in room.members()
        }
        return {"joined": joined}

    def download(self, server: str, media_id: str) -> tuple[str, str | None, bytes]:
        if server != SERVER or media_id not in self.media:
            raise ApiError(404, "M_NOT_FOUND", "Not found")
        return self.media[media_id]
