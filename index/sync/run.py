"""``ratsbot sync oparl URL``: follow a council information system through its OParl API.

For each Body the URL leads to (a System lists them), the organizations, the
meetings with their agenda items and the papers with their consultations and
files are walked, in that order, so a paper's file is described by meetings
already stored. Every list resumes from its cursor (index/sync/walk.py); each
page is handled whole (index/sync/pages.py). Two syncs never run at once: a
lock file in the data directory refuses the second.
"""

from __future__ import annotations

import fcntl
import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.errors import SyncRunning
from index.store import Store
from index.sync.client import ClientOptions, FetchError, OParlClient
from index.sync.files import body_folder
from index.sync.pages import Ingest, Remove, SyncRun, handle_page
from index.sync.report import SyncReport
from index.sync.walk import bodies_of, walk_list

LISTS = ("organization", "meeting", "paper")  # in this order: a paper's files need its meetings


@contextmanager
def sync_lock(data_dir: Path) -> Iterator[None]:
    """Refuse a second sync on the same data directory (other processes included)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".sync.lock", "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncRunning("another OParl sync is running; try again later") from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def sync_oparl(
    store: Store,
    url: str,
    folder: Path,
    *,
    ingest: Ingest,
    remove: Remove,
    client: OParlClient | None = None,
    options: ClientOptions | None = None,
    full: bool = False,
) -> SyncReport:
    """Sync the bodies behind ``url`` into ``store`` (files into ``folder``).

    ``ingest`` takes the paths of downloaded files (the service's ingest under
    its locks), ``remove`` the source paths of files that went. ``full`` walks
    every list from the start without ``modified_since``. Failures of single
    objects, pages and files go into the report; only an unusable URL raises
    :class:`~index.sync.client.FetchError`.
    """
    report = SyncReport(url)
    t0 = time.perf_counter()
    own = client is None
    http = client or OParlClient(options)
    try:
        for body in bodies_of(http, url, report):
            _sync_body(store, http, body, folder, report, ingest, remove, full, t0)
    finally:
        report.requests, report.retries = http.requests, http.retried
        report.seconds = time.perf_counter() - t0
        if own:
            http.close()
    return report


def _sync_body(
    store: Store,
    client: OParlClient,
    body: dict[str, Any],
    folder: Path,
    report: SyncReport,
    ingest: Ingest,
    remove: Remove,
    full: bool,
    t0: float,
) -> None:
    body_id = body.get("id")
    if not isinstance(body_id, str):
        raise FetchError("a Body without 'id'")
    report.bodies.append(body_id)
    run = SyncRun(store, client, folder, body_folder(body_id), ingest, remove, report, t0)
    for name in LISTS:
        list_url = body.get(name)
        if not isinstance(list_url, str):
            continue  # the body offers no such list (or embeds it: not walked)
        handle = functools.partial(handle_page, run, list_url)
        walk_list(store, client, list_url, report, handle, full=full)
