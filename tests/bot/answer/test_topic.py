"""A question about what a named speaker said is scored by its subject, not the name."""

from __future__ import annotations

from bot.answer.topic import topic_question
from index.query import tokenize

VOCABULARY = frozenset(tokenize("Schulkonzept Support Schulen Digitalisierung Kosten"))
SPEAKERS = [("Stadtrat Høyem", "FDP"), ("Stadträtin Habibović", "SPD"), ("Herr Vogeler", "CDU")]


def _topic(question: str, language: str = "de") -> str | None:
    return topic_question(question, language, SPEAKERS, VOCABULARY)


def test_the_name_and_its_form_of_address_leave_the_question() -> None:
    assert _topic("Was sagte Stadtrat Høyem zum Schulkonzept?") == "Was sagte zum Schulkonzept?"
    assert _topic("Was war Stadträtin Habibović bei den Schulen wichtig?") == (
        "Was war bei den Schulen wichtig?"
    )


def test_a_question_about_the_speaker_alone_keeps_its_words() -> None:
    assert _topic("Was hat die CDU gesagt?") is None
    assert _topic("Was hat Herr Vogeler gesagt?") is None


def test_a_question_naming_no_speaker_of_the_passages_is_left_alone() -> None:
    assert _topic("Was sagte Stadtrat Müller zum Schulkonzept?") is None
    assert _topic("Wie ist der Stand der Digitalisierung?") is None
