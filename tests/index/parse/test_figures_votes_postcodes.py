"""`zahlen` counts figures, not vote tallies or postcodes (other councils' minutes print both)."""

from __future__ import annotations

import pytest

from index.facts import find_figures
from index.facts.numbers import parse_german_number


@pytest.mark.parametrize(
    "sentence",
    [
        "Abstimmungsergebnis: Ja 55 Nein 13 Enthaltung 0",
        "Der Antrag wurde mit 55 Ja-Stimmen bei 13 Gegenstimmen und 0 Enthaltungen angenommen.",
        "Der Antrag wurde einstimmig bei 2 Enthaltungen angenommen.",
        "Die Vorlage erhielt 40 Stimmen.",
        "Neues Rathaus, Rathausplatz 1, 01067 Dresden",
        "Hebelstraße 13, 76133 Karlsruhe",
        "76133 Karlsruhe",
    ],
)
def test_no_figure(sentence):
    assert find_figures(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("Für die Umstellung werden zwölf zusätzliche Stellen benötigt.", 12.0, "Stellen"),
        ("Die Stadt hat 12000 Einwohner.", 12000.0, "Einwohner"),
        ("12000 Einwohner leben im Stadtteil.", 12000.0, "Einwohner"),
        ("Die Sanierung kostet 180.000 Euro.", 180000.0, "Euro"),
    ],
)
def test_figures_stay(sentence, value, unit):
    figures = find_figures(sentence)
    assert [(f.value, f.unit) for f in figures] == [(value, unit)]


def test_leading_zero_is_a_code_not_a_number():
    assert parse_german_number("01067") is None
    assert parse_german_number("0,5") == 0.5
    assert parse_german_number("0") == 0.0
