"""Commands on the documents: ingest, reindex, remove, docs, stats, check, optimize.

``ratsbot check`` compares the store with the vector cache, the index files and
the corpus folders and prints what it finds, worst first. Exit code 1 when the
bot would refuse to answer (vectors of another embedder, chunks without
vectors); warnings are states the bot repairs by itself at start. ``--repair``
removes unfinished writes and rebuilds the index from the store, embedding
nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import CliError, echo_json, fail_cleanly, say_waiting, service_of
from bot.cli.texts import STATS_LABELS, lang_of, lang_option, t, translate
from index.retrieval import Searcher

if TYPE_CHECKING:
    from index.retrieval import CheckReport
    from index.store import FileFailure, IngestReport


def summary(report: IngestReport) -> str:
    """The counts of an ingest run in the output language."""
    parts = [
        t("summary", added=len(report.added), changed=len(report.changed),
          unchanged=len(report.unchanged))
    ]  # fmt: skip
    if report.removed:
        parts.append(t("summary_removed", n=len(report.removed)))
    if report.kept_removed:
        parts.append(t("summary_kept_removed", n=len(report.kept_removed)))
    parts.append(t("summary_failed", n=len(report.failed)))
    return ", ".join(parts)


def failure_line(failure: FileFailure) -> str:
    """One failed file: the reason, naming the file (its path if the reason does not)."""
    reason = translate(failure.reason)
    if Path(failure.path).name not in reason:
        reason = f"{reason}: {failure.path}"
    return f"{t('error')}: {reason}"


def echo_failures(ctx: click.Context, report: IngestReport) -> None:
    """Each failed file on stderr; exit code 1 when any failed (the rest is ingested)."""
    for f in report.failed:
        click.echo(failure_line(f), err=True)
    if report.failed:
        ctx.exit(1)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.option("--no-wait", is_flag=True, help="Refuse instead of waiting for another ingest.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that parse and embed (default: the cores).",
)
@lang_option
@click.pass_context
@fail_cleanly
def ingest(
    ctx: click.Context, paths: tuple[Path, ...], as_json: bool, no_wait: bool, workers: int | None
) -> None:
    """Ingest files or folders incrementally (unchanged documents are skipped).

    From folders only document files are taken (README, SOURCES, LICENSE ... and
    JSON that is not OParl are left out); a file named here is always taken.
    Files under a folder named ``nichtoeffentlich`` are non-public. Exit code 1
    when any file failed (the others are ingested). A killed run
    resumes where it stopped: committed batches are skipped, cached vectors reused.
    """
    from index.ingest import default_workers

    report = service_of(ctx).ingest(
        list(paths),
        show_bar=None,
        wait=not no_wait,
        on_wait=say_waiting,
        workers=workers or default_workers(),
    )
    if as_json:
        echo_json(report.to_json())
    else:
        if not report.changed_anything and not report.failed:
            click.echo(t("nothing_changed"))
        click.echo(
            t(
                "ingest_counts",
                summary=summary(report),
                chunks=report.chunks_added,
                embedded=report.chunks_embedded,
                seconds=report.seconds,
            )
        )
        for note in report.notes:
            click.echo(f"Hinweis: {note}", err=True)
    echo_failures(ctx, report)


@click.command()
@click.option("--full", is_flag=True, help="Rewrite every document and all index files.")
@click.option("--no-wait", is_flag=True, help="Refuse instead of waiting for another ingest.")
@lang_option
@click.pass_context
@fail_cleanly
def reindex(ctx: click.Context, full: bool, no_wait: bool) -> None:
    """Re-ingest the corpus folders (RATSBOT_CORPUS_DIRS, default ./corpus).

    Incremental by default; ``--full`` drops the index files and rewrites every
    document (only texts missing from the vector cache are embedded); documents
    keep their ids. Exit code 1 when any file failed.
    """
    report = service_of(ctx).reindex(full=full, wait=not no_wait, on_wait=say_waiting)
    click.echo(summary(report))
    echo_failures(ctx, report)


@click.command()
@click.argument("doc_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@lang_option
@click.pass_context
@fail_cleanly
def remove(ctx: click.Context, doc_id: int, as_json: bool) -> None:
    """Remove a document and everything derived from it.

    It stays removed (a tombstone): re-indexing its folder leaves it out, and
    only ``ratsbot ingest FILE`` naming its file brings it back.
    """
    from bot.audience import Audience

    bot = service_of(ctx)
    info = bot.document(doc_id, audience=Audience.MEMBER)
    ok = bot.remove(doc_id)
    if as_json:
        echo_json({"removed": ok, "document_id": doc_id, "stays_removed": ok})
    if not ok or info is None:
        raise CliError(t("no_document", id=doc_id))
    if not as_json:
        click.echo(t("removed", id=doc_id, path=info.source_path))
        click.echo(t("removed_stays"))


@click.command()
@click.option("--limit", type=int, default=None)
@click.option("--json", "as_json", is_flag=True)
@lang_option
@click.pass_context
@fail_cleanly
def docs(ctx: click.Context, limit: int | None, as_json: bool) -> None:
    """List documents with their metadata, newest meeting first (non-public ones too)."""
    from bot.audience import Audience

    items = service_of(ctx).documents(limit, audience=Audience.MEMBER)
    if as_json:
        echo_json([d.to_json() for d in items])
        return
    if not items:
        click.echo(t("no_documents"))
    for d in items:
        date = d.meeting_date.strftime("%d.%m.%Y") if d.meeting_date else "-"
        nums = ", ".join(d.own_numbers) or "-"
        click.echo(
            f"{d.id:4}  {date}  {nums:14} {d.gremium or '-'} · TOP {d.top or '-'} · "
            f"{d.kind or '-'} · {d.title or d.source_path} ({d.chunk_count} {t('passages')})"
            + ("" if d.public else f" [{t('non_public')}]")
        )


@click.command()
@click.option("--json", "as_json", is_flag=True)
@lang_option
@click.pass_context
@fail_cleanly
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of documents, chunks, references, speakers, vectors (non-public ones too)."""
    from bot.audience import Audience

    st = service_of(ctx).stats(audience=Audience.MEMBER)
    if as_json:
        echo_json(st.to_json())
    else:
        lang = lang_of(ctx)
        for k, v in st.to_json().items():
            label = STATS_LABELS.get(k, {}).get(lang, k)
            click.echo(f"{label}: {'-' if v is None else v}")


