"""Follow a council information system: sync from its OParl API (``ratsbot sync oparl``)."""

from __future__ import annotations

from index.sync.client import USER_AGENT, ClientOptions, FetchError, OParlClient
from index.sync.report import SyncReport
from index.sync.run import sync_lock, sync_oparl

__all__ = [
    "USER_AGENT",
    "ClientOptions",
    "FetchError",
    "OParlClient",
    "SyncReport",
    "sync_lock",
    "sync_oparl",
]
