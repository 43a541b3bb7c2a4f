"""``ratsbot run`` and ``ratsbot serve``: the main job and the chat front ends."""

from __future__ import annotations

import click

from bot.answer import render_plain
from bot.cli.common import fail_cleanly, service_of
from bot.settings import Settings

SAMPLE_QUESTION = "Wie viele Planstellen sind für die Digitalisierung geplant?"


@click.command()
@click.option("--question", default=SAMPLE_QUESTION, show_default=True)
@click.pass_context
@fail_cleanly
def run(ctx: click.Context, question: str) -> None:
    """The main job: index the corpus, answer a sample question, start the bot if configured."""
    bot = service_of(ctx)
    report = bot.reindex()
    click.echo(f"Korpus indexiert: {report.summary()}")
    click.echo(f"\nFrage: {question}\n")
    click.echo(render_plain(bot.ask(question)))
    from bot.serve import configured

    names = configured(ctx.obj["settings"])
    if names:
        click.echo(f"\nChat-Zugänge konfiguriert, starte: {', '.join(names)} …")
        ctx.invoke(serve)
    else:
        click.echo(
            "\n(Kein Chat-Zugang konfiguriert – TELEGRAM_BOT_TOKEN, TEAMS_APP_ID oder "
            "MATRIX_*: es startet kein Bot.)"
        )


@click.command()
@click.option("--telegram", is_flag=True, help="Serve Telegram (TELEGRAM_BOT_TOKEN).")
@click.option("--teams", is_flag=True, help="Serve Microsoft Teams (TEAMS_* settings).")
@click.option("--matrix", is_flag=True, help="Serve Matrix (MATRIX_* settings).")
@click.option("--webhook-url", default=None, help="Telegram only: a webhook instead of polling.")
@click.option("--listen", default="127.0.0.1", show_default=True)
@click.option("--port", default=8443, show_default=True)
@click.pass_context
@fail_cleanly
def serve(
    ctx: click.Context,
    telegram: bool,
    teams: bool,
    matrix: bool,
    webhook_url: str | None,
    listen: str,
    port: int,
) -> None:
    """Start the chat front ends: the ones named, else every configured one.

    Several front ends run in one process over one loaded index, so an upload
    is answerable on every platform at once.
    """
    from bot import serve as frontends

    settings: Settings = ctx.obj["settings"]
    chosen = [n for n, on in (("telegram", telegram), ("teams", teams), ("matrix", matrix)) if on]
    names = chosen or frontends.configured(settings)
    frontends.check(settings, names)  # before the index is loaded
    if webhook_url is not None and names != ["telegram"]:
        raise click.ClickException("--webhook-url works with Telegram alone")
    from bot.ops import operations

    with operations(settings, service_of(ctx)) as service:  # /healthz, /metrics, counts
        if webhook_url is not None:
            from bot.telegram import run as run_telegram

            run_telegram(settings, service, webhook_url=webhook_url, listen=listen, port=port)
            return
        frontends.serve(settings, service, names)
