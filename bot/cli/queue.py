"""``ratsbot queue``: ingest workers on several hosts sharing one PostgreSQL store.

ratsbot queue init              # procrastinate's tables, once per database
ratsbot queue add PATH...       # one job per source file (paths every host sees)
ratsbot queue work [--burst]    # on each host: take jobs (--burst: until none is left)
ratsbot queue status            # jobs by state
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from bot.cli.common import echo_json, fail_cleanly, service_of


@click.group()
def queue() -> None:
    """The ingest job queue in the PostgreSQL store (several worker hosts)."""


@queue.command("init")
@click.pass_context
@fail_cleanly
def init(ctx: click.Context) -> None:
    """Create the queue's tables (procrastinate's schema) in the store's database."""
    from index.ingest import apply_queue_schema

    created = apply_queue_schema(service_of(ctx).store.url)
    click.echo("Warteschlange angelegt." if created else "Warteschlange war schon angelegt.")


@queue.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
@fail_cleanly
def add(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Queue one ingest job per source file under PATHS."""
    from index.ingest import enqueue
    from index.store import IngestReport

    report = IngestReport()
    n = enqueue(service_of(ctx).store.url, list(paths), report)
    click.echo(f"{n} Dateien in die Warteschlange gestellt.")
    for f in report.failed:
        click.echo(f"Fehler: {f.reason}", err=True)


@queue.command("work")
@click.option("--burst", is_flag=True, help="Stop when no job is left.")
@click.pass_context
@fail_cleanly
def work(ctx: click.Context, burst: bool) -> None:
    """Take ingest jobs from the queue, one at a time, until stopped (Ctrl-C)."""
    from index.ingest import QueueWorker

    bot = service_of(ctx)
    roots = [p for p in bot.settings.corpus_dirs if p.is_dir()]
    QueueWorker(bot.store, bot.embedder, roots).run(wait=not burst)


@queue.command("status")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@fail_cleanly
def status(ctx: click.Context, as_json: bool) -> None:
    """Jobs of the ingest queue by state (todo, doing, succeeded, failed)."""
    from index.ingest import queue_counts

    counts = Counter(queue_counts(service_of(ctx).store.url))
    if as_json:
        echo_json(dict(counts))
        return
    for state, n in sorted(counts.items()):
        click.echo(f"{state}: {n}")
