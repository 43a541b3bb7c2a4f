"""A local OParl 1.1 server on 127.0.0.1 that replays an archive, faults on request.

The archive is a folder in the layout of ``../shared/realdocs/karlsruhe-archive/``
(see its SOURCES.md): ``papers.jsonl[.gz]`` (Paper objects, files embedded),
``meetings.jsonl[.gz]`` (agenda items embedded), ``organizations.json`` and
``file-texts.jsonl[.gz]`` (``{"file": File id, "text": …}``). The small synthetic
archive ``tests/fixtures/oparl_synthetic.json`` is written out in the same layout.

Every id is rewritten from the archive's host to this server's, so the System
(``/oparl``), the body list, the Body, its paginated lists (``links.next``,
``modified_since``), each object and each file download (a PDF made from the
file's text, or text/plain) answer at their own URL. ``Fault`` rules inject
slow answers, 500, 429 with Retry-After, connection resets, truncated JSON and
404s; ``on_page`` changes objects while a sync walks the lists; ``change``,
``delete`` and ``drop_file`` change the archive between runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.oparl_archive import Archive
from tests.support.text_pdf import text_to_pdf

SCHEMA = "https://schema.oparl.org/1.1/"


@dataclass
class Fault:
    """Answer requests whose path (with query) contains ``match`` badly, ``times`` times.

    ``kind``: slow (``arg`` seconds, then the answer), 500, 429 (Retry-After ``arg``),
    reset (the connection is dropped), truncate (half the JSON), 404.
    """

    match: str
    kind: str
    times: int = 1
    arg: float = 0.0


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class ReplayServer:
    """``with ReplayServer(archive) as server: sync(server.system_url)``."""

    def __init__(self, archive: Archive, *, per_page: int = 20, files_as: str = "pdf") -> None:
        self.archive = archive
        self.per_page = per_page
        self.files_as = files_as  # "pdf" | "text"
        self.faults: list[Fault] = []
        self.log: list[tuple[str, int]] = []
        self.agents: list[str] = []
        self.arrived: list[str] = []  # paths as requests arrive (``log``: once answered)
        self.page_hooks: dict[tuple[str, int], Any] = {}
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._http.daemon_threads = True
        self._http.replay = self  # type: ignore[attr-defined]
        self.base = f"http://127.0.0.1:{self._http.server_address[1]}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    # -- life ------------------------------------------------------------------
    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()

    @property
    def system_url(self) -> str:
        return self.base + self.archive.system_path

    @property
    def body_url(self) -> str:
        return self.base + self.archive.body_path

    def url(self, archive_id: str) -> str:
        return archive_id.replace(self.archive.origin, self.base)

    def on_page(self, list_name: str, page: int, hook: Any) -> None:
        """Call ``hook()`` right after page ``page`` (from 1) of ``list_name`` was served."""
        self.page_hooks[(list_name, page)] = hook

    def requests_to(self, fragment: str) -> list[str]:
        return [p for p, _ in self.log if fragment in p]

    # -- answering -------------------------------------------------------------
    def fault_for(self, path: str) -> Fault | None:
        with self._lock:
            for f in self.faults:
                if f.times > 0 and f.match in path:
                    f.times -= 1
                    return Fault(f.match, f.kind, 1, f.arg)
        return None

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        """(status, content type, body) for a GET."""
        a = self.archive
        if path in (a.system_path, a.system_path + "/"):
            return self._json(a.system())
        if path == a.system_path + "/bodies":
            return self._json(a.page_of([a.body()], 1, 1, path, {}))
        if path == a.body_path:
            return self._json(a.body())
        if path in a.list_paths:
            return self._list(path, query)
        if path in a.download_paths:
            return self._download(a.download_paths[path])
        obj = a.object_at(path)
        if obj is None:
            return 404, "application/json", b'{"error": "not found"}'
        return self._json(obj)

    def _list(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        name = self.archive.list_paths[path]
        since = (query.get("modified_since") or [None])[0]
        page = int((query.get("page") or ["1"])[0])
        objects = self.archive.listing(name, since)
        status = self._json(self.archive.page_of(objects, page, self.per_page, path, query))
        hook = self.page_hooks.pop((name, page), None)
        if hook is not None:
            hook()
        return status

    def _download(self, file_id: str) -> tuple[int, str, bytes]:
        text = self.archive.texts.get(file_id)
        if text is None:
            return 404, "text/plain", b"not found"
        if self.files_as == "text":
            return 200, "text/plain; charset=utf-8", text.encode("utf-8")
        return 200, "application/pdf", text_to_pdf(text)

    def _json(self, obj: Any) -> tuple[int, str, bytes]:
        raw = json.dumps(obj, ensure_ascii=False).replace(self.archive.origin, self.base)
        return 200, "application/json; charset=utf-8", raw.encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        replay: ReplayServer = self.server.replay  # type: ignore[attr-defined]
        replay.arrived.append(self.path)
        parts = urlsplit(self.path)
        fault = replay.fault_for(self.path)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.arg)
            fault = None
        if fault is not None and fault.kind == "reset":
            replay.log.append((self.path, 0))
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if fault is not None and fault.kind in ("500", "429", "404"):
            status = int(fault.kind)
            headers = {"Retry-After": str(int(fault.arg))} if status == 429 else {}
            self._send(replay, status, "text/plain", b"fault", headers)
            return
        status, kind, body = replay.answer(parts.path.rstrip("/") or "/", parse_qs(parts.query))
        if fault is not None and fault.kind == "truncate":
            body = body[: len(body) // 2]
        self._send(replay, status, kind, body, {})

    def _send(
        self, replay: ReplayServer, status: int, kind: str, body: bytes, headers: dict[str, str]
    ) -> None:
        replay.log.append((self.path, status))
        replay.agents.append(self.headers.get("User-Agent", ""))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)
