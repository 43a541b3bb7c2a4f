"""The OParl client against the replay server's faults: retries, Retry-After, caps, manners."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.sync import USER_AGENT, ClientOptions, FetchError, OParlClient
from tests.support.oparl_archive import Archive, fixture_archive
from tests.support.oparl_replay import Fault, ReplayServer


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(Archive.load(fixture_archive()), per_page=3) as s:
        yield s


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _client(sleeps: Sleeps, **options: float) -> OParlClient:
    opts = {"delay": 0.0, "backoff": 0.01, "timeout": 5.0, **options}
    return OParlClient(ClientOptions(**opts), sleep=sleeps)  # type: ignore[arg-type]


def test_429_waits_as_long_as_retry_after_says(server: ReplayServer) -> None:
    server.faults.append(Fault("/papers", "429", times=2, arg=7))
    sleeps = Sleeps()
    with _client(sleeps) as client:
        page = client.get_json(server.body_url + "/papers")
    assert len(page["data"]) == 3
    assert sleeps == [7.0, 7.0] and client.retried == 2
    assert [status for _, status in server.log] == [429, 429, 200]


def test_5xx_reset_and_truncated_json_are_retried_with_growing_backoff(
    server: ReplayServer,
) -> None:
    server.faults += [
        Fault("/meetings", "500"),
        Fault("/meetings", "reset"),
        Fault("/meetings", "truncate"),
    ]
    sleeps = Sleeps()
    with _client(sleeps, backoff=1.0) as client:
        page = client.get_json(server.body_url + "/meetings")
    assert page["pagination"]["totalElements"] == 3
    assert sleeps == [1.0, 2.0, 4.0] and client.retried == 3


def test_what_never_works_fails_in_one_line(server: ReplayServer) -> None:
    server.faults.append(Fault("/papers", "500", times=99))
    sleeps = Sleeps()
    with _client(sleeps, retries=2) as client, pytest.raises(FetchError) as e:
        client.get_json(server.body_url + "/papers")
    assert str(e.value) == "HTTP 500 after 3 attempts"
    assert len(server.requests_to("/papers")) == 3 and len(sleeps) == 2


def test_a_404_is_not_retried(server: ReplayServer) -> None:
    with _client(Sleeps()) as client, pytest.raises(FetchError, match="HTTP 404"):
        client.get_json(server.base + "/oparl/bodies/0/papers/999")
    assert len(server.log) == 1


def test_a_retry_after_beyond_the_limit_is_left_for_the_next_run(server: ReplayServer) -> None:
    server.faults.append(Fault("/papers", "429", arg=3600))
    with _client(Sleeps()) as client, pytest.raises(FetchError, match="Retry-After 3600"):
        client.get_json(server.body_url + "/papers")


def test_a_slow_server_times_out_and_is_asked_again(server: ReplayServer) -> None:
    server.faults.append(Fault("/organizations", "slow", arg=1.5))
    with _client(Sleeps(), timeout=0.3) as client:
        page = client.get_json(server.body_url + "/organizations")
    assert page["data"] and client.retried == 1


def test_downloads_are_capped_and_the_client_names_itself(server: ReplayServer) -> None:
    url = server.base + "/oparl/bodies/0/downloadfiles/1001.pdf"
    with _client(Sleeps()) as client:
        pdf = client.download(url)
        assert pdf.content.startswith(b"%PDF") and pdf.content_type == "application/pdf"
    with _client(Sleeps(), max_file_bytes=1000) as client, pytest.raises(FetchError, match="large"):
        client.download(url)
    assert set(server.agents) == {USER_AGENT}


def test_politeness_delay_between_requests(server: ReplayServer) -> None:
    sleeps = Sleeps()
    with _client(sleeps, delay=0.5) as client:
        for _ in range(3):
            client.get_json(server.body_url)
    assert len(sleeps) == 2 and all(0.3 < s <= 0.5 for s in sleeps)
