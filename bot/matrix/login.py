"""Logging in to the homeserver: settings checked, a nio client with the access token.

The bot never sees a password: an operator logs the bot account in once and
passes the token (README, "Matrix bot"). End-to-end encryption stays off, so no
key store is needed; ``quiet_nio`` keeps matrix-nio's log lines that carry room
ids or event content out of the logs.
"""

from __future__ import annotations

import logging

from nio import AsyncClient, AsyncClientConfig

from bot.settings import Settings
from index.errors import ConfigError

__all__ = ["check_settings", "make_client", "quiet_nio"]

# nio's own log lines that would carry room ids or event content (message text, user
# ids) at these levels: only what is less chatty reaches the logs (DSGVO)
NIO_LOG_LEVELS = {
    "nio.events": logging.CRITICAL,  # "Error validating event: <the event>"
    "nio.responses": logging.ERROR,  # validation messages quote values
    "nio.rooms": logging.WARNING,
    "nio.client.base_client": logging.WARNING,  # "New joined room <id>"
}


def quiet_nio() -> None:
    """Keep matrix-nio's lines with room ids and event content out of the logs."""
    for name, level in NIO_LOG_LEVELS.items():
        logging.getLogger(name).setLevel(level)


def check_settings(settings: Settings) -> None:
    """Fail early (before the index is loaded) when the Matrix login is incomplete."""
    missing = [
        name
        for name, value in (
            ("MATRIX_HOMESERVER", settings.matrix_homeserver),
            ("MATRIX_USER_ID", settings.matrix_user_id),
            ("MATRIX_ACCESS_TOKEN", settings.matrix_access_token),
        )
        if not value
    ]
    if missing:
        raise ConfigError(f"Matrix needs {', '.join(missing)}")


def make_client(settings: Settings) -> AsyncClient:
    """A nio client logged in with the access token (no password, no end-to-end encryption)."""
    check_settings(settings)
    assert settings.matrix_homeserver and settings.matrix_user_id and settings.matrix_access_token
    config = AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False, max_timeouts=3)
    client = AsyncClient(
        settings.matrix_homeserver.rstrip("/"), settings.matrix_user_id, config=config
    )
    client.restore_login(
        settings.matrix_user_id, settings.matrix_device_id or "", settings.matrix_access_token
    )
    return client
