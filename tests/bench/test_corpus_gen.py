"""Generated distractors carry their speakers as ingested speeches do."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sqlalchemy import select

from bench.corpus_gen import SeedChunk, generate, write_generated
from index.schema import Chunk, Speaker
from index.speakers_lookup import SpeakerLookup
from index.store import Store


def _seed(n: int = 20) -> list[SeedChunk]:
    rng = np.random.default_rng(1)

    def unit() -> np.ndarray:
        v = rng.normal(size=8).astype(np.float32)
        return v / np.linalg.norm(v)

    return [
        SeedChunk(
            [f"Der Antrag {i} wird beraten.", f"Der Ausschuss stimmt dem Antrag {i} zu."],
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
    voted = SpeakerLookup(store).chunks_for("Was schlägt die SPD vor?", [r.id for r in rows])
    assert voted == spd
    store.close()
