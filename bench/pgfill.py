"""The first fill of the PostgreSQL search tables, batch by batch against bulk, in one run.

    python -m bench.pgfill --chunks 200000 [--url postgresql+psycopg://...]

Switching a store that was searched embedded to ``RATSBOT_SEARCH=postgres`` fills
the search tables from every stored passage (``create_search_tables``). Written as
later ingests write (indexes first, the document frequencies counted by a
statement trigger once per batch of 2,000), every batch updates the same
``pg_terms`` rows again inside the one transaction, so their version chains and
the fill grow faster than the corpus. The bulk fill counts the frequencies once
at the end and builds every index after the rows. Both fills run here on the same
generated corpus (bench/pgvector_corpus.py: random vectors, real council words),
one after the other, and must leave the same frequencies and totals.
"""

from __future__ import annotations

import argparse
import json
import time

from sqlalchemy import text

from bench.pgserver import bench_server, new_database
from bench.pgvector_corpus import EMBEDDER, write_corpus
from bench.scale_report import code_version, machine
from index.store import Store

_RESET = [
    "DROP TABLE IF EXISTS pg_sentences, pg_postings, pg_passages, pg_terms, "
    "pg_search_totals CASCADE",
    "DELETE FROM state WHERE key = 'pg_search'",
]
_COUNTS = """SELECT (SELECT passages FROM pg_search_totals), (SELECT length FROM
    pg_search_totals), (SELECT count(*) FROM pg_terms WHERE df > 0),
    (SELECT sum(df) FROM pg_terms), (SELECT count(*) FROM pg_postings)"""


def _fill(store: Store, dim: int, sparse_dim: int, bulk: bool) -> tuple[float, list[int]]:
    from index.store.pgsearch_write import create_search_tables

    with store.session() as s:
        for stmt in _RESET:
            s.execute(text(stmt))
    t = time.perf_counter()
    with store.session() as s:
        create_search_tables(s, dim, sparse_dim, bulk=bulk)
    seconds = time.perf_counter() - t
    with store.session() as s:
        counts = [int(x or 0) for x in s.execute(text(_COUNTS)).one()]
    return round(seconds, 1), counts


def run(n_chunks: int, url: str | None) -> dict:
    from index.embed import get_embedder

    with bench_server(url, "ratsbot-pgfill-bench-") as (admin, _work):
        store = Store(new_database(admin, "ratsbot_pgfill", n_chunks))
        emb = get_embedder(EMBEDDER)
        res: dict = {"chunks": n_chunks, "machine": machine(), "code": code_version()}
        t = time.perf_counter()
        write_corpus(store, n_chunks, emb.info.key)
        res["generate_s"] = round(time.perf_counter() - t, 1)
        dims = emb.info.dim, emb.info.sparse_dim if emb.has_sparse else 0
        res["batch_by_batch_s"], before = _fill(store, *dims, bulk=False)
        res["bulk_s"], after = _fill(store, *dims, bulk=True)
        res["same_counts"] = before == after
        res["counts"] = dict(
            zip(("passages", "length", "terms", "df_sum", "postings"), after, strict=True)
        )
        res["speedup"] = round(res["batch_by_batch_s"] / max(res["bulk_s"], 1e-9), 2)
        store.close()
        return res


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chunks", type=int, default=200_000)
    ap.add_argument("--url", default=None, help="admin URL of a PostgreSQL with pgvector")
    args = ap.parse_args(argv)
    res = run(args.chunks, args.url)
    print(json.dumps(res, indent=1))
    if not res["same_counts"]:
        raise SystemExit("the two fills left different counts")


if __name__ == "__main__":
    main()
