"""Quote units: announcements with what they announce, list items with their lead-in."""

from __future__ import annotations

import pytest

from bot.answer.cues import has_type
from bot.answer.units import (
    announces,
    is_list_item,
    quote_unit,
    unit_text,
    with_elaboration,
    with_wanted_kind,
)
from tests.bot.answer.passages import sentences as split_lines

STATEMENT = (
    "Hierzu liegt folgende Stellungnahme des Personalrates vor:\n\n"
    "Der Personalrat hat dazu folgende Anmerkungen:\n\n"
    "Wir halten es für bedenklich, dass die Stellenbedarfe nicht erwähnt werden. "
    "Stattdessen soll der Personalbedarf später dargestellt werden."
)
LIST = (
    "Das Memorandum geht darüber hinaus. Folgende Zielsetzungen sind bis 2025 zu verwirklichen:\n"
    "- Nachhaltige Digitalisierung ohne Medienbrüche.\n"
    "- Erste Stadtämter arbeiten vollkommen digital.\n"
    "Der Ausschuss nimmt dies zur Kenntnis."
)


def _unit(text: str, needle: str) -> str | None:
    sentences = split_lines(text)
    start, end = next((a, b) for a, b in sentences if needle in text[a:b])
    spans = quote_unit(text, sentences, start, end)
    return None if spans is None else unit_text(text, spans)


def test_an_announcement_is_quoted_with_what_it_announces() -> None:
    quote = _unit(STATEMENT, "folgende Anmerkungen")
    assert quote is not None
    assert quote.startswith("Der Personalrat hat dazu folgende Anmerkungen:")
    assert "bedenklich" in quote


def test_an_announcement_at_the_end_of_a_passage_is_not_quoted() -> None:
    assert _unit("Der Personalrat hat dazu folgende Anmerkungen:", "Anmerkungen") is None


def test_a_list_item_carries_its_lead_in() -> None:
    quote = _unit(LIST, "Erste Stadtämter")
    assert quote is not None
    assert quote.startswith("Folgende Zielsetzungen sind bis 2025 zu verwirklichen:")
    assert quote.endswith("Erste Stadtämter arbeiten vollkommen digital.")
    assert " … " in quote  # another item stands between lead-in and item


def test_a_plain_sentence_stays_alone() -> None:
    assert _unit(LIST, "Der Ausschuss nimmt") == "Der Ausschuss nimmt dies zur Kenntnis."


def test_a_cost_sentence_joins_what_it_refers_to() -> None:
    text = (
        "Es sollen 38,5 weitere Planstellen eingereicht werden. "
        "Die Kosten hierfür betragen drei Millionen Euro."
    )
    quote = _unit(text, "38,5")
    assert quote == text


def test_a_topic_sentence_is_quoted_with_the_example_that_follows() -> None:
    text = (
        "Ehrenamtliches Engagement ist ein wichtiges Element der Präventionsarbeit. "
        "So ist der Freundeskreis für Suchtkrankenhilfe seit Jahren an Schulen aktiv. "
        "Die Stadt fördert weitere Vereine."
    )
    quote = _unit(text, "Ehrenamtliches")
    assert quote.endswith("an Schulen aktiv.")
    assert (
        _unit(text, "So ist")
        == "So ist der Freundeskreis für Suchtkrankenhilfe seit Jahren an Schulen aktiv."
    )


@pytest.mark.parametrize(
    ("text", "first", "referring", "first_ends"),
    [
        (  # the next sentence opens with a back-reference
            "Fehlende Kolleginnen werden soweit wie möglich ersetzt. "
            "Dies erfolgt zunächst über die vorhandenen Springerstellen. "
            "Diese Frage stellt sich nicht?",
            "Fehlende",
            "Dies erfolgt",
            "Springerstellen.",
        ),
        (  # a demonstrative among its first words
            "Im Jahr 2011 hat die Stadtverwaltung entschieden, auf enaio zu migrieren. "
            "Ausschlaggebend für diese Entscheidung war die Marktführerschaft. "
            "Die Dieselfahrzeuge der Stadt werden ersetzt.",
            "Im Jahr 2011",
            "Ausschlaggebend",
            "die Marktführerschaft.",
        ),
    ],
)
def test_a_sentence_that_refers_back_is_quoted_with_what_it_refers_to(
    text: str, first: str, referring: str, first_ends: str
) -> None:
    assert _unit(text, first).endswith(first_ends)
    assert _unit(text, referring).startswith(first)


def test_a_demonstrative_word_inside_a_longer_word_is_no_back_reference() -> None:
    text = "Die Stadt spart. Die Dieselfahrzeuge der Stadt werden ersetzt."
    assert _unit(text, "Dieselfahrzeuge") == "Die Dieselfahrzeuge der Stadt werden ersetzt."


