"""``ratsbot upgrade``, ``ratsbot backup PATH``, ``ratsbot restore PATH``: the operator's chores."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import echo_json, fail_cleanly, say_waiting
from bot.settings import Settings
from index.ingest import upgrade_store
from index.store import database_schema


@click.command()
@click.option("--check", "only_check", is_flag=True, help="Only say whether an upgrade is due.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@fail_cleanly
def upgrade(ctx: click.Context, only_check: bool, as_json: bool) -> None:
    """Bring the database to this version's schema (Alembic migrations).

    The service does the same on start (RATSBOT_AUTO_UPGRADE=0 turns that off);
    back up first. Exit 1 with --check when an upgrade is due.
    """
    settings: Settings = ctx.obj["settings"]
    status = database_schema(settings.db_url)
    if only_check:
        due = not status.up_to_date
        if as_json:
            echo_json({"current": status.current, "head": status.head, "upgrade_due": due})
        elif status.empty:
            click.echo(f"Schema: leere Datenbank (neu angelegt mit {status.head})")
        else:
            click.echo(f"Schema: {status.current}, aktuell: {status.head}")
        ctx.exit(1 if due else 0)
    done = upgrade_store(settings.db_url, settings.data_dir, on_wait=say_waiting, announce=False)
    if as_json:
        echo_json({"before": done.before, "after": done.after, "changed": done.changed})
    elif done.changed:
        click.echo(f"Schema aktualisiert: {done.before or 'neu'} → {done.after}")
    else:
        click.echo(f"Schema ist aktuell ({done.after}).")


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@fail_cleanly
def backup(ctx: click.Context, path: Path, as_json: bool) -> None:
    """Copy the database and the uploads into the new folder PATH (while the bot serves)."""
    from bot.ops import backup as run_backup

    report = run_backup(ctx.obj["settings"], path)
    db = report.database
    if as_json:
        echo_json(
            {
                "path": str(report.path),
                "database": db.__dict__,
                "uploads": report.uploads,
                "bytes": report.bytes,
            }
        )
        return
    click.echo(
        f"Sicherung in {report.path}: {db.dialect}, Schema {db.schema}, Generation "
        f"{db.generation}, {db.documents} Dokumente, {db.chunks} Abschnitte, "
        f"{report.uploads} hochgeladene Dateien, {report.bytes / 1e6:.1f} MB"
    )


@click.command()
@click.argument("path", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the data.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@fail_cleanly
def restore(ctx: click.Context, path: Path, yes: bool, as_json: bool) -> None:
    """Replace the database and the uploads by the backup in PATH (stop the service first)."""
    from bot.ops import restore as run_restore

    settings: Settings = ctx.obj["settings"]
    if not yes:
        click.confirm(
            f"Datenbank und Uploads in {settings.data_dir} durch {path} ersetzen?", abort=True
        )
    report = run_restore(settings, path, on_wait=say_waiting)
    db = report.database
    if as_json:
        echo_json(
            {
                "path": str(report.path),
                "database": db.__dict__,
                "uploads": report.uploads,
                "upgraded_from": report.upgraded_from,
            }
        )
        return
    click.echo(
        f"Wiederhergestellt aus {report.path}: Generation {db.generation}, {db.documents} "
        f"Dokumente, {db.chunks} Abschnitte, {report.uploads} hochgeladene Dateien; "
        "der Index wird beim nächsten Start aus dem Vektor-Cache neu gebaut."
    )
    if report.upgraded_from:
        click.echo(
            f"Schema aktualisiert: {report.upgraded_from} → {database_schema(settings.db_url).head}"
        )
