"""One Telegram poller among replicas (bot/chat/leader.py), and a standby takes over."""

from __future__ import annotations

import asyncio

import pytest

from bot.chat import poll_while_leader, run_while_leader
from index.store import LockKey, Store

pytestmark = pytest.mark.postgres


class Poller:
    def __init__(self, name: str, log: list[str]) -> None:
        self.name, self.log = name, log

    async def start(self) -> None:
        self.log.append(f"{self.name} polls")

    async def stop(self) -> None:
        self.log.append(f"{self.name} stops")


async def test_one_replica_polls_and_a_standby_takes_over(pgvector_url: str) -> None:
    stores = [Store(pgvector_url) for _ in range(3)]
    log: list[str] = []
    stops = [asyncio.Event() for _ in stores]
    tasks = [
        asyncio.create_task(
            poll_while_leader(
                s, Poller(f"r{i}", log).start, Poller(f"r{i}", log).stop, stop, retry=0.2
            )
        )
        for i, (s, stop) in enumerate(zip(stores, stops, strict=True))
    ]
    try:
        await asyncio.sleep(1.0)
        polling = [e for e in log if e.endswith("polls")]
        assert len(polling) == 1, log  # exactly one poller
        leader = int(polling[0][1])
        stops[leader].set()  # the leader goes away
        await asyncio.sleep(1.0)
        after = [e for e in log if e.endswith("polls")]
        assert len(after) == 2, log
        assert f"r{leader} stops" in log
        assert log.index(f"r{leader} stops") < log.index(after[1])  # never two at once
    finally:
        for stop in stops:
            stop.set()
        await asyncio.gather(*tasks)
        for s in stores:
            s.close()


async def test_without_a_store_it_simply_polls() -> None:
    log: list[str] = []
    stop = asyncio.Event()
    p = Poller("solo", log)
    task = asyncio.create_task(poll_while_leader(None, p.start, p.stop, stop))
    await asyncio.sleep(0.05)
    stop.set()
    await task
    assert log == ["solo polls", "solo stops"]


async def test_one_replica_syncs_matrix_until_it_stops(pgvector_url: str) -> None:
    stores = [Store(pgvector_url) for _ in range(2)]
    running: list[int] = []
    ended: list[int] = []
    stops = [asyncio.Event() for _ in stores]

    def body(i: int):  # type: ignore[no-untyped-def]
        async def run(until: asyncio.Event) -> None:
            running.append(i)
            await until.wait()
            ended.append(i)

        return run

    tasks = [
        asyncio.create_task(run_while_leader(s, LockKey.MATRIX_SYNC, body(i), stop, retry=0.2))
        for i, (s, stop) in enumerate(zip(stores, stops, strict=True))
    ]
    try:
        await asyncio.sleep(1.0)
        assert len(running) == 1, running
        stops[running[0]].set()
        await asyncio.sleep(1.0)
        assert ended == running[:1] and len(running) == 2, (running, ended)
    finally:
        for stop in stops:
            stop.set()
        await asyncio.gather(*tasks)
        for s in stores:
            s.close()


async def test_an_error_of_the_leader_ends_the_front_end(pgvector_url: str) -> None:
    """A refused token must fail ``ratsbot serve``, not leave it standing by forever."""
    store = Store(pgvector_url)

    async def refuse(until: asyncio.Event) -> None:
        raise RuntimeError("token refused")

    try:
        with pytest.raises(RuntimeError, match="token refused"):
            await asyncio.wait_for(
                run_while_leader(store, LockKey.MATRIX_SYNC, refuse, asyncio.Event(), retry=0.2),
                10,
            )
    finally:
        store.close()