BEBPO = (
    "Für die Behörden wurde das besondere elektronische Behördenpostfach (beBPo) eingeführt. "
    "Die Stadt arbeitet derzeit mit 44 Postfächern in verschiedenen Dienststellen. "
    "Es ersetzt Faxe.\n\n"
    "Die Verwendung von Faxgeräten geschieht aus unterschiedlichen Gründen. "
    "Wie viele Faxgeräte gibt es noch?"
)


def _elaborated(text: str, needle: str) -> str:
    sentences = split_lines(text)
    start, end = next((a, b) for a, b in sentences if needle in text[a:b])
    unit = quote_unit(text, sentences, start, end)
    assert unit is not None
    return unit_text(text, with_elaboration(text, sentences, unit))


def test_a_sentence_takes_the_next_one_of_its_paragraph_that_says_what_of_it() -> None:
    quote = _elaborated(BEBPO, "beBPo")
    assert quote.endswith("mit 44 Postfächern in verschiedenen Dienststellen.")
    # not a fragment of under four words, not past a blank line, never a question
    assert _elaborated(BEBPO, "44 Postfächern").endswith("Dienststellen.")
    assert _elaborated(BEBPO, "Es ersetzt") == "Es ersetzt Faxe."
    assert _elaborated(BEBPO, "Verwendung").endswith("aus unterschiedlichen Gründen.")


def test_an_elaboration_that_would_make_the_quote_too_long_is_left_out() -> None:
    text = "Die Stadt hat ein Behördenpostfach. " + "Es dient " + "sehr " * 90 + "vielen Zwecken."
    assert _elaborated(text, "Behördenpostfach") == "Die Stadt hat ein Behördenpostfach."


def test_what_counts_as_announcing_and_as_list_item() -> None:
    assert announces("Folgende Zielsetzungen sind zu verwirklichen:")
    assert announces("Die Verwaltung nimmt dazu wie folgt Stellung:")
    assert announces("Die Begründung lautet wie folgt.")
    assert not announces("Die Verwaltung hat folgende Kosten ermittelt: 3 Mio. Euro.")
    assert is_list_item("- Erste Stadtämter arbeiten digital.")
    assert is_list_item("2. Die Kosten steigen.")
    assert not is_list_item("Die Kosten steigen.")


def test_a_restated_question_is_never_a_quote() -> None:
    from bot.answer.units import restates as _restates
    from index.query import tokenize

    asked = set(tokenize("In welcher Form wird die E-Akte in den Dienststellen genutzt?"))
    restated = (
        "1. In welcher Form die E-Akte derzeit in den Dienststellen eingeführt und genutzt wird."
    )
    answer = "Die E-Akte wird in 36 Dienststellen als Vorgangsbearbeitungssystem genutzt."
    assert _restates(asked, restated)
    assert _restates(asked, "Wird die E-Akte in den Dienststellen genutzt?")
    assert not _restates(asked, answer)
    assert _restates(set(), "2. Wie viele Dienststellen nutzen die E-Akte bereits?")
    assert _restates(set(), "1. in welcher Form digitale Systeme eingeführt werden.")
    assert not _restates(set(), "1. Die E-Akte wird in 36 Dienststellen genutzt.")


PLATFORM = (
    "Urbane Datenplattform | Der zentrale Sammelort für Daten soll die künftige Urbane "
    "Datenplattform sein. Sie ermöglicht es Datenlieferanten, ihre Daten zu teilen. "
    "Hierfür wird aktuell ein technisches Konzept erarbeitet und verprobt. "
    "Zusammen mit der Stadt Freiburg wird die Architektur entworfen.\n\n"
    "Derzeit laufen weitere Projekte."
)


def _typed(text: str, needle: str, kind: str) -> str:
    sentences = split_lines(text)
    start, end = next((a, b) for a, b in sentences if needle in text[a:b])
    unit = quote_unit(text, sentences, start, end)
    assert unit is not None
    return unit_text(text, with_wanted_kind(text, sentences, unit, lambda t: has_type(t, kind)))


def test_a_topic_sentence_takes_the_sentence_of_its_paragraph_that_answers() -> None:
    quote = _typed(PLATFORM, "zentrale Sammelort", "status")
    assert quote.startswith("Urbane Datenplattform | Der zentrale Sammelort")
    assert quote.endswith(
        " … Hierfür wird aktuell ein technisches Konzept erarbeitet und verprobt."
    )
    assert "Datenlieferanten" not in quote  # the sentence between is left out


def test_a_unit_that_holds_the_kind_or_whose_paragraph_lacks_it_stays() -> None:
    assert _typed(PLATFORM, "Derzeit laufen", "status") == "Derzeit laufen weitere Projekte."
    # the next paragraph is another matter: "Derzeit" there does not complete the platform
    assert _typed(PLATFORM, "Zusammen mit", "status").startswith("Zusammen mit")
    assert _typed(PLATFORM, "Zusammen mit", "status").endswith("entworfen.")
    assert _typed(PLATFORM, "zentrale Sammelort", "number").endswith("Urbane Datenplattform sein.")
