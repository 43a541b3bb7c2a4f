"""An HTTP client for OParl servers that behaves on the real internet.

Council information systems are run by small IT departments on small
machines. The client waits between requests (a politeness delay), names itself
in the User-Agent, gives every request a timeout, and retries what is worth
retrying: 429 (after the server's ``Retry-After``), 5xx, a dropped connection
and a truncated JSON body, with exponential backoff. Whatever still fails
raises :class:`FetchError` with one line for the sync report.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from index.errors import RatsbotError

USER_AGENT = "Ratsbot/0.1 (OParl sync; +https://github.com/ratsbot/ratsbot)"
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class FetchError(RatsbotError):
    """A URL could not be fetched after the retries; the message is one line."""


class TooLarge(FetchError):
    """A download is larger than the size cap."""


@dataclass(frozen=True)
class ClientOptions:
    """Timeouts, retries and politeness; the defaults suit a city's server."""

    timeout: float = 30.0
    retries: int = 4  # attempts after the first
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_backoff: float = 60.0
    max_retry_after: float = 300.0  # longer Retry-After: give up on this URL for now
    delay: float = 0.25  # politeness: at least this long between two requests
    max_file_bytes: int = 50 * 1024 * 1024


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str


class OParlClient:
    """GET JSON objects and pages, download files; ``sleep`` is injectable for tests."""

    def __init__(
        self,
        options: ClientOptions | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.options = options or ClientOptions()
        self._sleep = sleep
        self._last = 0.0
        self.requests = 0
        self.retried = 0
        self._http = httpx.Client(
            timeout=self.options.timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> OParlClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_json(self, url: str, params: dict[str, str] | None = None) -> Any:
        """The JSON at ``url``; a truncated or broken body is retried like a 5xx."""

        def parse(response: httpx.Response) -> Any:
            return json.loads(response.content.decode("utf-8-sig"))

        return self._with_retries(url, params, parse, stream=False)

    def download(self, url: str) -> Download:
        """A file's bytes, refused beyond ``max_file_bytes`` (checked while it streams)."""
        download: Download = self._with_retries(url, None, self._read_capped, stream=True)
        return download

    def _read_capped(self, response: httpx.Response) -> Download:
        cap = self.options.max_file_bytes
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise TooLarge(
                f"file too large ({int(declared) / 2**20:.0f} MB, cap {cap / 2**20:.0f} MB)"
            )
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise TooLarge(f"file too large (more than {cap / 2**20:.0f} MB)")
            chunks.append(chunk)
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        return Download(b"".join(chunks), kind)

    def _with_retries(
        self,
        url: str,
        params: dict[str, str] | None,
        read: Callable[[httpx.Response], Any],
        *,
        stream: bool,
    ) -> Any:
        last = "no attempt"
        for attempt in range(self.options.retries + 1):
            if attempt:
                self.retried += 1
            self._polite()
            wait: float | None = None
            try:
                request = self._http.build_request("GET", url, params=params)
                response = self._http.send(request, stream=stream)
                try:
                    if response.status_code in _RETRY_STATUS:
                        last = f"HTTP {response.status_code}"
                        wait = _retry_after(response.headers.get("Retry-After"))
                        if wait is not None and wait > self.options.max_retry_after:
                            raise FetchError(f"{last}, Retry-After {wait:.0f} s: later")
                    elif response.status_code >= 400:
                        raise FetchError(f"HTTP {response.status_code}")
                    else:
                        if stream:
                            return read(response)
                        response.read()
                        return read(response)
                finally:
                    response.close()
            except (httpx.TransportError, httpx.StreamError) as e:
                last = f"connection error ({e.__class__.__name__})"
            except (json.JSONDecodeError, UnicodeDecodeError):
                last = "broken JSON (truncated?)"
            if attempt < self.options.retries:
                self._sleep(wait if wait is not None else self._backoff(attempt))
        raise FetchError(f"{last} after {self.options.retries + 1} attempts")

    def _backoff(self, attempt: int) -> float:
        return float(min(self.options.backoff * 2**attempt, self.options.max_backoff))

    def _polite(self) -> None:
        gap = time.monotonic() - self._last
        if self._last and gap < self.options.delay:
            self._sleep(self.options.delay - gap)
        self._last = time.monotonic()
        self.requests += 1


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
