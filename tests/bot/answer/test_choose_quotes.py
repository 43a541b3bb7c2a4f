"""Quote choice on hand-made passages: what wins when the sentence vectors tie."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from bot.answer.quote_choice import Candidate, ScoredSentences, answer_type, choose_quotes
from bot.answer.source_lines import make_sources
from index.parse import VoiceSpan
from index.query import analyse
from index.retrieval import Hit, SearchResult
from index.store.passages import ChunkView
from tests.bot.answer.passages import quotes_for

TEXT = (
    "1.6. Welche Hürden gibt es für den Rollout der E-Akte? "
    "Für den Rollout der E-Akte bestehen derzeit verschiedene Hürden. "
    "Herr Heymann (SPD-Fraktion) findet es schade. Er schlägt vor, den Antrag zu überweisen."
)


def _view() -> ChunkView:
    sentences, start = [], 0
    for part in ("?", "Hürden.", "schade.", "überweisen."):
        end = TEXT.index(part, start) + len(part)
        sentences.append([start, end])
        start = end + 1
    at = TEXT.index("Herr Heymann")
    return ChunkView(
        id=1, document_id=1, seq=0, text=TEXT, page=1, kind="text", speaker=None, faction=None,
        spans=[
            VoiceSpan(0, at, 1, None, None),
            VoiceSpan(at, len(TEXT), 1, "Herr Heymann", "SPD-Fraktion"),
        ],
        sentences=sentences, title="t", gremium="Rat", meeting_date=dt.date(2020, 12, 17),
        top="1", doc_kind=None, own_numbers=("18828-20",), source_path="x.txt", public=True,
    )  # fmt: skip


def _quotes(question: str, language: str = "de") -> list[str]:
    return quotes_for(_view(), question, language)


def test_a_sentence_that_asks_is_not_the_answer() -> None:
    quotes = _quotes("Welche Hürden gibt es für den Rollout der E-Akte?")
    assert quotes[0].startswith("Für den Rollout") and not any(q.endswith("?") for q in quotes)


def test_the_named_factions_speaker_label_counts_for_an_english_question() -> None:
    quotes = _quotes("Which proposal did the SPD make about the motion?", "en")
    assert quotes[0] == "Er schlägt vor, den Antrag zu überweisen."


def _choose(
    question: str, sentences: list[str], sep: str = " ", first_likest: bool = False
) -> list[str]:
    """Quotes among ``sentences`` of one passage (joined by ``sep``), every sentence
    vector tied, or the first one the likest to the question."""
    text = sep.join(sentences)
    spans, start = [], 0
    for s in sentences:
        spans.append([start, start + len(s)])
        start += len(s) + len(sep)
    view = replace(
        _view(), text=text, sentences=spans, spans=[VoiceSpan(0, len(text), 1, None, None)]
    )
    result = SearchResult(analyse(question, "de"), [Hit(1, 1.0)], [], {})
    sources = make_sources(result, {1: view}, 5)
    cands = [Candidate(0, a, b) for a, b in spans]
    dense = np.zeros(len(spans), np.float32)
    dense[0] = 1.0 if first_likest else 0.0
    scored = ScoredSentences(cands, sentences, dense, [None] * len(spans))
    return [q.text for q in choose_quotes(result, {1: view}, sources, scored)]


def test_the_same_sentence_twice_is_quoted_once() -> None:
    same = "Digitale Akten werden in den Dienststellen in vielen Formen genutzt."
    quotes = _choose("Wie werden digitale Akten genutzt?", [same, same.lower()])
    assert len(quotes) == 1


@pytest.mark.parametrize(
    "question",
    [
        "Wie hoch sind die einmaligen Investitionen für die Schulen?",
        "Wie groß ist das Einsparpotenzial?",
        "How high is the grant for the WiFi?",
        "How large was the improvement potential?",
        "In welcher Höhe wird gefördert?",
    ],
)
def test_questions_for_an_amount_want_a_number(question: str) -> None:
    assert answer_type(question) == "number"


def test_a_question_reported_in_the_minutes_gives_way_to_its_answer() -> None:
    asked = "Weiterhin wünsche er sich Erläuterungen zur erwähnten Databox."
    answer = "Bei der Databox handelt es sich um einen Clouddienst eines deutschen Anbieters."
    assert _choose("Databox", [asked, answer])[0] == answer
    # asked what was asked, the asking is the quote (with the answer that follows it)
    assert _choose("Wozu wünschte er Erläuterungen?", [asked, answer])[0].startswith(asked)


@pytest.mark.parametrize(
    ("sentence", "asks"),
    [
        ("Er möchte wissen, ob es sich um einen US-amerikanischen Anbieter handle.", True),
        ("Frau Dr. Tautorat fragt nach, ob der Antrag mit behandelt werden solle.", True),
        ("Er würde hierzu gerne eine Stellungnahme des RPA erhalten.", True),
        ("Es ist wesentlich, einen Überblick über den aktuellen Stand zu erhalten.", True),
        ("Die Stadt hat eine Stellungnahme des Landes erhalten.", False),
        ("Mit dem Antrag würde die Stadt Fördermittel des Landes erhalten.", False),
        ("Die Verwaltung erläutert den Stand der Ausschreibung.", False),
    ],
)
def test_reported_asking(sentence: str, asks: bool) -> None:
    from bot.answer.cues import reports_asking

    assert reports_asking(sentence) is asks


def test_a_status_question_wants_where_things_stand_now() -> None:
    from bot.answer.cues import has_type

    assert answer_type("Wie ist der Stand der Urbanen Datenplattform?") == "status"
    assert answer_type("Stand Digitale Zwillinge") == "status"
    assert answer_type("Wie viele Stellen sind schon besetzt?") == "number"
    defined = "Die Urbane Datenplattform ist der zentrale Sammelort für Daten der Stadt."
    current = "Für die Urbane Datenplattform wird aktuell ein technisches Konzept erarbeitet."
    assert has_type(current, "status") and not has_type(defined, "status")


def test_a_compound_holds_its_last_part_in_quote_choice_too() -> None:
    general = "Digitale Modelle der Stadt sind ein etabliertes Werkzeug der Privatwirtschaft."
    current = "Realisiert sind Planungszwillinge für größere Bauvorhaben in der Nordstadt."
    assert _choose("Welche Zwillinge gibt es?", [general, current]) == [current]


@pytest.mark.parametrize(
    "leads",
    [
        ["Insgesamt sind 262 Faxnummern gelistet, die sich wie folgt auf die Ämter verteilen:"],
        ["Insgesamt sind 262 Faxnummern gelistet.", "Diese teilen sich wie folgt auf:"],
    ],
)
def test_an_announced_table_is_quoted_with_the_row_asked_for(leads: list[str]) -> None:
    offices = ["Amt für Stadtentwicklung", "Bürgerdienste Nord", "Gartenbauamt", "Hauptamt"]
    offices += ["Kämmerei und Steueramt", "Liegenschaftsamt", "Ordnungsamt", "Personalamt"]
    offices += ["Stadtplanungsamt", "Tiefbauamt", "Umweltamt", "Vermessungsamt"]
    rows = [f"{name} Dienststelle {i + 3}" for i, name in enumerate(offices)]
    rows.append("Sozial- und Jugendbehörde 32")
    question = "Wie viele Faxnummern hat die Sozial- und Jugendbehörde?"
    # the lead-in is the sentence most like the question
    quotes = _choose(question, [*leads, *rows], sep="\n", first_likest=True)
    assert quotes[0].startswith(leads[0]) and quotes[0].endswith(" … Sozial- und Jugendbehörde 32")
    assert "Vermessungsamt" not in quotes[0]  # the rows between are left out


def test_a_request_is_never_the_answer_unless_the_asking_is_asked_for() -> None:
    request = "(Bitte je nach Gesellschaft die Quote einzeln aufschlüsseln)"
    answer = "Die Quote liegt in den Gesellschaften bei 5 Prozent."
    assert _choose("Wie hoch ist die Quote in den Gesellschaften?", [request, answer]) == [answer]
    asked = _choose("Was wollte die Fraktion zur Quote wissen?", [request, answer])
    assert asked[0].startswith(request)
