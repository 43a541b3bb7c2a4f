"""``ratsbot sync oparl URL``: fetch what the council information system published."""

from __future__ import annotations

import click

from bot.cli.common import echo_json, fail_cleanly, service_of


@click.group()
def sync() -> None:
    """Follow a council information system (OParl)."""


@sync.command()
@click.argument("url", envvar="RATSBOT_OPARL_URL")
@click.option("--full", is_flag=True, help="Walk every list from the start (no modified_since).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@fail_cleanly
def oparl(ctx: click.Context, url: str, full: bool, as_json: bool) -> None:
    """Sync papers, meetings and files from an OParl System or Body URL.

    Later runs fetch only what changed; a run that was stopped resumes where it
    stopped. Failures of single objects or files are listed and the rest goes on.
    """
    from bot.syncing import run_sync

    report = run_sync(service_of(ctx), url, full=full)
    if as_json:
        echo_json(report.as_json())
    else:
        click.echo(report.summary())
        for line in report.failures:
            click.echo(f"  ✗ {line}")
        if report.more_failures:
            click.echo(f"  … {report.more_failures} weitere Fehler")
    if report.incomplete:
        ctx.exit(1)
