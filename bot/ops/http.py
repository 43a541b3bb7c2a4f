"""``/healthz`` and ``/metrics`` of ``ratsbot serve`` on a local port.

``/healthz`` answers 200 when the loaded index agrees with the store and 503
otherwise, with a small JSON body (generation, passages, schema revision, the
last ingest); ``/metrics`` is Prometheus' text format. Neither names a user or
shows message text. The server binds 127.0.0.1 unless told otherwise
(``RATSBOT_METRICS_LISTEN``), since neither endpoint asks who calls.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.ops.metrics import MeteredService, Metrics, StoreCollector
from bot.service import Ratsbot
from bot.settings import Settings
from index.errors import ConfigError, RatsbotError
from index.retrieval import index_agrees
from index.store import run_totals, schema_revision

log = logging.getLogger(__name__)


def health(service: Ratsbot) -> tuple[bool, dict[str, Any]]:
    """Whether the bot can answer: the loaded index agrees with the store."""
    store = service.store
    try:
        snap = service.searcher.snapshot  # loads the index once if no question did yet
        key = service.embedder.info.key
        agreement = index_agrees(store, key, snap.generation, snap.size, snap.embedder)
        totals = run_totals(store)
        body: dict[str, Any] = {
            "status": "ok" if agreement.ok else "index and store disagree",
            "generation": store.generation(),
            "index_generation": snap.generation,
            "passages": snap.size,
            "schema": schema_revision(store),
            "last_ingest": totals.last_finished.isoformat() + "Z" if totals.last_finished else None,
            "ingest_runs": totals.runs,
        }
        if not agreement.ok:
            body["why"] = agreement.why
        return agreement.ok, body
    except RatsbotError as e:
        return False, {"status": "error", "why": str(e)}
    except Exception as e:  # a health check reports, it never raises
        log.exception("health check failed")
        return False, {"status": "error", "why": e.__class__.__name__}


class OpsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], service: Ratsbot, metrics: Metrics) -> None:
        super().__init__(address, _Handler)
        self.service = service
        self.metrics = metrics
        self.health_lock = threading.Lock()  # one health check at a time


class _Handler(BaseHTTPRequestHandler):
    server: OpsServer

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            self._send(200, generate_latest(self.server.metrics.registry), CONTENT_TYPE_LATEST)
        elif path == "/healthz":
            with self.server.health_lock:
                ok, body = health(self.server.service)
            data = json.dumps(body, ensure_ascii=False).encode()
            self._send(200 if ok else 503, data, "application/json")
        else:
            self._send(404, b"not found: /healthz, /metrics\n", "text/plain")

    def _send(self, code: int, data: bytes, kind: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # no access log
        return


@contextmanager
def operations(settings: Settings, service: Ratsbot) -> Iterator[MeteredService]:
    """While serving: the metered service for the front ends, and the ops server (if a port)."""
    metrics = Metrics()
    metrics.registry.register(StoreCollector(service))
    if not settings.metrics_port:
        yield MeteredService(service, metrics)
        return
    address = (settings.metrics_listen, settings.metrics_port)
    try:
        server = OpsServer(address, service, metrics)
    except OSError as e:
        raise ConfigError(
            f"cannot listen on {address[0]}:{address[1]} for /healthz and /metrics "
            f"({e.strerror}): set RATSBOT_METRICS_PORT (0: off)"
        ) from e
    thread = threading.Thread(target=server.serve_forever, name="ratsbot-ops", daemon=True)
    thread.start()
    log.info("health and metrics on http://%s:%d/", *server.server_address[:2])
    try:
        yield MeteredService(service, metrics)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
