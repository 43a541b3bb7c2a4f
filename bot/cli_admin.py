"""``ratsbot check``: does the data directory hold one consistent memory?

Compares the store with the vector cache, the index files and the corpus
folders and prints what it finds, worst first. Exit code 1 when the bot would
refuse to answer (vectors of another embedder, chunks without vectors);
warnings are states the bot repairs by itself at start (an index generation
older than the store after a crash, unfinished index writes). ``--repair``
does that repair now: it removes unfinished writes and rebuilds the index
from the store, embedding nothing.
"""

from __future__ import annotations

import click


@click.command(name="check")
@click.option("--repair", is_flag=True, help="Rebuild the index from the store now.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def check(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Verify store, index files, embedder and corpus; report, exit 1 on errors."""
    from bot.cli import _bot, _echo_json, _fail_cleanly

    @_fail_cleanly
    def run() -> None:
        bot = _bot(ctx)
        if repair:
            bot.repair()
        report = bot.check()
        if as_json:
            _echo_json(report.to_json())
        else:
            click.echo(
                f"Generation {report.generation}: {report.documents} Dokumente "
                f"({report.non_public_documents} nicht öffentlich), {report.chunks} Abschnitte; "
                f"Index: Generation {report.index_generation}, {report.index_chunks} Abschnitte; "
                f"Embedder {report.embedder}"
            )
            order = ("error", "warning", "ok")
            for f in sorted(report.findings, key=lambda f: order.index(f.severity)):
                click.echo(f"{f.severity}: {f.message}")
        if not report.ok:
            ctx.exit(1)

    run()
