"""A store written by the schema before the migrations: main at ff684d1.

``tests/fixtures/store_ff684d1.sql.gz`` is the SQLite dump of ``ratsbot ingest
corpus`` with the fake embedder, made by that commit's code (2 documents, 53
passages, generation 2, vectors included). On PostgreSQL the same rows are
copied into tables made by the baseline revision, and the stamp is removed,
so both look exactly like a data dir of that version.
"""

from __future__ import annotations

import gzip
import importlib
import sqlite3
from pathlib import Path

import sqlalchemy as sa

from tests.support.paths import REPO

DUMP = REPO / "tests" / "fixtures" / "store_ff684d1.sql.gz"
DOCUMENTS, PASSAGES, GENERATION = 2, 53, 2


def legacy_sqlite(path: Path) -> str:
    """Write the old store to ``path``; its SQLAlchemy URL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(gzip.decompress(DUMP.read_bytes()).decode("utf-8"))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    return f"sqlite:///{path}"


def baseline_tables() -> sa.MetaData:
    """The frozen tables of revision 0001 (the schema at ff684d1)."""
    module = importlib.import_module("index.store.migrations.versions.0001_baseline")
    meta: sa.MetaData = module.META
    return meta


def legacy_copy(target_url: str, tmp: Path) -> None:
    """The old store's rows in ``target_url`` (an empty database), without a schema stamp."""
    source = sa.create_engine(legacy_sqlite(tmp / "legacy-source.sqlite3"))
    target = sa.create_engine(target_url)
    meta = baseline_tables()
    meta.create_all(target)
    with source.connect() as src, target.begin() as dst:
        for table in meta.sorted_tables:
            rows = [dict(r._mapping) for r in src.execute(sa.select(table))]
            if rows:
                dst.execute(sa.insert(table), rows)
        if dst.dialect.name == "postgresql":  # serial columns go on after the copied ids
            for table in meta.sorted_tables:
                if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                    name = f'"{table.name}"'
                    dst.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {name}), 1))"
                        )
                    )
    source.dispose()
    target.dispose()
