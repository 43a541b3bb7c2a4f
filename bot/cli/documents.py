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

import click

from bot.cli.common import echo_json, fail_cleanly, say_waiting, service_of
from index.retrieval import Searcher


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.option("--no-wait", is_flag=True, help="Refuse instead of waiting for another ingest.")
@click.pass_context
@fail_cleanly
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool, no_wait: bool) -> None:
    """Ingest files or folders incrementally (unchanged documents are skipped).

    Files under a folder named ``nichtoeffentlich`` are non-public.
    """
    report = service_of(ctx).ingest(
        list(paths), show_bar=None, wait=not no_wait, on_wait=say_waiting
    )
    if as_json:
        echo_json(report.to_json())
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


@click.command()
@click.option("--full", is_flag=True, help="Rewrite every document and all index files.")
@click.option("--no-wait", is_flag=True, help="Refuse instead of waiting for another ingest.")
@click.pass_context
@fail_cleanly
def reindex(ctx: click.Context, full: bool, no_wait: bool) -> None:
    """Re-ingest the corpus folders (RATSBOT_CORPUS_DIRS, default ./corpus).

    Incremental by default; ``--full`` drops the index files and rewrites every
    document (only texts missing from the vector cache are embedded).
    """
    report = service_of(ctx).reindex(full=full, wait=not no_wait, on_wait=say_waiting)
    click.echo(report.summary())
    for f in report.failed:
        click.echo(f"Fehler: {f.reason}", err=True)


@click.command()
@click.argument("doc_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@fail_cleanly
def remove(ctx: click.Context, doc_id: int, as_json: bool) -> None:
    """Remove a document and everything derived from it."""
    ok = service_of(ctx).remove(doc_id)
    if as_json:
        echo_json({"removed": ok, "document_id": doc_id})
    if not ok:
        raise click.ClickException(f"no document with id {doc_id}")
    if not as_json:
        click.echo(f"Dokument {doc_id} entfernt.")


@click.command()
@click.option("--limit", type=int, default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@fail_cleanly
def docs(ctx: click.Context, limit: int | None, as_json: bool) -> None:
    """List documents with their metadata, newest meeting first (non-public ones too)."""
    from bot.audience import Audience

    items = service_of(ctx).documents(limit, audience=Audience.MEMBER)
    if as_json:
        echo_json([d.to_json() for d in items])
        return
    for d in items:
        date = d.meeting_date.strftime("%d.%m.%Y") if d.meeting_date else "-"
        nums = ", ".join(d.own_numbers) or "-"
        click.echo(
            f"{d.id:4}  {date}  {nums:14} {d.gremium or '-'} · TOP {d.top or '-'} · "
            f"{d.kind or '-'} · {d.title or d.source_path} ({d.chunk_count} Abschnitte)"
            + ("" if d.public else " [nicht öffentlich]")
        )


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@fail_cleanly
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of documents, chunks, references, speakers, vectors (non-public ones too)."""
    from bot.audience import Audience

    st = service_of(ctx).stats(audience=Audience.MEMBER)
    if as_json:
        echo_json(st.to_json())
    else:
        for k, v in st.to_json().items():
            click.echo(f"{k}: {v}")


@click.command()
@click.pass_context
@fail_cleanly
def optimize(ctx: click.Context) -> None:
    """Merge the index's small delta segments (one per ingest) into one base."""
    bot = service_of(ctx)
    bot.ensure_index()
    bot.repair()
    if isinstance(bot.searcher, Searcher):
        click.echo(f"Index zusammengeführt: {len(bot.searcher.snapshot.segments)} Segment(e).")
    else:
        click.echo("Suchtabellen in PostgreSQL abgeglichen.")


@click.command(name="check")
@click.option("--repair", is_flag=True, help="Rebuild the index from the store now.")
@click.option("--json", "as_json", is_flag=True)
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
