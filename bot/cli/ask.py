"""``ratsbot ask`` and ``ratsbot eval``: questions from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.answer import answer_json, render_plain
from bot.cli.common import CliUsageError, echo_json, fail_cleanly, parse_date, service_of
from bot.cli.texts import set_lang, t
from index.retrieval import Filters


@click.command()
@click.argument("question", required=False)
@click.option("-k", "k", type=click.IntRange(1, 50), default=5, help="Number of sources.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--jsonl", is_flag=True, help="Read questions line by line from stdin.")
@click.option("--gremium", help="Only documents of this Gremium (substring).")
@click.option("--from", "date_from", help="Meeting date from (DD.MM.YYYY or YYYY-MM-DD).")
@click.option("--to", "date_to", help="Meeting date to (DD.MM.YYYY or YYYY-MM-DD).")
@click.option("--drucksache", help="Only this paper and passages mentioning it.")
@click.option(
    "--lang",
    type=click.Choice(["de", "en"]),
    default=None,
    callback=set_lang,
    help="Answer (and message) language; default: the question's.",
)
@click.option("--public", is_flag=True, help="Answer as a public user would see it.")
@click.pass_context
@fail_cleanly
def ask(
    ctx: click.Context,
    question: str | None,
    k: int,
    as_json: bool,
    jsonl: bool,
    gremium: str | None,
    date_from: str | None,
    date_to: str | None,
    drucksache: str | None,
    lang: str | None,
    public: bool,
) -> None:
    """Answer a question with quotes and citations.

    The CLI is an admin tool and sees non-public documents; ``--public``
    answers as a user outside the council would get it.
    """
    from bot.audience import Audience
    from index.facts import normalise_reference

    audience = Audience.PUBLIC if public else Audience.MEMBER

    number = None
    if drucksache:
        number = normalise_reference(drucksache)
        if number is None:
            raise CliUsageError(f"--drucksache: {t('bad_paper', value=drucksache)}")
    filters = Filters(
        gremium=gremium,
        date_from=parse_date(date_from),
        date_to=parse_date(date_to, "--to"),
        drucksache=number,
    )
    bot = service_of(ctx)
    if jsonl:
        for line in sys.stdin:
            if line.strip():
                ans = bot.ask(line.strip(), k=k, language=lang, filters=filters, audience=audience)
                click.echo(json.dumps(answer_json(ans), ensure_ascii=False))
        return
    if not question:
        raise CliUsageError(t("no_question"))
    ans = bot.ask(question, k=k, language=lang, filters=filters, audience=audience)
    if as_json:
        echo_json(answer_json(ans))
    else:
        click.echo(render_plain(ans))


@click.command(name="eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-k", "k", type=int, default=5)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@fail_cleanly
def eval_cmd(ctx: click.Context, file: Path, k: int, as_json: bool) -> None:
    """Score retrieval and answers on a question file (dev_qa.jsonl format)."""
    from bot.evaluation import evaluate, format_table

    result = evaluate(service_of(ctx), file, k=k)
    if as_json:
        echo_json({"summary": result.summary(), "questions": result.rows})
    else:
        click.echo(format_table(result))
