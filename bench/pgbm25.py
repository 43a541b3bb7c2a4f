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
import time
from pathlib import Path

from bench.pgserver import database_url, kept_server, new_database
from bench.pgvector_corpus import EMBEDDER, QUESTIONS_FILE, make_questions, write_corpus

Q = 200


def _db(work: Path) -> str:
    return database_url(kept_server(work), "ratsbot_bm25")


def build(work: Path, n: int) -> dict:
    from index.embed import get_embedder
    from index.retrieval import PgSearcher, Searcher
    from index.store import Store

    db = new_database(kept_server(work), "ratsbot_bm25", n)
    store = Store(db)
    emb = get_embedder(EMBEDDER)
    out: dict = {"chunks": n}
    t = time.perf_counter()
    write_corpus(store, n, emb.info.key)
    out["generate_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    Searcher(store, emb, work / "index").refresh()
    out["embedded_build_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    PgSearcher(store, emb).prepare()
    out["pg_fill_s"] = round(time.perf_counter() - t, 1)
    make_questions(store, work / QUESTIONS_FILE, Q)
    store.close()
    return out


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
