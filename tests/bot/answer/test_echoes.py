"""A document's own restatement of the question points at its answer; headings are no quotes."""

from __future__ import annotations

import datetime as dt

from bot.answer.echoes import answer_positions, complete_answer, is_heading
from index.parse import VoiceSpan
from index.query import tokenize
from index.store.passages import ChunkView
from tests.bot.answer.passages import quotes_for, sentences

# the shape of a Stellungnahme: title line, each question restated, its answer below
STELLUNGNAHME = (
    "Dez. 6 Förderung für barrierefreie Bushaltepunkte\n\n"
    "1) Wie viele Bushaltepunkte gibt es im Stadtgebiet und wie viele sind barrierefrei?\n\n"
    "In der Stadt befinden sich etwa 250 Bushaltestellen, davon 20 % barrierefrei ausgebaut.\n\n"
    "2) In wessen Zuständigkeitsbereich liegt der Ausbau barrierefreier Bushaltepunkte?\n\n"
    "Die Zuständigkeit liegt gemäß Straßengesetz beim Straßenbaulastträger. "
    "Die Umgestaltung erfolgt in enger Abstimmung mit den Verkehrsbetrieben.\n\n"
    "3) Welche Maßnahmen sind notwendig, um Bushaltepunkte barrierefrei auszubauen?\n\n"
    "Es werden Blindenleitsysteme vorgesehen."
)


def _view(text: str, title: str | None = None) -> ChunkView:
    return ChunkView(
        id=1, document_id=1, seq=0, text=text, page=1, kind="text", speaker=None, faction=None,
        spans=[VoiceSpan(0, len(text), 1, None, None)],
        sentences=[list(s) for s in sentences(text)],
        title=title, gremium="Gemeinderat", meeting_date=dt.date(2015, 6, 1), top="1",
        doc_kind=None, own_numbers=("2015/0389",), source_path="x.txt", public=True,
    )  # fmt: skip


def _quotes(question: str, text: str = STELLUNGNAHME) -> list[str]:
    return quotes_for(_view(text), question)


def test_the_sentence_after_the_restated_question_is_the_answer() -> None:
    quotes = _quotes(
        "In wessen Zuständigkeitsbereich liegt der Ausbau barrierefreier Bushaltepunkte?"
    )
    assert quotes[0].startswith("Die Zuständigkeit liegt gemäß Straßengesetz")


def test_the_answer_to_another_question_gets_no_credit() -> None:
    asked = set(
        tokenize("In wessen Zuständigkeitsbereich liegt der Ausbau barrierefreier Bushaltepunkte?")
    )
    spans = sentences(STELLUNGNAHME)
    found = answer_positions(asked, STELLUNGNAHME, spans)
    starts = {STELLUNGNAHME[a:b][:20] for a, b in spans if a in found}
    assert starts == {"Die Zuständigkeit li", "Die Umgestaltung erf"}
    first = STELLUNGNAHME.index("Die Zuständigkeit")
    second = STELLUNGNAHME.index("Die Umgestaltung")
    assert found[first] == (1.0, first) and found[second][0] < 1.0 and found[second][1] == first


def test_a_short_answer_is_quoted_with_the_sentence_that_explains_it() -> None:
    text = (
        "3) Liegen Bodenbelastungen vor?\n\nEs liegen Bodenbelastungen vor. "
        "Eine Untersuchung folgt im Bebauungsplan.\n\n4) Wann?"
    )
    spans = sentences(text)
    opening = text.index("Es liegen")
    unit = complete_answer(text, spans, [(opening, text.index(" Eine"))], opening)
    assert text[unit[0][0] : unit[0][1]].endswith("im Bebauungsplan.")
    last = text.index("Eine")
    # the last answer sentence before a question stays as it is
    assert complete_answer(text, spans, [(last, text.index("\n\n4)"))], last) == [
        (last, text.index("\n\n4)"))
    ]


def test_the_second_answer_sentence_is_quoted_from_the_answers_opening() -> None:
    quotes = _quotes(
        "In wessen Zuständigkeitsbereich liegt der Ausbau barrierefreier Bushaltepunkte"
        " und die Abstimmung mit den Verkehrsbetrieben?"
    )
    assert quotes[0].startswith("Die Zuständigkeit") and quotes[0].endswith("Verkehrsbetrieben.")


def test_a_heading_is_never_quoted() -> None:
    quotes = _quotes("Förderung für barrierefreie Bushaltepunkte")
    assert quotes and not any(q.startswith("Dez. 6") for q in quotes)


def test_what_counts_as_a_heading() -> None:
    text = (
        "Sachstand Digitalisierung\n\n38,5 Planstellen\n\n"
        "Die Stadt stellt ein.\nMasterplan Digitale Verwaltung\n\nChristoph Schefers Vorsitzender"
    )

    def heading(part: str, title: str | None = None) -> bool:
        start = text.index(part)
        return is_heading(text, start, start + len(part), title)

    assert heading("Sachstand Digitalisierung")
    assert not heading("38,5 Planstellen")  # a figure line is content
    assert not heading("Christoph Schefers Vorsitzender")  # below the first line: a signature
    assert not heading("Die Stadt stellt ein.")
    assert heading(
        "Masterplan Digitale Verwaltung", "Masterplan Digitale Verwaltung – Arbeiten 4.0"
    )


