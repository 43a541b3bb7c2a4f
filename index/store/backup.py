"""Copies of the database while the bot serves, and what an operator watches.

SQLite is copied with its online backup API: one read transaction, so the copy
is one consistent state and writers (WAL) are not blocked. PostgreSQL goes
through ``pg_dump``/``pg_restore`` (custom format); the password travels in the
environment, never on the command line.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from index.errors import IndexStoreError
from index.store.database import Store, _safe
from index.store.schema import BEFORE_MIGRATIONS, schema_status
from index.store.tables import Chunk, Document, IngestRun

SQLITE_FILE = "ratsbot.sqlite3"
PG_FILE = "ratsbot.pgdump"


@dataclass(frozen=True)
class DatabaseFacts:
    """What a backup's manifest records of the database it copied."""

    dialect: str
    schema: str | None
    generation: int
    documents: int
    chunks: int


def database_facts(url: str) -> DatabaseFacts:
    """Schema revision and counts, read without opening a ``Store`` (any schema age)."""
    if make_url(url).get_backend_name() == "sqlite" and not _sqlite_path(url).is_file():
        raise IndexStoreError(f"no database file at {_sqlite_path(url)}")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            status = schema_status(conn)
            tables = set(inspect(conn).get_table_names())
            if status.empty:
                return DatabaseFacts(engine.dialect.name, None, 0, 0, 0)
            gen = None
            if "state" in tables:
                read = text("SELECT value FROM state WHERE key = 'generation'")
                gen = conn.execute(read).scalar()
            docs = conn.execute(select(func.count()).select_from(Document.__table__)).scalar()
            chunks = conn.execute(select(func.count()).select_from(Chunk.__table__)).scalar()
            return DatabaseFacts(
                engine.dialect.name, status.current, int(gen or 0), docs or 0, chunks or 0
            )
    except SQLAlchemyError as e:
        raise IndexStoreError(
            f"cannot read the database {_safe(url)}: {e.__class__.__name__}"
        ) from e
    finally:
        engine.dispose()


def backup_database(url: str, dest: Path) -> Path:
    """Copy the database into the folder ``dest``; the file written is returned."""
    dialect = make_url(url).get_backend_name()
    if dialect == "sqlite":
        return _sqlite_backup(_sqlite_path(url), dest / SQLITE_FILE)
    if dialect == "postgresql":
        out = dest / PG_FILE
        _run_pg("pg_dump", url, ["--format=custom", "--no-owner", f"--file={out}"])
        return out
    raise IndexStoreError(f"no backup route for {dialect} databases (SQLite, PostgreSQL)")


def restore_database(url: str, copy: Path) -> None:
    """Replace the database's content by ``copy`` (a file :func:`backup_database` wrote)."""
    dialect = make_url(url).get_backend_name()
    if dialect == "sqlite" and copy.name == SQLITE_FILE:
        _sqlite_backup(copy, _sqlite_path(url))
    elif dialect == "postgresql" and copy.name == PG_FILE:
        args = ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(copy)]
        _run_pg("pg_restore", url, args, dbname_flag=True)
    else:
        raise IndexStoreError(f"{copy.name} cannot be restored into a {dialect} database")


def _sqlite_path(url: str) -> Path:
    name = make_url(url).database
    if not name or name == ":memory:":
        raise IndexStoreError("an in-memory SQLite database cannot be backed up")
    return Path(name)


def _sqlite_backup(source: Path, target: Path) -> Path:
    """SQLite's online backup API, all pages in one step (one consistent read)."""
    if not source.is_file():
        raise IndexStoreError(f"no database file at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
    dst = sqlite3.connect(target, timeout=60)
    try:
        src.backup(dst)
        ok = dst.execute("PRAGMA quick_check").fetchone()
        if not ok or ok[0] != "ok":
            raise IndexStoreError(f"the copy at {target} fails SQLite's quick_check: {ok}")
    except sqlite3.Error as e:
        raise IndexStoreError(f"SQLite backup {source} → {target} failed: {e}") from e
    finally:
        dst.close()
        src.close()
    return target


def _run_pg(tool: str, url: str, args: list[str], *, dbname_flag: bool = False) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise IndexStoreError(
            f"{tool} is not installed: install the PostgreSQL client tools "
            "(postgresql-client, same major version as the server or newer)"
        )
    parsed = make_url(url)
    conninfo = parsed.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False
    )
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    target = [f"--dbname={conninfo}"] if dbname_flag else [conninfo]
    done = subprocess.run(
        [exe, *args, *target], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise IndexStoreError(f"{tool} failed (exit {done.returncode}): {last}")


@dataclass(frozen=True)
class RunTotals:
    """Ingest runs recorded in the store (every process's), for /metrics and /healthz."""

    runs: int
    failed_files: int
    last_finished: dt.datetime | None


def run_totals(store: Store) -> RunTotals:
    with store.session() as s:
        runs, failed, last = s.execute(
            select(
                func.count(IngestRun.id),
                func.coalesce(func.sum(IngestRun.failed), 0),
                func.max(IngestRun.finished_at),
            )
        ).one()
    return RunTotals(int(runs or 0), int(failed or 0), last)


def schema_revision(store: Store) -> str:
    with store.engine.connect() as conn:
        return schema_status(conn).current or BEFORE_MIGRATIONS
