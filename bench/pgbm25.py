"""The BM25 channel of the PostgreSQL backend, old query against new, on one built corpus.

``build DIR N`` starts the pgvector server of bench/pgvector.py in ``DIR`` (left
running), writes the generated corpus of ``N`` passages, the embedded index (its
bm25s ranking is the reference) and the search tables. ``probe DIR`` then times
the BM25 step per filter kind, old (GIN + sparsevec) against new (postings), and
reports recall@10 against bm25s (unfiltered) and against the old ranking (each
filter), so the variants can be re-measured without building again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import pgvector_reuse as reuse
from bench.pgserver import database_url, kept_server

Q = 200


def _db(work: Path) -> str:
    return database_url(kept_server(work), "ratsbot_bm25")


def build(work: Path, n: int) -> dict:
    return reuse.build(work, n, Q, db="ratsbot_bm25", embedded=True)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    work = Path(args[1])
    if args[0] == "build":
        print(json.dumps(build(work, int(args[2]))), flush=True)
    else:
        from bench.pgbm25_probe import probe

        print(json.dumps(probe(work, _db(work)), indent=1), flush=True)


if __name__ == "__main__":
    main()