def test_a_numbered_restatement_and_a_yes_no_item_are_questions() -> None:
    from bot.answer.units import echoes, restates

    asked = set(
        tokenize("Seit wann wird der Stammanstrich in Karlsruhe verwendet? Wie lange hält er?")
    )
    assert echoes(asked, "2. Seit wann wird der Stammanstrich in Karlsruhe verwendet?")
    assert restates(set(), "2. Kann sich die Stadtverwaltung der Auffassung anschließen, dass")
    assert not restates(set(), "2. Die Brücken sind marode.")


def test_a_restated_question_that_lost_its_mark_is_still_a_question() -> None:
    from bot.answer.units import restates

    asked = set(tokenize("Wie viele Stadtteilfeste gibt es in Karlsruhe (nach Stadtteilen)?"))
    assert restates(asked, "Wie viele Stadtteilfeste gibt es in Karlsruhe (nach Stadtteilen)")
    assert not restates(asked, "Wie bereits berichtet, gibt es 34 Stadtteilfeste in Karlsruhe.")
    assert not restates(asked, "In Karlsruhe gibt es 34 Stadtteilfeste nach Stadtteilen.")


def test_an_answer_never_reaches_back_before_its_question() -> None:
    text = "Folgende Fragen:\n\n- 1) Gibt es Pläne?\n\n- Es gibt Pläne für zwei Standorte."
    spans = sentences(text)
    opening = text.index("- Es gibt")
    lead_in = [(0, text.index(":") + 1), (opening, len(text))]  # a list item's lead-in
    assert complete_answer(text, spans, lead_in, opening) == [(opening, len(text))]


ANFRAGE = (
    "Vor diesem Hintergrund fragen wir die Verwaltung zur E-Akte.\n\n"
    "1.1. Für welche Prozesse verwenden die Dienststellen die E-Akte?\n\n"
    "Eigentlich ist damit alles zur E-Akte gesagt."
)


def test_a_question_in_a_document_answers_only_a_question_about_asking() -> None:
    assert not any(q.endswith("?") for q in _quotes("e akte stand?", ANFRAGE))
    asked = _quotes("Was fragt die Anfrage zur E-Akte?", ANFRAGE)
    assert any(q.endswith("E-Akte?") for q in asked)


def test_a_verb_of_saying_is_no_overlap() -> None:
    from bot.answer.cues import SAYING

    assert set(tokenize("gesagt sagte meinte said")) <= SAYING
    text = "Eigentlich ist damit alles gesagt.\n\nDie E-Akte wird im Jahr 2021 eingeführt."
    assert _quotes("Was wurde zur E-Akte gesagt?", text) == [
        "Die E-Akte wird im Jahr 2021 eingeführt."
    ]


def test_the_anfrage_itself_answers_only_what_was_asked_or_moved() -> None:
    from bot.answer.cues import only_asks, wants_the_asking

    planted = "Es wurden 120 Bäume gepflanzt."
    assert only_asks("Anfrage", planted)
    assert not wants_the_asking("Wie viele Bäume wurden gepflanzt?")
    assert not only_asks("Stellungnahme", planted) and not only_asks(None, planted)
    assert wants_the_asking("Was wollte die CDU-Fraktion wissen?")
    assert wants_the_asking("Was beantragt die SPD?")


def test_a_long_sentence_made_of_the_questions_words_copies_it() -> None:
    from bot.answer.units import restates

    question = (
        "Wir bitten um Mitteilung der Ergebnisse der Verkehrszählung zur Durchfahrt an "
        "Fahrzeugen in den zu sanierenden Straßen."
    )
    asked = set(tokenize(question))
    copied = "Wir bitten daher um Mitteilung der Ergebnisse der Verkehrszählung zur Durchfahrt "
    assert restates(asked, copied + "an Fahrzeugen in den zu sanierenden Straßen.")
    assert not restates(asked, "Die Verkehrszählung ergab 4.000 Fahrzeuge am Tag.")
    # a short answer in the question's words still answers it
    decided = set(tokenize("Wurde das Memorandum zur Digitalisierung im Rat beschlossen?"))
    assert not restates(decided, "Der Rat hat das Memorandum zur Digitalisierung beschlossen.")
    # one sentence of a question asked in two is as much a copy as the whole
    two = set(
        tokenize(question + " Welche Schlussfolgerungen zieht die Verwaltung daraus für den Umbau?")
    )
    assert restates(two, copied + "an Fahrzeugen in den zu sanierenden Straßen.")
    assert not restates(two, "Die Verwaltung zieht daraus den Schluss, 4.000 Fahrzeuge umzuleiten.")
