"""Plain rendering: frame text follows the language, quotes and citations stay verbatim."""

from __future__ import annotations

import datetime as dt

from bot.answer.model import Answer, Citation, Quote, Source, paper_label

CIT = Citation(("18828-20",), "Rat der Stadt", dt.date(2020, 12, 17), "10.6", 3, ("19027-20",))


def _answer(lang: str, abstained: bool) -> Answer:
    src = Source(1, 7, 2, "Masterplan", CIT, "Rm Reuter (B'90/Die Grünen)", "Text.", 0.5)
    quotes = [] if abstained else [Quote("Der Rat überweist die Vorlage.", "Rm Reuter", CIT, 1)]
    return Answer("Frage?", lang, abstained, quotes, [src])


def test_citation_format() -> None:
    assert CIT.format() == (
        "Drs. 18828-20 · Rat der Stadt · 17.12.2020 · TOP 10.6 · S. 3 · zu Drs. 19027-20"
    )
    assert paper_label(("2025/0657",)) == "Vorlage 2025/0657"
    assert CIT.numbers == ["18828-20", "19027-20"]


def test_german_and_english_frames() -> None:
    de = _answer("de", False).text
    assert de.startswith("Aus den Unterlagen:") and "Quellen:" in de
    assert "Rm Reuter: „Der Rat überweist die Vorlage.“" in de
    en = _answer("en", False).text
    assert en.startswith("From the documents") and "Sources:" in en
    assert "„Der Rat überweist die Vorlage.“" in en  # quotes stay German


def test_no_answer_names_closest_documents() -> None:
    de = _answer("de", True).text
    assert de.startswith("Dazu habe ich in den vorliegenden Unterlagen nichts gefunden.")
    assert "Masterplan" in de
    en = _answer("en", True)
    js = en.to_json()
    assert js["abstained"] and js["answer"].startswith("I found nothing")
    assert js["sources"][0]["drucksachen"] == ["18828-20", "19027-20"]
