"""Walking an OParl list page by page, resumably.

A list is walked from where its cursor stands: the page a killed or failed
run stopped on, else the first page, asked with ``modified_since`` = the start
of the last complete walk (less a margin for clocks), so a later run fetches
only what changed. A server that ignores ``modified_since`` sends everything
again; the page handler then skips each object whose content it already has.
An object changed while a walk runs has ``modified`` after the walk's start,
so the next run sees it even if this one read it before the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx

from index.store import Cursor, Store, read_cursor
from index.sync.client import FetchError, OParlClient
from index.sync.report import SyncReport

OVERLAP = dt.timedelta(minutes=10)  # clocks of server and client differ
PageHandler = Callable[[list[dict[str, Any]], Cursor], None]


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def with_since(url: str, since: str | None) -> str:
    if not since:
        return url
    return str(httpx.URL(url).copy_merge_params({"modified_since": since}))


def walk_list(
    store: Store,
    client: OParlClient,
    list_url: str,
    report: SyncReport,
    handle: PageHandler,
    *,
    full: bool = False,
) -> bool:
    """Walk one list, calling ``handle(objects, cursor after the page)`` per page.

    ``handle`` must store the cursor with the page's work. Returns False when a
    page could not be fetched (the cursor stays on it: the next run resumes).
    """
    cur = read_cursor(store, list_url)
    if cur is not None and cur.next_url:
        url, since, started = cur.next_url, cur.since, cur.started
        report.resumed.append(list_url)
    else:
        since = None if full or cur is None else _less_overlap(cur.completed)
        started = now_iso()
        url = with_since(list_url, since)
    completed = cur.completed if cur else None
    seen: set[str] = set()
    next_url: str | None = url
    while next_url and next_url not in seen:
        url = next_url
        seen.add(url)
        try:
            page = client.get_json(url)
            objects, nxt = _page(page)
        except FetchError as e:
            report.fail(f"{list_url}: page {url}: {e}")
            report.incomplete.append(list_url)
            return False
        report.pages += 1
        done = nxt is None or nxt in seen
        after = Cursor(None if done else nxt, since, started, started if done else completed)
        handle(objects, after)
        next_url = None if done else nxt
    return True


def _page(page: Any) -> tuple[list[dict[str, Any]], str | None]:
    """The objects of a list page and the next page's URL."""
    if isinstance(page, list):  # OParl 1.0 servers sometimes answer a bare array
        return [o for o in page if isinstance(o, dict)], None
    if not isinstance(page, dict) or not isinstance(page.get("data"), list):
        raise FetchError("not an OParl list page (no 'data')")
    links = page.get("links")
    nxt = links.get("next") if isinstance(links, dict) else None
    nxt = nxt if isinstance(nxt, str) else None
    return [o for o in page["data"] if isinstance(o, dict)], nxt


def _less_overlap(stamp: str | None) -> str | None:
    if not stamp:
        return None
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return (when - OVERLAP).isoformat()


def bodies_of(client: OParlClient, url: str, report: SyncReport) -> list[dict[str, Any]]:
    """The Body objects ``url`` leads to: the Body itself, or a System's bodies."""
    root = client.get_json(url)
    kind = _type(root)
    if kind == "Body":
        return [root]
    if kind != "System":
        raise FetchError(f"{url} is neither an OParl System nor a Body (type {kind or '?'})")
    ref = root.get("body")
    if isinstance(ref, list):  # embedded or a list of URLs
        return [b if isinstance(b, dict) else client.get_json(b) for b in ref]
    if not isinstance(ref, str):
        raise FetchError(f"{url}: the System names no body list")
    bodies: list[dict[str, Any]] = []
    next_url: str | None = ref
    while next_url:
        objects, next_url = _page(client.get_json(next_url))
        bodies += [b for b in objects if _type(b) == "Body"]
    return bodies


def _type(obj: Any) -> str | None:
    t = obj.get("type") if isinstance(obj, dict) else None
    return t.rstrip("/").rsplit("/", 1)[-1] if isinstance(t, str) and t else None
