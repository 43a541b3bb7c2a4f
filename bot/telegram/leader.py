"""Exactly one replica long-polls Telegram: the holder of the database's poller lock.

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
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from index.store import LockKey, Store, try_advisory_lock

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


async def poll_while_leader(
    store: Store | None,
    start: Callable[[], Awaitable[object]],
    stop_polling: Callable[[], Awaitable[object]],
    stop: asyncio.Event,
    *,
    retry: float = RETRY_SECONDS,
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
        with try_advisory_lock(store.engine, LockKey.TELEGRAM_POLLER) as held:
            if held is None:
                await _sleep(stop, retry)
                continue
            logger.info("this replica polls Telegram")
            await start()
            try:
                while not stop.is_set():
                    await _sleep(stop, retry)
                    if not await asyncio.to_thread(held.alive):
                        logger.warning("lost the Telegram poller lock; standing by")
                        break
            finally:
                await stop_polling()


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
