"""No test reaches beyond this machine: sockets may connect to loopback only.

Every fake server a test starts (Bot API, homeserver, Teams connector, PostgreSQL)
listens on 127.0.0.1, so a connection anywhere else is a mistake: a real token that
leaked into the environment, a default URL, a model download. The guard turns it into
an error at once instead of a slow, flaky or even harmful request.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
# 127.0.0.1 must never go through a proxy: the guard clears these for every test
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


class NetworkBlocked(RuntimeError):
    """A test tried to reach a host that is not this machine."""


def is_loopback(host: object) -> bool:
    """True for loopback addresses and names (``127.0.0.0/8``, ``::1``, ``localhost``)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%", 1)[0].lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_address(sock: socket.socket, address: Any) -> None:
    """Raise :class:`NetworkBlocked` unless ``address`` is local (loopback or a unix socket)."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # unix sockets and the like never leave the machine
    host = address[0] if isinstance(address, tuple) and address else address
    if not is_loopback(host):
        raise NetworkBlocked(f"network access in a test: {address!r}")


def _local_lookup(host: object) -> bool:
    """A lookup that needs no DNS: no host (bind to all), a numeric address, this machine."""
    if host is None or host in ("", b""):
        return True
    if is_loopback(host):
        return True
    name = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
    try:
        ipaddress.ip_address(name.strip("[]").split("%", 1)[0])
        return True  # numeric: connect() decides
    except ValueError:
        return name == socket.gethostname()


def block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Patch sockets so that only loopback connections (and name lookups) succeed."""
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_sendto, real_getaddrinfo = socket.socket.sendto, socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        check_address(self, address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check_address(self, address)
        return real_connect_ex(self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        check_address(self, args[-1])  # sendto(data, address) or sendto(data, flags, address)
        return real_sendto(self, data, *args)  # type: ignore[call-overload,no-any-return]

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _local_lookup(host):
            raise NetworkBlocked(f"name lookup in a test: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "sendto", sendto)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
