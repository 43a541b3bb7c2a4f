"""The OParl sync as the service runs it: once (``ratsbot sync oparl``) or on a schedule.

Downloaded files live in ``<data dir>/oparl/<body>/`` and are ingested through
the service, under its ingest lock, so questions keep being answered and newly
synced minutes become answerable as soon as their passages are committed. A
second sync on the same data directory is refused (``SyncRunning``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.service import Ratsbot
from bot.settings import Settings
from index.errors import RatsbotError
from index.store import documents_of_sources
from index.sync import ClientOptions, OParlClient, SyncReport, sync_lock, sync_oparl

log = logging.getLogger(__name__)


def client_options(settings: Settings) -> ClientOptions:
    return ClientOptions(
        delay=settings.oparl_delay_seconds, max_file_bytes=settings.oparl_max_file_mb * 2**20
    )


def run_sync(
    bot: Ratsbot, url: str, *, full: bool = False, client: OParlClient | None = None
) -> SyncReport:
    """One sync of ``url`` into the bot's store and index; refused while another runs."""
    folder = bot.settings.oparl_folder
    folder.mkdir(parents=True, exist_ok=True)
    with sync_lock(bot.settings.data_dir):
        return sync_oparl(
            bot.store,
            url,
            folder,
            ingest=lambda paths: bot.ingest(paths, force=True),
            remove=lambda sources: remove_sources(bot, sources),
            client=client,
            options=client_options(bot.settings),
            full=full,
        )


def remove_sources(bot: Ratsbot, source_paths: list[str]) -> int:
    """Remove the documents of synced files that went (gone from their paper, or deleted)."""
    return sum(bot.remove(doc_id) for doc_id in documents_of_sources(bot.store, source_paths))


async def scheduled_sync(bot: Ratsbot, url: str, interval: float, stop: asyncio.Event) -> None:
    """Sync now and then every ``interval`` seconds until ``stop``; a failed run waits its turn."""
    while not stop.is_set():
        try:
            report = await asyncio.to_thread(run_sync, bot, url)
            log.info("OParl sync: %s", report.summary())
            for line in report.failures[:20]:
                log.warning("OParl sync: %s", line)
        except RatsbotError as e:
            log.warning("OParl sync failed: %s", e)
        except Exception:  # the schedule must survive one bad run
            log.exception("OParl sync failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
