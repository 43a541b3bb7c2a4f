"""Decision questions get the decision, cited to the body and meeting that took it."""

from __future__ import annotations

import pytest

from bot.knowledge import is_decision_question
from bot.service import Ratsbot
from index.retrieval import Filters


@pytest.mark.parametrize(
    "question",
    [
        "Was hat der Rat am 17.12.2020 beschlossen?",
        "Wohin hat der Rat die Vorlage überwiesen?",
        "Did the council adopt the master plan?",
    ],
)
def test_the_council_decision_is_quoted_from_the_council_meeting(
    bot: Ratsbot, question: str
) -> None:
    assert is_decision_question(question)
    ans = bot.ask(question)
    assert not ans.abstained
    assert ans.quotes[-1].text.startswith("Der Rat der Stadt überweist")
    cite = ans.quotes[-1].citation
    assert cite.gremium and cite.gremium.startswith("Rat")
    assert cite.date is not None and cite.date.isoformat() == "2020-12-17"


def test_the_committee_decision_when_the_committee_is_named(bot: Ratsbot) -> None:
    ans = bot.ask("Was hat der APOD beschlossen?")
    assert not ans.abstained
    assert all(q.citation.date and q.citation.date.isoformat() == "2020-12-03" for q in ans.quotes)


def test_a_body_filter_narrows_to_that_body(bot: Ratsbot) -> None:
    ans = bot.ask("Was hat der Rat beschlossen?", filters=Filters(gremium="Rat"))
    assert not ans.abstained
    assert all(q.citation.gremium and q.citation.gremium.startswith("Rat") for q in ans.quotes)


def test_votes_and_recommendations_are_decisions() -> None:
    assert is_decision_question("Wie wurde im APOD über den Masterplan abgestimmt?")
    assert is_decision_question("Was hat der Ausschuss dem Rat empfohlen?")
    assert is_decision_question("How did the committee vote on the master plan?")
    assert is_decision_question("Welche Fraktion fehlte bei der Abstimmung im Ausschuss?")


def test_other_questions_are_not_decision_questions() -> None:
    assert not is_decision_question("Wer ist Vorsitzender des Personalrats?")
    assert not is_decision_question("Wie viele Planstellen gibt es?")


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("Was passierte mit dem Antrag zum Memorandum im Ausschuss?", True),
        ("Was wurde aus den Haushaltsanträgen zur Digitalisierung?", True),
        ("Was ist aus der Vorlage geworden?", True),
        ("What happened to the motion?", True),
        ("Was passiert mit den Daten?", False),  # no paper: what the passages say
        ("Wie viele Anfragen gab es?", False),
    ],
)
def test_a_papers_outcome_asked_for_is_a_decision_question(question: str, decision: bool) -> None:
    assert is_decision_question(question) is decision


def test_what_became_of_a_motion_in_the_committee_is_its_committee_decision(bot: Ratsbot) -> None:
    ans = bot.ask("Was passierte mit dem Antrag zum Memorandum im Ausschuss?")
    assert not ans.abstained
    assert any("überweist der Ausschuss" in q.text for q in ans.quotes)
