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

from index.store import HeldLock, LockKey, Store, try_advisory_lock

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

    ``until`` is set when the spell ends (``stop``, or the lock lost) and ``body``
    returns then. When ``body`` ends by itself, this ends too, with its error if any.
    """
    if store is None:  # no database to agree through (a fake service): lead alone
        await body(stop)
        return
    while not stop.is_set():
        with try_advisory_lock(store.engine, key) as held:
            if held is None:
                await _sleep(stop, retry)
                continue
            logger.info("this replica leads: %s", key.name.lower())
            if await _lead(held, body, stop, retry):
                return
            logger.warning("lost the %s lock; standing by", key.name.lower())


async def _lead(
    held: HeldLock,
    body: Callable[[asyncio.Event], Awaitable[object]],
    stop: asyncio.Event,
    retry: float,
) -> bool:
    """One spell of leadership; True when it ended for good (``stop``, or ``body`` ended)."""
    until = asyncio.Event()
    task = asyncio.ensure_future(body(until))
    stopping = asyncio.ensure_future(stop.wait())
    over = True
    try:
        while True:
            done, _ = await asyncio.wait(
                {task, stopping}, timeout=retry, return_when=asyncio.FIRST_COMPLETED
            )
            if done:
                break
            if not await asyncio.to_thread(held.alive):
                over = False
                break
    finally:
        stopping.cancel()
        until.set()
        await task  # its error, if any, goes to the caller
    return over


async def poll_while_leader(
    store: Store | None,
    start: Callable[[], Awaitable[object]],
    stop_polling: Callable[[], Awaitable[object]],
    stop: asyncio.Event,
    *,
    retry: float = RETRY_SECONDS,
) -> None:
    """Telegram: ``start`` polling on the poller lock's holder, ``stop_polling`` when the
    spell ends; until ``stop`` is set."""

    async def body(until: asyncio.Event) -> None:
        await start()
        try:
            await until.wait()
        finally:
            await stop_polling()

    await run_while_leader(store, LockKey.TELEGRAM_POLLER, body, stop, retry=retry)


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
