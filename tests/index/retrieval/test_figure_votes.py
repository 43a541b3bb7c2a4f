"""A "how many" question votes for passages that state a figure about what it asks."""

from __future__ import annotations

from sqlalchemy import select

from bot.service import Ratsbot
from index.query import analyse, tokenize
from index.retrieval.votes import figure_chunks
from index.store.knowledge_tables import Figure


def test_figure_chunks_are_those_stating_the_asked_figure(bot: Ratsbot) -> None:
    with bot.store.session() as s:
        rows = s.execute(select(Figure.chunk_id, Figure.text)).all()
    every = sorted({c for c, _t in rows if c is not None})
    measures = {c for c, t in rows if "Maßnahmen" in t}
    posts = {c for c, t in rows if "Planstellen" in t}
    assert measures and posts
    q = "Wie viele Maßnahmen enthält der Masterplan?"
    found = figure_chunks(bot.store, analyse(q), tokenize(q), every)
    assert measures <= found and not posts <= found
    q = "Wie viele Stellen sind geplant?"  # the kind asked for: posts
    assert posts <= figure_chunks(bot.store, analyse(q), tokenize(q), every)
    q = "Wer hat die Maßnahmen vorgestellt?"  # asks no figure
    assert figure_chunks(bot.store, analyse(q), tokenize(q), every) == set()
    assert figure_chunks(bot.store, analyse("Wie viele Maßnahmen?"), ["massnahm"], []) == set()


def test_the_figure_vote_shows_in_the_ranks(bot: Ratsbot) -> None:
    res = bot.searcher.search("Wie viele Maßnahmen enthält der Masterplan?", k=5)
    voted = [h for h in res.hits if "figure" in h.ranks]
    assert voted and voted[0].ranks["figure"] == 0
    res = bot.searcher.search("Wer hat die Maßnahmen vorgestellt?", k=5)
    assert not any("figure" in h.ranks for h in res.hits)


def test_the_figures_lookup_uses_an_index_also_in_an_older_store(tmp_path) -> None:
    # without it the lookup scanned every figure row: p99 596 ms at a million chunks
    from sqlalchemy import text

    from index.store import Store, upgrade_database

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    Store(url).close()
    old = Store(url)
    with old.session() as s:  # a store made before the index (and before the migrations)
        s.execute(text("DROP INDEX ix_figure_chunk"))
        s.execute(text("DROP TABLE alembic_version"))
    old.close()
    upgrade_database(url)  # the baseline revision adds what such a store lacks
    store = Store(url)
    with store.session() as s:
        plan = s.execute(
            text("EXPLAIN QUERY PLAN SELECT kind FROM figures WHERE chunk_id IN (1, 2, 3)")
        ).all()
    assert "ix_figure_chunk" in " ".join(str(r) for r in plan)
    store.close()
