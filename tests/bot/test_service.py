"""The answer function end to end, with the deterministic fake embedder (fast)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from bot.service import Ratsbot
from index.retrieval.search import Filters
from tests.support.bots import MakeBot
from tests.support.paths import HUND as FIXTURE


@pytest.fixture
def bot(make_bot: MakeBot) -> Ratsbot:
    """Not indexed yet: the first question builds the index."""
    return make_bot(index=False)


def test_first_question_indexes_the_corpus_by_itself(bot: Ratsbot) -> None:
    ans = bot.ask(
        "Wie viele weitere Planstellen sollen für die Digitalisierung eingereicht werden?"
    )
    assert bot.stats().documents == 2
    assert not ans.abstained
    assert any("38,5 weitere Planstellen" in q.text for q in ans.quotes)
    quote = next(q for q in ans.quotes if "38,5" in q.text)
    assert "19027-20" in quote.citation.format() and "18828-20" in quote.citation.format()
    assert quote.citation.page == 2
    assert "Herr Vogeler" in (quote.speaker or "")
    js = ans.to_json()
    assert js["language"] == "de" and js["sources"][0]["rank"] == 1
    assert set(js["sources"][0]) >= {
        "chunk_id",
        "document_id",
        "title",
        "drucksachen",
        "gremium",
        "date",
        "top",
        "page",
        "speaker",
        "text",
        "score",
    }


def test_quoted_copies_do_not_fill_two_slots(bot: Ratsbot) -> None:
    ans = bot.ask("Databox Clouddienst deutscher IT-Dienstleister", k=5)
    texts = [s.text for s in ans.sources]
    assert len(texts) == len(set(texts))
    assert sum("Databox" in t for t in texts) <= 2


def test_paper_number_goes_to_that_paper(bot: Ratsbot, corpus_dir: Path) -> None:
    shutil.copy(FIXTURE, corpus_dir / "hund.txt")
    bot.reindex()
    ans = bot.ask("Was steht in Drs. 19999/20?")
    assert ans.sources and all("19999-20" in s.citation.numbers for s in ans.sources)
    assert not ans.abstained


def test_filters_apply_inside_retrieval(bot: Ratsbot, corpus_dir: Path) -> None:
    shutil.copy(FIXTURE, corpus_dir / "hund.txt")
    bot.reindex()
    ans = bot.ask("Satzung", filters=Filters(gremium="Rat der Stadt"))
    assert all(s.citation.gremium == "Rat der Stadt" for s in ans.sources)
    ans = bot.ask("Hundesteuer", filters=Filters(date_to=__import__("datetime").date(2020, 12, 31)))
    assert all("Hund" not in s.text for s in ans.sources)


def test_new_document_is_answerable_right_after_ingest(bot: Ratsbot, tmp_path: Path) -> None:
    bot.ask("Masterplan")
    f = tmp_path / "neu.txt"
    shutil.copy(FIXTURE, f)
    report = bot.ingest([f])
    assert report.added and report.new_document_ids
    ans = bot.ask("Wie hoch ist die Hundesteuer für den ersten Hund?")
    assert not ans.abstained
    assert any("180 Euro" in q.text for q in ans.quotes)


def test_empty_and_symbol_questions_abstain(bot: Ratsbot) -> None:
    assert bot.ask("").abstained
    assert bot.ask("🙂🙂").abstained
    long = bot.ask("Planstellen " * 2000)
    assert long.notice and "gekürzt" in long.notice


def test_file_ingested_alone_and_by_reindex_is_one_document(bot: Ratsbot, corpus_dir: Path) -> None:
    """An admin upload lands in the corpus and is ingested alone; a reindex must not copy it."""
    bot.reindex()
    up = corpus_dir / "uploads"
    up.mkdir()
    target = up / "hund.txt"
    shutil.copy(FIXTURE, target)
    first = bot.ingest([target])
    assert first.added == ["uploads/hund.txt#0"]
    again = bot.reindex()
    assert "uploads/hund.txt#0" in again.unchanged and not again.added
    keys = [d.key for d in bot.documents()]
    assert keys.count("uploads/hund.txt#0") == 1 and len(keys) == 3


def test_status_question_with_a_paper_number_gives_its_path(bot: Ratsbot) -> None:
    ans = bot.ask("Was ist der Stand der Drucksache 18828/20?")
    assert not ans.abstained
    assert "zuletzt: Rat 17.12.2020" in (ans.notice or "")
    assert any("zurück an den APOD" in q.text for q in ans.quotes)
    assert "zuletzt: Rat 17.12.2020" in ans.text


def test_figure_question_gets_the_figure_first_only_when_retrieved(bot: Ratsbot) -> None:
    question = "Wie viele weitere Planstellen sollen für die Digitalisierung eingereicht werden?"
    ans = bot.ask(question)
    assert not ans.abstained and ans.notice and "38,5 Planstellen" in ans.notice
    assert "38,5" in ans.quotes[0].text
    off = bot.ask("Wie viele Hunde gibt es in Dortmund?")
    assert off.abstained and not off.notice


def test_a_question_limits_the_thread_pools_once(
    bot: Ratsbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # search and composition each limit the pools; nested in one limit for the whole
    # question, the pools are set and restored once, not twice
    import index.retrieval.threads as threads

    bot.ask("Wie viele Planstellen?")  # the index is built outside the count
    limits: list[int] = []
    controller = threads._array_libraries()
    real = controller.limit

    def counted(**kw: object) -> object:
        limits.append(1)
        return real(**kw)

    monkeypatch.setattr(controller, "limit", counted)
    monkeypatch.setitem(threads._state, "controller", controller)
    monkeypatch.setitem(threads._state, "modules", len(sys.modules))
    bot.ask("Wie ist der Stand der E-Akte?")
    assert limits == [1]
