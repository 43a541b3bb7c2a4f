"""The Telegram application: ``build_application`` wires the transport, ``run`` starts it.

Thin on purpose (PTB's echobot pattern): every update becomes an ``Incoming``
for the platform-neutral ``Conversation`` (bot/chat), whose replies the
``TelegramOutbox`` sends as Telegram HTML. The conversation lives in
``bot_data`` (built here, or in ``post_init`` when the service is opened there).
Updates are processed concurrently, and every service call runs in a worker
thread, so a slow question or a re-index never blocks other chats.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    TypeHandler,
)
from telegram.request import BaseRequest

from bot.chat import DEFAULT_ANSWER_CACHE, Conversation, chat_state_for, poll_while_leader
from bot.service import RatsbotService
from bot.settings import Settings
from bot.telegram.context import CONVERSATION, SERVICE, SETTINGS, STATE, RatsContext
from bot.telegram.errors import on_error, report_to_admins
from bot.telegram.incoming import incoming_from
from bot.telegram.outbox import TelegramOutbox
from index.errors import ConfigError
from index.store import Store

logger = logging.getLogger(__name__)

OWNS_SERVICE = "owns_service"
App = Application[Any, RatsContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]


def build_application(
    settings: Settings,
    service: RatsbotService | None = None,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limit: bool = True,
    answer_cache_size: int = DEFAULT_ANSWER_CACHE,
) -> App:
    """The configured application; ``service=None`` opens (and closes) one itself.

    ``request``/``get_updates_request`` let tests swap the HTTP layer; base URLs
    come from settings (a self-hosted Bot API server or a test server).
    """
    if not settings.telegram_token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather first")
    # Any: the rate limiter changes the bot's type parameter (ExtBot[None] -> ExtBot[int])
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .context_types(ContextTypes(context=RatsContext))
        .concurrent_updates(True)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
    if settings.telegram_file_base_url:
        builder = builder.base_file_url(settings.telegram_file_base_url)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=2))
    app: App = builder.build()
    app.bot_data[SETTINGS] = settings
    app.bot_data[STATE] = chat_state_for(settings, service, answer_cache_size)
    if service is not None:
        app.bot_data[SERVICE] = service
        app.bot_data[CONVERSATION] = _conversation(app, service)
    app.add_handler(TypeHandler(Update, on_update))
    app.add_error_handler(on_error)
    return app


def _conversation(app: App, service: RatsbotService) -> Conversation:
    settings: Settings = app.bot_data[SETTINGS]

    async def report(error: BaseException) -> None:
        await report_to_admins(app.bot, settings, error)

    return Conversation(service, settings, state=app.bot_data[STATE], report_error=report)


async def on_update(update: Update, context: RatsContext) -> None:
    """Every update: what was meant for the bot goes to the conversation."""
    incoming = incoming_from(update, context.bot.id, context.bot.username)
    if incoming is None:
        return
    outbox = TelegramOutbox(context.bot, update)
    await context.conversation.handle(incoming, outbox)
    await outbox.finish()


def _menu(conversation: Conversation, language: str, *, admin: bool = False) -> list[BotCommand]:
    return [BotCommand(n, d) for n, d in conversation.command_menu(language, admin=admin)]


async def _post_init(app: App) -> None:
    """Open the service if none was given; register the command menus (de default, en)."""
    if SERVICE not in app.bot_data:
        from bot.service import open_service

        app.bot_data[SERVICE] = await asyncio.to_thread(open_service, app.bot_data[SETTINGS])
        app.bot_data[OWNS_SERVICE] = True
        app.bot_data[STATE] = chat_state_for(app.bot_data[SETTINGS], app.bot_data[SERVICE])
    if CONVERSATION not in app.bot_data:
        app.bot_data[CONVERSATION] = _conversation(app, app.bot_data[SERVICE])
    conversation: Conversation = app.bot_data[CONVERSATION]
    try:
        await app.bot.set_my_commands(_menu(conversation, "de"), scope=BotCommandScopeDefault())
        await app.bot.set_my_commands(_menu(conversation, "en"), language_code="en")
    except TelegramError as e:  # a missing menu must not keep the bot from answering
        logger.warning("could not register the command menu: %s", e)
    for admin_id in app.bot_data[SETTINGS].admin_ids:
        try:  # admins see their commands too; fails until the admin has started the bot
            scope = BotCommandScopeChat(admin_id)
            await app.bot.set_my_commands(_menu(conversation, "de", admin=True), scope=scope)
        except TelegramError:
            logger.info("admin command menu not set (the admin has not started the bot yet)")


async def _post_shutdown(app: App) -> None:
    """Close the service only if this application opened it."""
    if app.bot_data.pop(OWNS_SERVICE, False):
        service = app.bot_data.pop(SERVICE)
        close = getattr(service, "close", None)
        if close is not None:
            await asyncio.to_thread(close)


def run(
    settings: Settings,
    service: RatsbotService | None = None,
    *,
    webhook_url: str | None = None,
    listen: str = "0.0.0.0",
    port: int = 8443,
    url_path: str | None = None,
) -> None:
    """Run until Ctrl-C: long polling, or a webhook when ``webhook_url`` is given.

    In webhook mode Telegram must reach ``webhook_url`` (HTTPS, e.g. behind a
    reverse proxy forwarding to ``listen:port/url_path``; ``url_path`` defaults to
    the URL's path); the secret token from ``TELEGRAM_WEBHOOK_SECRET`` makes the
    bot ignore requests not from Telegram. Needs ``python-telegram-bot[webhooks]``.
    """
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token
    app = build_application(settings, service)
    updates = Update.ALL_TYPES
    if webhook_url is None:
        app.run_polling(allowed_updates=updates, drop_pending_updates=False)
        return
    if not settings.telegram_webhook_secret:
        raise ConfigError("webhook mode needs TELEGRAM_WEBHOOK_SECRET (1-256 of A-Z a-z 0-9 _ -)")
    app.run_webhook(
        listen=listen,
        port=port,
        url_path=url_path if url_path is not None else urlsplit(webhook_url).path.strip("/"),
        webhook_url=webhook_url,
        secret_token=settings.telegram_webhook_secret,
        allowed_updates=updates,
    )


async def run_telegram(settings: Settings, service: RatsbotService, *, stop: asyncio.Event) -> None:
    """Long polling inside a running event loop until ``stop`` is set; of several replicas
    on one PostgreSQL only the holder of the poller lock polls (bot/chat/leader.py).

    ``run`` owns its loop (PTB's ``run_polling``); this variant lets one process
    serve Telegram next to other front ends over the same service.
    """
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token
    app = build_application(settings, service)
    async with app:
        assert app.post_init is not None and app.updater is not None
        await app.post_init(app)  # as run_polling does: command menus
        await app.start()
        updater = app.updater
        store = getattr(service, "store", None)  # replicas agree on one poller through it
        try:
            await poll_while_leader(
                store if isinstance(store, Store) else None,
                lambda: updater.start_polling(allowed_updates=Update.ALL_TYPES),
                updater.stop,
                stop,
            )
        finally:
            await app.stop()
