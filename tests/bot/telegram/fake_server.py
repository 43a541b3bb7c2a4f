"""A fake Telegram Bot API: one in-memory core, reachable two ways.

``FakeBotApi`` holds the state (queued updates, sent messages, files) and answers
Bot API methods the way Telegram does, including its refusals (bad HTML, text
over 4096 characters, callback_data over 64 bytes). ``FakeBotApiServer`` serves
it over real HTTP on 127.0.0.1 for end-to-end tests with polling;
``FakeApiRequest`` plugs it into PTB in-process for handler tests and fails on
any URL that is not the Bot API.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from aiohttp import web
from telegram.request import BaseRequest, RequestData

from tests.bot.telegram.html_check import telegram_html_errors

TOKEN = "123456:TEST-token"
BOT_USER = {
    "id": 7000001,
    "is_bot": True,
    "first_name": "Ratsbot",
    "username": "ratsbot_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
RAW_PARAMS = {"text", "caption", "parse_mode", "action", "callback_query_id", "file_id"}
RAW_PARAMS |= {"language_code", "secret_token", "url", "chat_id"}


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    result: Any = None


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


class FakeBotApi:
    """The Bot API's behaviour as far as Ratsbot uses it."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, data)
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._file_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self.closing = False

    # -- test side ---------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (the update_id is assigned here)."""
        update = {"update_id": next(self._update_ids), **update}
        self.updates.append(update)
        self._new_update.set()
        return update

    def add_file(self, data: bytes, file_name: str, mime_type: str) -> dict[str, Any]:
        """A file "uploaded by a user": returns the Document dict for a message."""
        n = next(self._file_ids)
        file_id = f"FILE{n}"
        self.files[file_id] = (f"documents/file_{n}{_suffix(file_name)}", data)
        return {
            "file_id": file_id,
            "file_unique_id": f"U{n}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }

    def sent(self, method: str | None = None) -> list[Call]:
        return [c for c in self.calls if method is None or c.method == method]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts of sendMessage/editMessageText calls, optionally for one chat."""
        return [
            c.params["text"]
            for c in self.calls
            if c.method in ("sendMessage", "editMessageText")
            and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    async def wait_for(
        self, method: str, count: int = 1, timeout: float = 10.0, since: int = 0
    ) -> list[Call]:
        """Wait until the bot has made ``count`` ``method`` calls after call number ``since``."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls[since:] if c.method == method]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                made = [c.method for c in self.calls[since:]]
                raise AssertionError(f"timed out waiting for {count}x {method}; calls: {made}")
            await asyncio.sleep(0.01)

    # -- bot side ----------------------------------------------------------------
    async def handle(
        self, token: str, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> tuple[int, dict[str, Any]]:
        """One Bot API request; returns the HTTP status and Telegram's JSON envelope."""
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        call = Call(method, params, files)
        try:
            result = handler(params, files)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as e:
            return e.code, {"ok": False, "error_code": e.code, "description": e.description}
        if method != "getUpdates":
            call.result = result
            self.calls.append(call)
        return 200, {"ok": True, "result": result}

    def download(self, token: str, path: str) -> bytes | None:
        if token != self.token:
            return None
        for file_path, data in self.files.values():
            if file_path == path:
                return data
        return None

    def _m_getme(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        return BOT_USER

    async def _m_getupdates(self, p: dict[str, Any], f: Any) -> list[dict[str, Any]]:
        offset = int(p.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        while not self.updates and not self.closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), remaining)
            except TimeoutError:
                break
        return self.updates[: int(p.get("limit") or 100)]

    def _m_sendmessage(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        self._check_text(p)
        return self._new_message(p, text=p["text"])

    def _m_editmessagetext(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        self._check_text(p)
        key = (int(p["chat_id"]), int(p["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        old = self.messages[key]
        if old.get("text") == p["text"] and old.get("reply_markup") == p.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        old["text"] = p["text"]
        old["edit_date"] = int(time.time())
        old.pop("reply_markup", None)
        if p.get("reply_markup"):
            old["reply_markup"] = p["reply_markup"]
        return copy.deepcopy(old)

    def _m_senddocument(self, p: dict[str, Any], f: dict[str, tuple[str, bytes]]) -> Any:
        if "document" not in f:
            raise ApiError(400, "Bad Request: there is no document in the request")
        name, data = f["document"]
        doc = self.add_file(data, name, "application/octet-stream")
        return self._new_message(p, document=doc)

    def _m_getfile(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        file_id = p["file_id"]
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, data = self.files[file_id]
        return {"file_id": file_id, "file_unique_id": "U" + file_id, "file_size": len(data),
                "file_path": path}  # fmt: skip

    def _m_setmycommands(self, p: dict[str, Any], f: Any) -> bool:
        scope = json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands[(scope, p.get("language_code") or "")] = p["commands"]
        return True

    def _m_getmycommands(self, p: dict[str, Any], f: Any) -> list[dict[str, Any]]:
        scope = json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True)
        return self.commands.get((scope, p.get("language_code") or ""), [])

    def _m_true(self, p: dict[str, Any], f: Any) -> bool:
        return True

    _m_sendchataction = _m_answercallbackquery = _m_deletewebhook = _m_setwebhook = _m_true
    _m_deletemycommands = _m_close = _m_logout = _m_true

    def _check_text(self, p: dict[str, Any]) -> None:
        text = p.get("text") or ""
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        if p.get("parse_mode") == "HTML" and (errors := telegram_html_errors(text)):
            raise ApiError(400, f"Bad Request: can't parse entities: {errors[0]}")
        for row in (p.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _new_message(self, p: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = int(p["chat_id"])
        chat = self.chats.get(chat_id, {"id": chat_id, "type": "private", "first_name": "X"})
        msg = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
               "from": BOT_USER, **content}  # fmt: skip
        if p.get("reply_markup"):
            msg["reply_markup"] = p["reply_markup"]
        self.messages[(chat_id, msg["message_id"])] = msg
        return copy.deepcopy(msg)  # later edits must not change what a call returned


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


def decode_params(raw: dict[str, str]) -> dict[str, Any]:
    """PTB sends non-string parameters JSON-encoded; decode all but the text fields."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in RAW_PARAMS:
            out[key] = value
            continue
        try:
            out[key] = json.loads(value)
        except (TypeError, ValueError):
            out[key] = value
    return out


class FakeBotApiServer:
    """``FakeBotApi`` over HTTP on 127.0.0.1 with a random free port."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.port = 0
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        self.api.closing = True
        self.api._new_update.set()
        await self._runner.cleanup()

    async def _method(self, request: web.Request) -> web.Response:
        form = await request.post()
        raw: dict[str, str] = {}
        files: dict[str, tuple[str, bytes]] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = (value.filename, value.file.read())
            else:
                raw[key] = str(value)
        status, body = await self.api.handle(
            request.match_info["token"], request.match_info["method"], decode_params(raw), files
        )
        return web.json_response(body, status=status)

    async def _file(self, request: web.Request) -> web.Response:
        data = self.api.download(request.match_info["token"], request.match_info["path"])
        if data is None:
            return web.json_response({"ok": False, "error_code": 404}, status=404)
        return web.Response(body=data)


class FakeApiRequest(BaseRequest):
    """PTB's HTTP layer replaced by direct calls into ``FakeBotApi``; any other URL fails."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:  # fmt: skip
        parts = urlsplit(url)
        if parts.netloc != "api.telegram.org":
            raise AssertionError(f"test tried to reach {parts.netloc}")
        segments = unquote(parts.path).strip("/").split("/")
        if segments[0] == "file":  # /file/bot<token>/<path>
            data = self.api.download(segments[1].removeprefix("bot"), "/".join(segments[2:]))
            return (200, data) if data is not None else (404, b'{"ok":false}')
        raw = request_data.json_parameters if request_data else {}
        files = {}
        if request_data and request_data.contains_files:
            for key, (name, content, _mime) in request_data.multipart_data.items():
                files[key] = (name, content if isinstance(content, bytes) else content.read())
        status, body = await self.api.handle(
            segments[0].removeprefix("bot"), segments[1], decode_params(raw), files
        )
        return status, json.dumps(body).encode()
