"""A fake Bot Framework connector on 127.0.0.1: what Teams' service does for a bot.

The real SDK sends the bot's replies to the ``serviceUrl`` of each activity
(``POST /v3/conversations/{id}/activities``, ``PUT …/activities/{id}`` for an
edit). This server records those calls and serves files for upload tests, and
``Teams`` builds the activities a Teams client would post to the bot.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web

from bot.teams.incoming import FILE_INFO
from bot.teams.render import CARD, PAYLOAD_KEY, card_text

BOT = {"id": "28:ratsbot", "name": "Ratsbot"}


@dataclass
class Call:
    method: str
    conversation: str
    activity_id: str | None
    body: dict[str, Any]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class FakeConnector:
    """Records the bot's outgoing activities; serves uploaded files."""

    calls: list[Call] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    url: str = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conv}/activities", self._create)
        app.router.add_post("/v3/conversations/{conv}/activities/{aid}", self._create)
        app.router.add_put("/v3/conversations/{conv}/activities/{aid}", self._update)
        app.router.add_get("/files/{name}", self._file)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        aid = f"act-{next(self._ids)}"
        self.calls.append(Call("POST", request.match_info["conv"], aid, body))
        return web.json_response({"id": aid})

    async def _update(self, request: web.Request) -> web.Response:
        body = await request.json()
        aid = request.match_info["aid"]
        self.calls.append(Call("PUT", request.match_info["conv"], aid, body))
        return web.json_response({"id": aid})

    async def _file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["name"])
        return web.Response(body=data) if data is not None else web.Response(status=404)

    def messages(self, since: int = 0) -> list[Call]:
        return [c for c in self.calls[since:] if c.body.get("type") == "message"]

    def typing(self) -> list[Call]:
        return [c for c in self.calls if c.body.get("type") == "typing"]


def cards(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [a["content"] for a in body.get("attachments") or [] if a.get("contentType") == CARD]


def shown_text(body: dict[str, Any]) -> str:
    """What a user reads: the cards' text in reading order, else the activity text."""
    found = cards(body)
    if found:
        return "\n".join(card_text(c) for c in found)
    from bot.teams.render import unescape_md

    return unescape_md(body.get("text") or "")


def buttons(body: dict[str, Any]) -> dict[str, str]:
    """Button label -> payload, for every Action.Submit of the activity's cards."""
    return {
        a["title"]: a["data"][PAYLOAD_KEY]
        for c in cards(body)
        for a in c.get("actions", [])
        if a.get("type") == "Action.Submit"
    }


@dataclass
class Teams:
    """Builds the activities a Teams client posts to the bot, and posts them."""

    endpoint: str
    service_url: str
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def activity(
        self,
        user: str,
        conversation: str,
        *,
        text: str | None = None,
        locale: str = "de-DE",
        kind: str = "personal",
        **extra: Any,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "message",
            "id": f"in-{next(self._ids)}",
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "from": {"id": f"29:{user}", "aadObjectId": user, "name": user},
            "conversation": {"id": conversation, "conversationType": kind},
            "recipient": BOT,
            "locale": locale,
        }
        if text is not None:
            body["text"] = text
        body.update(extra)
        return body

    def mention(self, user: str, conversation: str, question: str) -> dict[str, Any]:
        """``@Ratsbot question`` in a group chat."""
        at = f"<at>{BOT['name']}</at>"
        entity = {"type": "mention", "mentioned": BOT, "text": at}
        return self.activity(
            user, conversation, text=f"{at} {question}", kind="groupChat", entities=[entity]
        )

    def press(self, user: str, conversation: str, card_id: str, payload: str, **kw: Any) -> dict:
        return self.activity(
            user, conversation, value={PAYLOAD_KEY: payload}, replyToId=card_id, **kw
        )

    def file(self, user: str, conversation: str, name: str, url: str) -> dict[str, Any]:
        attachment = {
            "contentType": FILE_INFO,
            "name": name,
            "content": {"downloadUrl": url, "uniqueId": "u1", "fileType": name.rsplit(".", 1)[-1]},
        }
        return self.activity(user, conversation, attachments=[attachment])

    async def post(self, activity: dict[str, Any]) -> int:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(self.endpoint, json=activity)
        return response.status_code


async def wait_until(condition: Any, timeout: float = 10.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)
