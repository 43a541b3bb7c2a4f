"""Property test: cleaning and parsing arbitrary text never crashes, offsets stay valid."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.parse import parse_text

_PIECES = st.sampled_from(
    [
        "\n", "\n\n", " ", "\t", "-", "*", "**", "Stel-", "lungnahme", "E-", "Akte", "1. ",
        "1.1. ", " - ", "– 2 –", "-- 1 of 2 --", "Seite 2 von 5", "Herr Vogeler (CDU) sagt ",
        "Stadtrat Marvi (SPD): ", "Auszug aus der nicht genehmigten Niederschrift",
        "Erstellt am: 09.12.2020", "Gremium:", "zu TOP 4.1", "(Drucksache Nr.: 18828-20)",
        "Vorlage Nr.: 2025/0657", "Gemeinderat 24.03.2026 27 Ö Kenntnisnahme",
        "Gremien Termin TOP Ö / N Zuständigkeit", "Punkt 3 der Tagesordnung: X", ".", "?",
        "\uf0b7", "\u202f", "„", "“", "Der", "Rat", "beschließt", "ja",
    ]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=60).map("".join)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_parse_text_never_crashes_and_offsets_are_valid(text):
    docs = parse_text(text, "random.txt")
    for i, doc in enumerate(docs):
        assert doc.part == i
        last_end = 0
        for b in doc.blocks:
            assert last_end <= b.start < b.end <= len(doc.text)
            assert b.page >= 1
            last_end = b.end
        for ref in doc.meta.references:
            assert ref.raw in doc.text
