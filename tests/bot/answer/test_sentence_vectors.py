"""Stand-alone sentence vectors made at question time: once each, never the pooled ones."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.service import Ratsbot
from index.embed import FakeEmbedder, SparseVec
from index.errors import EmbedderMismatch
from index.store import Store, text_hash
from index.store.tables import Chunk
from tests.support.bots import MakeBot

QUESTION = "Wer ist Vorsitzender des Personalrats?"


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the fake embedder embeds on its own for the quote step."""
    texts: list[str] = []
    real = FakeEmbedder.alone

    def counting(
        self: FakeEmbedder, batch: Sequence[str]
    ) -> tuple[np.ndarray, list[SparseVec] | None]:
        texts.extend(batch)
        return real(self, batch)

    monkeypatch.setattr(FakeEmbedder, "alone", counting)
    return texts


def _sentence_hashes(store: Store) -> list[str]:
    with store.session() as s:
        rows = s.query(Chunk.text, Chunk.sentences).all()
    return sorted({text_hash(t[a:b]) for t, ss in rows for a, b in ss})


def _passages(store: Store) -> int:
    with store.session() as s:
        return len({text_hash(e) for (e,) in s.query(Chunk.embed_text)})


def test_lazy_sentence_vectors_are_written_back_once_and_reused(
    make_bot: MakeBot, made: list[str]
) -> None:
    bot = make_bot(embedder="fake:lazy")
    emb = bot.embedder
    assert emb.lazy_quotes and emb.quote_key == FakeEmbedder().info.key != emb.info.key
    every = _sentence_hashes(bot.store)
    # ingest: one pass per passage, its sentences pooled in context for the index only
    assert bot.store.cached_hashes(emb.info.key, every, sparse=True) == set(every)
    assert not bot.store.cached_hashes(emb.quote_key, every) and not made

    first = bot.ask(QUESTION)
    assert not first.abstained and made and len(made) == len(set(made))
    assert len(made) < len(every)  # the top passages' candidates, not the corpus
    hashes = [text_hash(t) for t in made]
    cached = bot.store.load_embeddings(emb.quote_key, hashes)
    pooled = bot.store.load_embeddings(emb.info.key, hashes)
    alone = FakeEmbedder().embed(made, query=False)
    for h, v in zip(hashes, alone, strict=True):
        assert np.allclose(cached[h][0], v) and cached[h][1] is not None
        assert not np.allclose(pooled[h][0], v)  # pooled vectors are kept apart

    made.clear()
    again = bot.ask(QUESTION)
    assert made == [] and again.quotes == first.quotes


def test_quotes_score_the_stand_alone_vectors(
    make_bot: MakeBot, made: list[str], tmp_path: Path
) -> None:
    """The lazy recipe quotes as the one embedding every sentence at ingest does."""
    lazy = make_bot(embedder="fake:lazy").ask(QUESTION)
    assert made
    own_store = f"sqlite:///{tmp_path / 'eager.sqlite3'}"  # in a PostgreSQL run too
    eager = make_bot(embedder="fake", data_dir=tmp_path / "eager", database_url=own_store)
    eager_answer = eager.ask(QUESTION)
    assert [q.text for q in lazy.quotes] == [q.text for q in eager_answer.quotes]


def test_switching_to_the_lazy_recipe_reembeds_passages_and_keeps_sentence_vectors(
    make_bot: MakeBot, made: list[str]
) -> None:
    eager = make_bot(embedder="fake")  # every sentence embedded on its own at ingest
    every = _sentence_hashes(eager.store)
    key = eager.embedder.info.key
    assert eager.store.cached_hashes(key, every, sparse=True) == set(every)
    eager.close()

    lazy: Ratsbot = make_bot(embedder="fake:lazy", index=False)
    with pytest.raises(EmbedderMismatch, match="reindex"):
        lazy.ask(QUESTION)
    report = lazy.reindex(full=True)
    assert report.chunks_embedded == _passages(lazy.store)  # one pass each, no sentence alone
    assert lazy.embedder.quote_key == key  # the stand-alone vectors stored before serve quotes
    assert not lazy.ask(QUESTION).abstained and made == []
