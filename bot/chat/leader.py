"""Exactly one replica long-polls Telegram (and syncs Matrix): the holder of a database lock.

Telegram hands each update to one ``getUpdates`` caller and answers a second
concurrent caller with "Conflict: terminated by other getUpdates request", so
replicas must not all poll. On PostgreSQL each replica tries the poller lock
(a session-level advisory lock, ``index.store.LockKey.TELEGRAM_POLLER``); the
one that gets it polls, the others stand by and try again every
``retry`` seconds. When the leader dies its database session ends, the lock is
free, and a standby takes over within one retry. The leader checks its lock's
connection as often; if the database dropped it, it stops polling at once and
stands by like the others. (Webhook mode needs none of this: Telegram posts
each update once to the load balancer.) On SQLite, one process per data
directory, the lock is always granted.

Matrix is the same: every client syncing as the bot's account receives every
event, so replicas would answer each message once each. ``run_while_leader``
runs the Matrix front end on the holder of ``LockKey.MATRIX_SYNC`` only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from index.store import LockKey, Store, try_advisory_lock

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


async def run_while_leader(
    store: Store | None,
    key: LockKey,
    body: Callable[[asyncio.Event], Awaitable[object]],
    stop: asyncio.Event,
    *,
    retry: float = RETRY_SECONDS,
) -> None:
    """Run ``body(until)`` during each spell of holding ``key``, until ``stop`` is set.

    ``until`` is set when the spell ends (``stop``, or the lock lost); ``body``
    returns then. An error of ``body`` ends this too.
    """
    until: asyncio.Event | None = None
    task: asyncio.Task[object] | None = None

    async def start() -> None:
        nonlocal until, task
        until = asyncio.Event()
        task = asyncio.ensure_future(body(until))

    async def end() -> None:
        if until is not None and task is not None:
            until.set()
            await task

    await poll_while_leader(store, start, end, stop, retry=retry, key=key)


async def poll_while_leader(
    store: Store | None,
    start: Callable[[], Awaitable[object]],
    stop_polling: Callable[[], Awaitable[object]],
    stop: asyncio.Event,
    *,
    retry: float = RETRY_SECONDS,
    key: LockKey = LockKey.TELEGRAM_POLLER,
) -> None:
    """Run ``start``/``stop_polling`` around each spell of leadership until ``stop`` is set."""
    if store is None:  # no database to agree through (a fake service): poll
        await start()
        try:
            await stop.wait()
        finally:
            await stop_polling()
        return
    while not stop.is_set():
        with try_advisory_lock(store.engine, key) as held:
            if held is None:
                await _sleep(stop, retry)
                continue
            logger.info("this replica leads: %s", key.name.lower())
            await start()
            try:
                while not stop.is_set():
                    await _sleep(stop, retry)
                    if not await asyncio.to_thread(held.alive):
                        logger.warning("lost the %s lock; standing by", key.name.lower())
                        break
            finally:
                await stop_polling()


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
