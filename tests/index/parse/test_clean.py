"""Unit tests for line joining, page markers, paragraphs and speaker labels."""

from __future__ import annotations

import pytest

from index.parse import parse_text
from index.parse.clean import join_wrapped, normalise_chars, page_marker, strip_markdown
from index.parse.model import BlockKind
from index.parse.speakers import find_speaker


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("die Stel-", "lungnahme der Verwaltung", "die Stellungnahme der Verwaltung"),
        ("das DMS-", "System", "das DMS-System"),
        ("die E-", "Akte", "die E-Akte"),
        ("der Digitalisie-", "rung", "der Digitalisierung"),
        ("die KI-", "Allianz", "die KI-Allianz"),
        ("Stand 2025-", "2026", "Stand 2025-2026"),
        ("Ein-", "oder Auszahlungen", "Ein- oder Auszahlungen"),
        ("Hauptamt -", "Ratsangelegenheiten", "Hauptamt - Ratsangelegenheiten"),
        ("ohne Trennung", "weiter", "ohne Trennung weiter"),
    ],
)
def test_join_wrapped(left, right, joined):
    assert join_wrapped(left, right) == joined


@pytest.mark.parametrize(
    ("line", "new_page", "next_page"),
    [
        ("-- 3 of 6 --", 4, False),
        ("– 4 –", 4, False),
        ("- 2 -", 2, False),
        ("Seite 2 von 5", 2, False),
        ("Ergänzende Erläuterungen Seite 3", 3, False),
        ("Auszug aus der nicht genehmigten Niederschrift", None, True),
        ("Gedruckt auf 100 Prozent Recyclingpapier", None, False),
    ],
)
def test_page_markers(line, new_page, next_page):
    marker = page_marker(line)
    assert marker is not None
    assert (marker.new_page, marker.next_page) == (new_page, next_page)


@pytest.mark.parametrize(
    "line", ["Seite 123. Wir haben es", "- Marktplatz", "2. Der Gemeinderat", "Seiteneingang"]
)
def test_content_lines_are_not_markers(line):
    assert page_marker(line) is None


def test_normalise_chars():
    text = "\uf0b7 Internetanbindung\nA\u202fB\u00a0C \uf07d\uf075 ☒ ja ☐ nein\r\n▪ Punkt"
    assert normalise_chars(text) == "- Internetanbindung\nA B C  ☒ ja ☐ nein\n- Punkt"


@pytest.mark.parametrize(
    ("line", "clean"),
    [
        ("*Wir halten es für bedenklich.*", "Wir halten es für bedenklich."),
        ("unter „**Personelle Auswirkungen**“ die", "unter „Personelle Auswirkungen“ die"),
        ("aufgenommen haben!***", "aufgenommen haben!"),
        ("Mitarbeiter*innen", "Mitarbeiter*innen"),
        ("* Punkt", "- Punkt"),
    ],
)
def test_strip_markdown(line, clean):
    assert strip_markdown(line) == clean


@pytest.mark.parametrize(
    ("text", "speaker", "faction"),
    [
        ("Herr Vogeler (CDU-Fraktion) bittet darum", "Herr Vogeler", "CDU-Fraktion"),
        ("Rm Reuter (B'90/Die Grünen) bittet", "Rm Reuter", "B'90/Die Grünen"),
        ("Herr Zilian (10/FBL) bezieht sich", "Herr Zilian", "10/FBL"),
        ("Stadtrat Marvi (SPD): Ich kann", "Stadtrat Marvi", "SPD"),
        ("Erste Bürgermeisterin Mergen: Das Projekt", "Erste Bürgermeisterin Mergen", None),
        ("Frau Dr. Tautorat (Vorsitzende) fragt", "Frau Dr. Tautorat", None),
        ("Der Vorsitzende ruft Tagesordnungspunkt 9 auf", "Der Vorsitzende", None),
    ],
)
def test_find_speaker(text, speaker, faction):
    label = find_speaker(text)
    assert label is not None
    assert (label.speaker, label.faction) == (speaker, faction)


@pytest.mark.parametrize(
    "text", ["Herrn Müller wird gedankt.", "Herr und Frau", "Die Verwaltung berichtet.", "Rm"]
)
def test_no_speaker(text):
    assert find_speaker(text) is None


def test_wrapped_pdf_text_becomes_paragraphs():
    text = (
        "Die Verwaltung hat die Anfrage geprüft und kommt zu folgendem Ergebnis, das\n"
        "hier in aller Kürze dargestellt wird, ohne auf jede Einzelheit einzugehen.\n"
        "Kurzfassung\n"
        "Der Gemeinderat nimmt die Ausführungen zur Digitalisierung der Verwaltung zur\n"
        "Kenntnis.\n"
        "1.1. Für welche Prozesse verwenden diese die E-Akten?\n"
        "Für alle.\n"
    )
    [doc] = parse_text(text, "x.txt")
    blocks = [(b.kind, doc.text[b.start : b.end]) for b in doc.blocks]
    assert blocks[0][1].endswith("ohne auf jede Einzelheit einzugehen.")
    assert (BlockKind.HEADING, "Kurzfassung") in blocks
    assert (BlockKind.LIST_ITEM, "1.1. Für welche Prozesse verwenden diese die E-Akten?") in (
        blocks
    )


