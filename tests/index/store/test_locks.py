"""Several processes on one database: the generation, the ingest lock, the shared chat values."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import time

import pytest

from index.errors import IngestRunning
from index.store import ExpiringState, LockKey, Store, bump_generation, try_advisory_lock

pg = pytest.mark.postgres


def test_bumps_that_overlap_each_get_their_own_generation(store: Store) -> None:
    """Two transactions bump at once: the second waits for the first and counts on from it."""
    start = store.generation()
    first_bumped = threading.Event()
    release_first = threading.Event()
    got: list[int] = []

    def first() -> None:
        with store.session() as s:
            got.append(bump_generation(s))
            first_bumped.set()
            release_first.wait(10)

    t1 = threading.Thread(target=first)
    t1.start()
    assert first_bumped.wait(10)
    result: list[int] = []
    t2 = threading.Thread(target=lambda: result.append(_bump(store)))
    t2.start()
    time.sleep(0.3)  # the second is now waiting for the first one's row lock (or file lock)
    release_first.set()
    t1.join(10)
    t2.join(30)
    assert got == [start + 1]
    assert result == [start + 2]
    assert store.generation() == start + 2


def _bump(store: Store) -> int:
    with store.session() as s:
        return bump_generation(s)


def test_a_new_store_starts_at_generation_zero_and_counts_up(store: Store) -> None:
    assert store.generation() == 0
    assert [_bump(store) for _ in range(3)] == [1, 2, 3]


@pg
def test_the_ingest_lock_holds_across_stores(pgvector_url: str) -> None:
    a, b = Store(pgvector_url), Store(pgvector_url)
    waited: list[bool] = []
    entered = threading.Event()
    try:
        with a.exclusive():
            with pytest.raises(IngestRunning), b.exclusive(wait=False):
                pass

            def second() -> None:
                with b.exclusive(on_wait=lambda: waited.append(True)):
                    entered.set()

            t = threading.Thread(target=second)
            t.start()
            time.sleep(0.5)
            assert not entered.is_set()  # it waits while the first holds the lock
        t.join(10)
        assert entered.is_set() and waited == [True]
    finally:
        a.close()
        b.close()


@pg
def test_the_lock_of_a_killed_process_is_free_at_once(pgvector_url: str) -> None:
    """A replica killed while it ingests leaves no lock behind: its session ended with it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, pgvector_url],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        store = Store(pgvector_url)
        try:
            with try_advisory_lock(store.engine, LockKey.INGEST) as held:
                assert held is None  # the other process has it
            holder.kill()
            holder.wait(10)
            deadline = time.monotonic() + 10
            while True:
                with try_advisory_lock(store.engine, LockKey.INGEST) as held:
                    if held is not None:
                        break
                assert time.monotonic() < deadline, "the killed holder's lock stayed"
                time.sleep(0.1)
        finally:
            store.close()
    finally:
        holder.kill()
        holder.wait(10)


_HOLD_LOCK = """
import sys, time
from index.store import Store
store = Store(sys.argv[1])
with store.exclusive():
    print("held", flush=True)
    time.sleep(60)
"""


def test_expiring_values_expire(store: Store) -> None:
    now = [dt.datetime(2026, 1, 1, 12, 0)]
    values = ExpiringState(store, clock=lambda: now[0])
    values.put("k", "v", ttl=10)
    assert values.get("k") == "v"
    now[0] += dt.timedelta(seconds=11)
    assert values.get("k") is None
    assert values.update("k", lambda old: f"{old}", ttl=10) == "None"  # expired reads as absent
    now[0] += dt.timedelta(seconds=11)
    assert values.purge() == 1
    assert values.get("missing") is None


@pg
def test_updates_from_many_threads_lose_nothing(pgvector_url: str) -> None:
    """Four writers add 25 each to one value: the row lock keeps all 100."""
    store = Store(pgvector_url)
    values = ExpiringState(store)
    key = f"count-{time.monotonic_ns()}"

    def add() -> None:
        for _ in range(25):
            values.update(key, lambda old: json.dumps(json.loads(old or "0") + 1), ttl=60)

    try:
        threads = [threading.Thread(target=add) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert values.get(key) == "100"
    finally:
        store.close()
