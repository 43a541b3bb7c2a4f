"""Free-text status and figure questions answered from the extracted knowledge."""

from __future__ import annotations

import pytest

from bot.knowledge import figures_answer, is_status_question, paper_named, status_answer
from bot.service import Ratsbot
from index.facts.figures import wanted_kind


@pytest.mark.parametrize(
    "question",
    [
        "Was ist der Stand der Drucksache 18828-20?",
        "What is the status of the Masterplan?",
        "Wie ist der Stand der E-Akte?",
        "Where does paper 18828-20 stand?",
        "Was wurde zum Masterplan beschlossen?",
        "Stand Masterplan Digitale Verwaltung?",
        "Wo liegt der Masterplan jetzt?",
        "Was ist aus dem Memorandum geworden?",
        "What happened to the master plan?",
    ],
)
def test_status_questions_are_recognised(question: str) -> None:
    assert is_status_question(question)


@pytest.mark.parametrize(
    "question", ["Wer ist Vorsitzender des Personalrats?", "Was ist die Databox?"]
)
def test_other_questions_fall_through(bot: Ratsbot, question: str) -> None:
    assert status_answer(question, bot.knowledge_reads()) is None
    assert figures_answer(question, bot.knowledge_reads()) is None


def test_status_of_a_numbered_paper_quotes_each_outcome(bot: Ratsbot) -> None:
    ans = status_answer("Was ist der Stand der Drucksache 18828/20?", bot.knowledge_reads())
    assert ans is not None and not ans.abstained
    assert "zuletzt: Rat 17.12.2020 – zurück an den APOD überwiesen" in ans.notice
    texts = [q.text for q in ans.quotes]
    assert any(t.startswith("Im Anschluss an die Diskussion empfiehlt") for t in texts)
    assert texts[-1].startswith("Der Rat der Stadt überweist")
    assert all(q.citation.drucksachen == ("18828-20",) for q in ans.quotes)
    assert ans.quotes[-1].citation.top == "10.6" and ans.sources
    assert all(q.source_rank >= 1 for q in ans.quotes)


def test_status_of_a_topic_finds_its_paper(bot: Ratsbot) -> None:
    ans = status_answer("What is the status of the Masterplan?", bot.knowledge_reads())
    assert ans is not None and ans.language == "en"
    assert "18828-20" in ans.notice and "referred back to the APOD" in ans.notice


def test_staffing_question_gives_the_figure_then_its_quote(bot: Ratsbot) -> None:
    assert wanted_kind("Wie viele Stellen sind geplant?") == "stellen"
    assert wanted_kind("Wie viele Dienststellen nutzen die E-Akte?") is None
    ans = figures_answer(
        "Wie viele Stellen sind für die Digitalisierung geplant?", bot.knowledge_reads()
    )
    assert ans is not None
    assert ans.notice.splitlines()[0].startswith("38,5 Planstellen")
    assert "19027-20" in ans.notice
    assert "38,5 weitere Planstellen" in ans.quotes[0].text
    assert ans.quotes[0].speaker == "Herr Vogeler (CDU-Fraktion)"
    cost = figures_answer("How much does it cost per year?", bot.knowledge_reads())
    assert cost is not None and cost.notice.startswith("3 Mio. Euro pro Jahr")


@pytest.mark.parametrize(
    ("question", "paper"),
    [
        ("Stand Masterplan Digitale Verwaltung?", "18828-20"),
        ("Was ist der Stand beim Masterplan Digitale Verwaltung?", "18828-20"),
        ("Stand Masterplan?", None),  # one word names no paper: the topic search answers
        ("Wie ist der Stand der E-Akte?", None),
        ("Wie ist der Stand der Digitalisierung der Verwaltung in Dortmund?", None),
    ],
)
def test_a_paper_is_named_by_most_of_its_title(bot: Ratsbot, question: str, paper: str) -> None:
    assert paper_named(question, bot.store) == paper


def test_status_question_naming_a_title_gets_the_papers_path(bot: Ratsbot) -> None:
    ans = bot.ask("Stand Masterplan Digitale Verwaltung?")
    assert not ans.abstained and "18828-20" in (ans.notice or "")
    assert ans.quotes[-1].text.startswith("Der Rat der Stadt überweist")
