"""``ratsbot status`` and ``ratsbot zahlen``: a paper's path and figures with sources.

Thin wiring like the rest of the CLI: options in, one service call, the
result printed as text or JSON (``bot.knowledge``).
"""

from __future__ import annotations

import click

from bot.cli.common import echo_json, fail_cleanly, service_of
from bot.cli.texts import lang_of, set_lang
from bot.knowledge import figures_json, render_figures, render_status, status_json
from index.facts import FigureKind

KINDS = [str(k) for k in FigureKind]


@click.command(name="status")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True)
@click.option("--lang", type=click.Choice(["de", "en"]), default=None, callback=set_lang)
@click.pass_context
@fail_cleanly
def status(ctx: click.Context, number: str, as_json: bool, lang: str | None) -> None:
    """A paper's path through the bodies, oldest step first, each step cited."""
    result = service_of(ctx).status(number)
    if as_json:
        echo_json(status_json(result))
    else:
        click.echo(render_status(result, lang or lang_of(ctx)))
    if not result.found:
        ctx.exit(1)


@click.command(name="zahlen")
@click.argument("topic", nargs=-1)
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only this kind of figure.")
@click.option("--limit", type=click.IntRange(1, 1000), default=None)
@click.option("--json", "as_json", is_flag=True)
@click.option("--lang", type=click.Choice(["de", "en"]), default=None, callback=set_lang)
@click.pass_context
@fail_cleanly
def zahlen(
    ctx: click.Context,
    topic: tuple[str, ...],
    kind: str | None,
    limit: int | None,
    as_json: bool,
    lang: str | None,
) -> None:
    """Figures (posts, money, percentages, counts) with their source, newest first."""
    result = service_of(ctx).figures(" ".join(topic) or None, kind)
    if limit:
        result.figures = result.figures[:limit]
    if as_json:
        echo_json(figures_json(result))
    else:
        click.echo(render_figures(result, lang or lang_of(ctx), limit=None))