@click.command()
@lang_option
@click.pass_context
@fail_cleanly
def optimize(ctx: click.Context) -> None:
    """Merge the index's small delta segments (one per ingest) into one base."""
    bot = service_of(ctx)
    bot.ensure_index()
    bot.repair()
    if isinstance(bot.searcher, Searcher):
        click.echo(t("merged", n=len(bot.searcher.snapshot.segments)))
    else:
        click.echo(t("search_tables_synced"))


@click.command(name="check")
@click.option("--repair", is_flag=True, help="Rebuild the index from the store now.")
@click.option("--json", "as_json", is_flag=True)
@lang_option
@click.pass_context
@fail_cleanly
def check(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Verify store, index files, embedder and corpus; report, exit 1 on errors."""
    bot = service_of(ctx)
    if repair:
        bot.repair()
    report = bot.check()
    if as_json:
        echo_json(report.to_json())
    else:
        echo_check(report, lang_of(ctx))
    if not report.ok:
        ctx.exit(1)


def echo_check(report: CheckReport, lang: str) -> None:
    """The facts in one line, then the findings worst first, all in ``lang``."""
    if report.index_generation is None:
        index = t("check_no_index", lang)
    else:
        index = t("check_index", lang, gen=report.index_generation, chunks=report.index_chunks)
    embedder = (
        t("check_embedder", lang, e=report.embedder) if report.embedder
        else t("check_no_embedder", lang)
    )  # fmt: skip
    store = t(
        "check_store", lang, gen=report.generation, docs=report.documents,
        np=report.non_public_documents, chunks=report.chunks,
    )  # fmt: skip
    click.echo(f"{store}; {index}; {embedder}")
    order = ("error", "warning", "ok")
    for f in sorted(report.findings, key=lambda f: order.index(f.severity)):
        click.echo(f"{t('severity_' + str(f.severity), lang)}: {f.text(lang)}")
