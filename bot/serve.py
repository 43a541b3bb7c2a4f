"""Several chat front ends in one process, all over one loaded index.

A city may run Telegram for council members, Teams for staff and Matrix for
the open-source-minded at the same time. Loading the index once and serving all
of them from one process keeps memory at one index and makes an admin's upload
answerable on every platform at once. Each front end is a coroutine that runs
until a shared ``stop`` event is set; one that fails to start stops the others,
so an operator never believes a platform is served when it is not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from bot.chat import Conversation, run_while_leader
from bot.service import RatsbotService
from bot.settings import Settings
from index.errors import ConfigError
from index.store import LockKey, Store

logger = logging.getLogger(__name__)

PLATFORMS = ("telegram", "teams", "matrix")
Runner = Callable[[Settings, RatsbotService, asyncio.Event], Awaitable[None]]


def configured(settings: Settings) -> list[str]:
    """The front ends whose settings are present, in a fixed order."""
    found = []
    if settings.telegram_token:
        found.append("telegram")
    if settings.teams_app_id:
        found.append("teams")
    if settings.matrix_homeserver and settings.matrix_access_token:
        found.append("matrix")
    return found


def check(settings: Settings, names: list[str]) -> None:
    """Refuse, before the index is loaded, a front end whose settings are missing.

    With ``RATSBOT_OPARL_URL`` alone, ``serve`` runs the scheduled sync and no chat.
    """
    if not names and not settings.oparl_url:
        raise ConfigError(
            "no chat front end is configured: set TELEGRAM_BOT_TOKEN, TEAMS_APP_ID or "
            "MATRIX_HOMESERVER/MATRIX_USER_ID/MATRIX_ACCESS_TOKEN (see the README)"
        )
    if "telegram" in names and not settings.telegram_token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    if "teams" in names and not (settings.teams_app_id and settings.teams_app_password):
        raise ConfigError(
            "Teams needs TEAMS_APP_ID and TEAMS_APP_PASSWORD (the Azure bot registration); "
            "without them every request would be accepted unauthenticated"
        )
    if "matrix" in names:
        from bot.matrix import check_settings

        check_settings(settings)


async def _telegram(settings: Settings, service: RatsbotService, stop: asyncio.Event) -> None:
    from bot.telegram import run_telegram

    await run_telegram(settings, service, stop=stop)


async def _matrix(settings: Settings, service: RatsbotService, stop: asyncio.Event) -> None:
    from bot.matrix import run_matrix

    conversation = Conversation(service, settings)
    store = getattr(service, "store", None)  # of several replicas, one syncs (bot/chat/leader.py)
    await run_while_leader(
        store if isinstance(store, Store) else None,
        LockKey.MATRIX_SYNC,
        lambda until: run_matrix(settings, conversation, stop=until),
        stop,
    )


async def _teams(settings: Settings, service: RatsbotService, stop: asyncio.Event) -> None:
    from bot.teams import run_teams

    await run_teams(settings, Conversation(service, settings), stop=stop)


async def _oparl(settings: Settings, service: RatsbotService, stop: asyncio.Event) -> None:
    """The OParl sync every ``RATSBOT_OPARL_INTERVAL_MINUTES`` beside the front ends."""
    from bot.service import Ratsbot
    from bot.syncing import scheduled_sync

    if not isinstance(service, Ratsbot) or not settings.oparl_url:
        raise ConfigError("the OParl sync needs RATSBOT_OPARL_URL and the full service")
    await scheduled_sync(service, settings.oparl_url, settings.oparl_interval_minutes * 60, stop)


RUNNERS: dict[str, Runner] = {
    "telegram": _telegram,
    "teams": _teams,
    "matrix": _matrix,
    "oparl": _oparl,
}


async def run_frontends(
    settings: Settings, service: RatsbotService, names: list[str], stop: asyncio.Event
) -> None:
    """Run ``names`` until ``stop`` is set; if one ends with an error, stop the others."""

    async def one(name: str) -> None:
        try:
            await RUNNERS[name](settings, service, stop)
        finally:
            stop.set()  # a front end that ends (or fails) takes the others down with it

    logger.info("serving: %s", ", ".join(names))
    results = await asyncio.gather(*(one(n) for n in names), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        raise errors[0]


def serve(settings: Settings, service: RatsbotService, names: list[str]) -> None:
    """Run ``names`` (and the OParl sync, if configured) until Ctrl-C or SIGTERM."""
    if settings.oparl_url and "oparl" not in names:
        names = [*names, "oparl"]

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        await run_frontends(settings, service, names, stop)

    asyncio.run(main())
