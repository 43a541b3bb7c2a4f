"""The fake homeserver over HTTP: routes, authentication, the record of every call.

Answers what nio sends (``Authorization: Bearer``, percent-encoded room and event
ids, JSON bodies, raw upload bodies) and refuses what a homeserver refuses: a
missing or wrong token, a room the bot is not in, unknown endpoints. A fault
queued with ``FakeHomeserver.fail_next`` answers the next matching request with
an error, so tests can check how the bot copes.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.bot.matrix.fake_homeserver import DEVICE, ApiError, Call, FakeHomeserver

C = "/_matrix/client/v3"


class FakeHomeserverServer:
    """``FakeHomeserver`` over HTTP on 127.0.0.1 with a random free port."""

    def __init__(self, hs: FakeHomeserver) -> None:
        self.hs = hs
        self.port = 0
        app = web.Application(middlewares=[self._record], client_max_size=64 * 1024 * 1024)
        r = app.router
        r.add_get("/_matrix/client/versions", self._versions)
        r.add_get(C + "/account/whoami", self._whoami)
        r.add_get(C + "/profile/{user}/displayname", self._displayname)
        r.add_get(C + "/sync", self._sync)
        r.add_post(C + "/join/{room}", self._join)
        r.add_post(C + "/rooms/{room}/join", self._join)
        r.add_post(C + "/rooms/{room}/leave", self._leave)
        r.add_put(C + "/rooms/{room}/send/{type}/{txn}", self._send)
        r.add_put(C + "/rooms/{room}/redact/{event}/{txn}", self._redact)
        r.add_put(C + "/rooms/{room}/typing/{user}", self._typing)
        r.add_get(C + "/rooms/{room}/joined_members", self._joined_members)
        r.add_post("/_matrix/media/v3/upload", self._upload)
        for base, authed in (("/_matrix/client/v1/media", True), ("/_matrix/media/v3", False)):
            for tail in ("", "/{filename}"):
                r.add_get(base + "/download/{server}/{media}" + tail, self._download(authed))
        r.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        self.hs.closing = True
        self.hs._changed.set()
        await self._runner.cleanup()

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        raw = await request.read()
        body: Any = raw or None
        if raw and request.content_type == "application/json":
            body = json.loads(raw)
        call = Call(request.method, request.path, dict(request.query), body)
        self.hs.calls.append(call)
        try:
            public = request.path == "/_matrix/client/versions" or (
                request.path.startswith("/_matrix/media/v3/download")
            )
            if not public:
                self._authorise(request)
            fault = self.hs.take_fault(request.path)
            if fault is not None:
                raise fault
            response = await handler(request)
        except ApiError as e:
            response = web.json_response({"errcode": e.errcode, "error": e.error}, status=e.status)
        call.status = response.status
        return response

    def _authorise(self, request: web.Request) -> None:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header else request.query.get("access_token")
        if not token:
            raise ApiError(401, "M_MISSING_TOKEN", "Missing access token")
        if token != self.hs.token:
            raise ApiError(401, "M_UNKNOWN_TOKEN", "Invalid access token")

    async def _versions(self, request: web.Request) -> web.Response:
        return web.json_response({"versions": ["v1.1", "v1.6", "v1.11"]})

    async def _whoami(self, request: web.Request) -> web.Response:
        return web.json_response({"user_id": self.hs.bot, "device_id": DEVICE, "is_guest": False})

    async def _displayname(self, request: web.Request) -> web.Response:
        name = self.hs.profiles.get(request.match_info["user"])
        if name is None:
            raise ApiError(404, "M_NOT_FOUND", "Profile not found")
        return web.json_response({"displayname": name})

    async def _sync(self, request: web.Request) -> web.Response:
        return web.json_response(await self.hs.sync(dict(request.query)))

    async def _join(self, request: web.Request) -> web.Response:
        return web.json_response(self.hs.join(request.match_info["room"]))

    async def _leave(self, request: web.Request) -> web.Response:
        return web.json_response(self.hs.leave(request.match_info["room"]))

    async def _send(self, request: web.Request) -> web.Response:
        m = request.match_info
        content = json.loads(await request.read() or b"null")
        return web.json_response(self.hs.room_send(m["room"], m["type"], m["txn"], content))

    async def _redact(self, request: web.Request) -> web.Response:
        m = request.match_info
        return web.json_response(self.hs.room_redact(m["room"], m["event"], m["txn"]))

    async def _typing(self, request: web.Request) -> web.Response:
        self.hs._room_for_bot(request.match_info["room"])
        if request.match_info["user"] != self.hs.bot:
            raise ApiError(403, "M_FORBIDDEN", "Cannot set another user's typing state")
        return web.json_response({})

    async def _joined_members(self, request: web.Request) -> web.Response:
        return web.json_response(self.hs.joined_members(request.match_info["room"]))

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        uri = self.hs.upload(data, request.content_type, request.query.get("filename"))
        return web.json_response({"content_uri": uri})

    def _download(self, authed: bool) -> Any:
        async def handler(request: web.Request) -> web.Response:
            m = request.match_info
            content_type, _name, data = self.hs.download(m["server"], m["media"])
            return web.Response(body=data, headers={"Content-Type": content_type})

        return handler

    async def _unknown(self, request: web.Request) -> web.Response:
        raise ApiError(404, "M_UNRECOGNIZED", "Unrecognized request")
