"""Generated distractors: speakers as ingested speeches have them; coherent documents."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
from sqlalchemy import select

from bench.corpus_gen import SeedChunk, generate, write_generated
from index.query import analyse
from index.retrieval.votes import NameLookup
from index.store.database import Store
from index.store.knowledge_tables import Figure
from index.store.tables import Chunk, Speaker

TOPICS = ["Radwegen", "Schulen", "Bädern", "Parks"]


def _seed(n: int = 20, docs: int = 4) -> list[SeedChunk]:
    rng = np.random.default_rng(1)

    def unit() -> np.ndarray:
        v = rng.normal(size=8).astype(np.float32)
        return v / np.linalg.norm(v)

    return [
        SeedChunk(
            i * docs // n,
            f"Beratung über {TOPICS[i * docs // n]}",
            [
                f"Der Antrag {i} zu {TOPICS[i * docs // n]} wird beraten.",
                f"Der Ausschuss stimmt dem Antrag {i} zu.",
            ],
            unit(),
            None,
            [unit(), unit()],
            [None, None],
        )
        for i in range(n)
    ]


def test_a_generated_speech_gets_the_faction_vote(tmp_path: Path) -> None:
    # without speaker rows a question naming "the SPD" voted only for the real
    # speeches, a lift no distractor could compete for
    store = Store(f"sqlite:///{tmp_path / 'gen.sqlite3'}")
    assert write_generated(store, "fake-key", generate(_seed(), 200)) == 200
    with store.session() as s:
        speakers = {sp.id: (sp.name, sp.faction) for sp in s.scalars(select(Speaker))}
        rows = s.execute(select(Chunk.id, Chunk.text, Chunk.speaker_id, Chunk.spans)).all()
    speeches = [r for r in rows if r.text.startswith("Herr ")]
    assert speeches and len(speeches) < len(rows)
    for r in speeches:
        name, faction = speakers[r.speaker_id]
        assert r.text.startswith(f"{name} ({faction}): ")
        assert r.spans[0][3:] == [name, faction]
    assert all(r.speaker_id is None for r in rows if not r.text.startswith("Herr "))
    spd = {r.id for r in speeches if "(SPD-Fraktion)" in r.text}
    assert spd
    named = analyse("Was schlägt die SPD vor?").named
    voted = NameLookup(store).chunks_for(named, [r.id for r in rows])
    assert voted == spd
    store.close()


def test_a_generated_document_keeps_to_one_real_document() -> None:
    # neighbouring chunks of real minutes share their agenda item; a generated
    # document drawing every chunk from anywhere would be about everything
    seed = _seed(40, docs=4)  # each real document has its topic
    shares = []
    for _meta, chunks in generate(seed, 400, per_doc=50):
        docs = [m for c in chunks for m in re.findall(r" zu (\w+) wird", c.text)]
        shares.append(max(docs.count(d) for d in set(docs)) / len(docs))
    assert len(shares) == 8
    assert min(shares) > 0.6  # mostly one real document: about 80 % by construction


def test_generated_figures_are_read_out_as_ingest_reads_them(tmp_path: Path) -> None:
    # without figure rows a "how many" question would vote for real passages only
    seed = _seed()
    seed[0].sentences[1] = "Dafür werden 24 Maßnahmen und 38,5 Planstellen vorgeschlagen."
    store = Store(f"sqlite:///{tmp_path / 'gen.sqlite3'}")
    write_generated(store, "fake-key", generate(seed, 300))
    with store.session() as s:
        chunks = dict(s.execute(select(Chunk.id, Chunk.text)).all())
        figs = s.execute(select(Figure.chunk_id, Figure.text, Figure.kind)).all()
    stating = {c for c, t in chunks.items() if "Maßnahmen" in t}
    assert stating and {c for c, t, _k in figs if t.endswith("Maßnahmen")} == stating
    assert {k for _c, _t, k in figs} == {"anzahl", "stellen"}
    store.close()


def test_a_generated_chunk_is_indexed_as_ingest_indexes_a_real_one(tmp_path: Path) -> None:
    # real chunks are embedded and BM25-indexed with their agenda item and the end of
    # the chunk before; distractors without them would lose every question that
    # names a debate's subject, a handicap no real corpus gives its other papers
    store = Store(f"sqlite:///{tmp_path / 'gen.sqlite3'}")
    write_generated(store, "fake-key", generate(_seed(), 60, per_doc=10))
    with store.session() as s:
        rows = s.execute(select(Chunk.document_id, Chunk.seq, Chunk.text, Chunk.embed_text))
        by_doc: dict[int, list] = {}
        for r in rows:
            by_doc.setdefault(r.document_id, []).append(r)
    for chunks in by_doc.values():
        chunks.sort(key=lambda r: r.seq)
        topic = chunks[0].embed_text.split("\n")[0]
        assert topic.startswith("Beratung über ")
        for prev, c in itertools.pairwise(chunks):
            assert c.embed_text.startswith(topic + "\n")
            assert c.embed_text.endswith("\n" + c.text)
            context = c.embed_text[len(topic) + 1 : -len(c.text) - 1]
            assert context and prev.text.endswith(context)
