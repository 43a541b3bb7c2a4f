"""A "how many" question votes for passages that state a figure about what it asks."""

from __future__ import annotations

from sqlalchemy import select

from bot.service import Ratsbot
from bot.settings import Settings
from index.figure_lookup import figure_chunks
from index.knowledge_schema import Figure
from index.lexical import tokenize


def test_figure_chunks_are_those_stating_the_asked_figure(settings: Settings) -> None:
    bot = Ratsbot(settings)
    bot.ensure_index()
    with bot.store.session() as s:
        rows = s.execute(select(Figure.chunk_id, Figure.text)).all()
    every = sorted({c for c, _t in rows if c is not None})
    measures = {c for c, t in rows if "Maßnahmen" in t}
    posts = {c for c, t in rows if "Planstellen" in t}
    assert measures and posts
    q = "Wie viele Maßnahmen enthält der Masterplan?"
    found = figure_chunks(bot.store, q, tokenize(q), every)
    assert measures <= found and not posts <= found
    q = "Wie viele Stellen sind geplant?"  # the kind asked for: posts
    assert posts <= figure_chunks(bot.store, q, tokenize(q), every)
    q = "Wer hat die Maßnahmen vorgestellt?"  # asks no figure
    assert figure_chunks(bot.store, q, tokenize(q), every) == set()
    assert figure_chunks(bot.store, "Wie viele Maßnahmen?", ["massnahm"], []) == set()
    bot.close()


def test_the_figure_vote_shows_in_the_ranks(settings: Settings) -> None:
    bot = Ratsbot(settings)
    bot.ensure_index()
    res = bot.searcher.search("Wie viele Maßnahmen enthält der Masterplan?", k=5)
    voted = [h for h in res.hits if "figure" in h.ranks]
    assert voted and voted[0].ranks["figure"] == 0
    res = bot.searcher.search("Wer hat die Maßnahmen vorgestellt?", k=5)
    assert not any("figure" in h.ranks for h in res.hits)
    bot.close()
