"""The root conftest's guard: every test may reach loopback and unix sockets, nothing else."""

from __future__ import annotations

import socket
import threading
import urllib.request
from pathlib import Path

import pytest

from tests.support.network import NetworkBlocked, is_loopback


def test_loopback_names_and_addresses() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("192.0.2.1", "2001:db8::1", "example.org", None))


def test_connections_beyond_this_machine_are_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        with pytest.raises(NetworkBlocked):
            s.connect(("192.0.2.1", 443))  # TEST-NET-1: never routed
        with pytest.raises(NetworkBlocked):
            s.connect_ex(("192.0.2.1", 443))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u, pytest.raises(NetworkBlocked):
        u.sendto(b"x", ("192.0.2.1", 53))
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("example.org", 443)
    with pytest.raises(NetworkBlocked):
        urllib.request.urlopen("http://example.org/", timeout=1)


def test_loopback_and_unix_sockets_still_work(tmp_path: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        accepted = threading.Thread(target=lambda: server.accept()[0].close())
        accepted.start()
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
        accepted.join(5)
    path = str(tmp_path / "s.sock")
    with socket.socket(socket.AF_UNIX) as server, socket.socket(socket.AF_UNIX) as client:
        server.bind(path)
        server.listen(1)
        client.connect(path)
    assert socket.getaddrinfo("localhost", 80) and socket.getaddrinfo(None, 0)
