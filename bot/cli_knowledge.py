"""``ratsbot status`` and ``ratsbot zahlen``: a paper's path and figures with sources.

Thin wiring like the rest of the CLI: options in, one service call, the
dataclass printed as text or JSON. ``cli.py`` registers both commands.
"""

from __future__ import annotations

import click

from index.figures import FigureKind

KINDS = [str(k) for k in FigureKind]


@click.command(name="status")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True)
@click.option("--lang", type=click.Choice(["de", "en"]), default="de")
@click.pass_context
def status(ctx: click.Context, number: str, as_json: bool, lang: str) -> None:
    """A paper's path through the bodies, oldest step first, each step cited."""
    from bot.cli import _bot, _echo_json, _fail_cleanly

    @_fail_cleanly
    def run() -> None:
        result = _bot(ctx).status(number)
        if as_json:
            _echo_json(result.to_json())
        else:
            click.echo(result.render_plain(lang))
        if not result.found:
            ctx.exit(1)

    run()


@click.command(name="zahlen")
@click.argument("topic", nargs=-1)
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only this kind of figure.")
@click.option("--limit", type=click.IntRange(1, 1000), default=None)
@click.option("--json", "as_json", is_flag=True)
@click.option("--lang", type=click.Choice(["de", "en"]), default="de")
@click.pass_context
def zahlen(
    ctx: click.Context,
    topic: tuple[str, ...],
    kind: str | None,
    limit: int | None,
    as_json: bool,
    lang: str,
) -> None:
    """Figures (posts, money, percentages, counts) with their source, newest first."""
    from bot.cli import _bot, _echo_json, _fail_cleanly

    @_fail_cleanly
    def run() -> None:
        result = _bot(ctx).figures(" ".join(topic) or None, kind)
        if limit:
            result.figures = result.figures[:limit]
        if as_json:
            _echo_json(result.to_json())
        else:
            click.echo(result.render_plain(lang, limit=None))

    run()