def test_page_break_between_label_and_speech():
    text = (
        "Stadtrat Maier (CDU): Wir stimmen zu.\n \nStadträtin Döring (KAL): \n\n – 2 – \n"
        "Wir auch, und zwar gern.\n"
    )
    [doc] = parse_text(text, "x.txt")
    speeches = [doc.text[b.start : b.end] for b in doc.blocks if b.kind is BlockKind.SPEECH]
    assert speeches[-1] == "Stadträtin Döring (KAL): Wir auch, und zwar gern."
    assert doc.blocks[-1].page == 2


def test_verbatim_speech_continues_until_next_label():
    text = (
        "Stadtrat Maier (CDU): Erster Absatz.\n\nZweiter Absatz der Rede.\n\n(Beifall bei der CDU)"
        "\n\nStadtrat Zeh (SPD): Danke.\n"
    )
    [doc] = parse_text(text, "x.txt")
    got = [(doc.text[b.start : b.end], b.speaker) for b in doc.blocks]
    assert got == [
        ("Stadtrat Maier (CDU): Erster Absatz.", "Stadtrat Maier"),
        ("Zweiter Absatz der Rede.", "Stadtrat Maier"),
        ("(Beifall bei der CDU)", None),
        ("Stadtrat Zeh (SPD): Danke.", "Stadtrat Zeh"),
    ]


def test_two_documents_restart_pages():
    part = (
        "Auszug aus der nicht genehmigten Niederschrift\n\nErstellt am: 01.02.2021\n\n"
        "Gremium:\nRat der Stadt\n\nSitzungsdatum:\n28.01.2021\n\nSitzungsart:\nöffentlich\n\n"
        "zu TOP 1.{n}\n\nThema {n}\n\nBeschluss\n\n(Drucksache Nr.: 1111{n}-21)\n\n"
        "Ein erster Satz.\n\nAuszug aus der nicht genehmigten Niederschrift\n\nZweite Seite.\n\n"
    )
    docs = parse_text(part.format(n=1) + part.format(n=2), "x.txt")
    assert [d.meta.top for d in docs] == ["1.1", "1.2"]
    assert [d.meta.own_numbers for d in docs] == [["11111-21"], ["11112-21"]]
    for doc in docs:
        assert [b.page for b in doc.blocks] == [1, 1, 2]


def test_a_form_row_is_its_label_and_its_value():
    # PDF text of a Karlsruhe Beschlussvorlage's "Finanzielle Auswirkungen" form: the
    # label under a value was joined to it ("14.570.389 Euro … jährlich (Investitionen):")
    text = (
        "Die Verwaltung legt dem Gemeinderat das Konzept zur Digitalisierung der Schulen vor,\n"
        "das in den kommenden fünf Jahren schrittweise umgesetzt werden soll und alle Schulen\n"
        "der Stadt mit Geräten, Netzen und Fortbildung für die Lehrkräfte ausstatten wird.\n"
        "einmalig (Investitionen):\n"
        "14.570.389 Euro verteilt auf 5 Jahre\n"
        "jährlich (Investitionen):\n"
        "2.580.000 Euro\n"
    )
    [doc] = parse_text(text, "x.txt")
    blocks = [doc.text[b.start : b.end] for b in doc.blocks]
    assert blocks[-2:] == [
        "einmalig (Investitionen): 14.570.389 Euro verteilt auf 5 Jahre",
        "jährlich (Investitionen): 2.580.000 Euro",
    ]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # the line before the page break ends in an abbreviation, not a sentence
        (
            "- Anträge, Formulare oder Bescheide, die in Papierform eingereicht werden (z. B.",
            "Sozialleistungen, Fördermittel)",
        ),
        # the paragraph runs on over the break; its page cut must not fall after "Fa."
        (
            "Die Verwaltung hat den Auftrag für die Einführung der E-Akte an die Fa.",
            "Optimal Systems vergeben, die ihn bis Ende des Jahres ausführt.",
        ),
    ],
)
def test_an_abbreviation_before_a_page_break_ends_no_block(before, after):
    [doc] = parse_text(f"Erster Absatz.\n\n{before}\n \n – 2 – \n{after}\n", "x.txt")
    last = doc.blocks[-1]
    assert doc.text[last.start : last.end] == f"{before} {after}"
    assert last.page == 2


def test_a_speech_continues_in_inverted_order_with_a_pronoun() -> None:
    from index.parse.speakers import continues_speech

    assert continues_speech(
        "Zum Pilotprojekt Microsoft Teams gibt er zu bedenken, dass es kritisch sei."
    )
    assert continues_speech("Beim Serviceportal vermisse er den Mehrwert.")
    assert not continues_speech("Zum Pilotprojekt Microsoft Teams liegt eine Vorlage vor.")
    assert not continues_speech("Der Ausschuss nimmt die Vorlage zur Kenntnis.")
