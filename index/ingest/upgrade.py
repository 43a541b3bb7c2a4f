"""Schema upgrades under the ingest lock: on start, or by ``ratsbot upgrade``.

Two processes starting at once upgrade one after the other; the second finds
the schema current and does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from index.errors import SchemaOutOfDate
from index.ingest.lock import data_dir_lock
from index.store import Store, Upgrade, upgrade_database

log = logging.getLogger(__name__)


def upgrade_store(
    url: str,
    data_dir: Path,
    *,
    wait: bool = True,
    on_wait: Callable[[], None] | None = None,
    announce: bool = True,
) -> Upgrade:
    """Run the missing migrations while holding the data directory's ingest lock.

    ``announce`` logs a real upgrade (not the creation of a new store) as a warning,
    so that it reaches the journal; the CLI says it itself.
    """
    with data_dir_lock(data_dir, wait=wait, on_wait=on_wait):
        done = upgrade_database(url)
    if announce and done.changed and done.before is not None:
        log.warning("database schema upgraded from %s to %s", done.before, done.after)
    return done


def open_store(
    url: str,
    data_dir: Path,
    *,
    auto_upgrade: bool = True,
    on_wait: Callable[[], None] | None = None,
) -> Store:
    """The store; one written by an older Ratsbot is upgraded first (unless told not to)."""
    try:
        return Store(url)
    except SchemaOutOfDate:
        if not auto_upgrade:
            raise
    upgrade_store(url, data_dir, on_wait=on_wait)
    return Store(url)
