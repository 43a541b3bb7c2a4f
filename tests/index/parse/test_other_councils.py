"""Papers and minutes of other councils' systems (SessionNet, ALLRIS), built after their
public layouts: own paper numbers, Gremium/date/TOP, status, city, pages, agenda items.

The fixtures in tests/fixtures/parse/ were written for these tests after the vendors'
public print layouts (a Dresden-style SessionNet minutes and Vorlage, an ALLRIS
Vorlage and an ALLRIS minutes excerpt); no real document was copied.
"""

from __future__ import annotations

import datetime as dt

import pytest

from index.facts import find_references, normalise_reference
from index.parse import BlockKind, agenda_item, parse_file, parse_text
from tests.support.paths import PARSE_FIXTURES as FIXTURES

D = dt.date


def _doc(name: str):
    docs = parse_file(FIXTURES / name)
    assert len(docs) == 1
    return docs[0]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Vorlage Nr.: V0888/21", "V0888/21"),
        ("Antrag A0223/21", "A0223/21"),
        ("Anfrage AF-Alt00016/23", "AF-Alt00016/23"),
        ("Anfrage AF0324/15 vom 24. Februar 2015", "AF0324/15"),
        ("Vorlage VO/2020/123", "VO/2020/123"),
        ("Beschlussvorlage 2020/BV/1234", "2020/BV/1234"),
        ("Vorlagen-Nr. 1234/2020", "1234/2020"),
        ("Drucksache Nr.: 18828-20", "18828-20"),
        ("Vorlage Nr. 2018/0026", "2018/0026"),
        ("Vorlage Nr.: 2025/0985/1", "2025/0985/1"),
    ],
)
def test_paper_number_schemes(text, number):
    assert [r.number for r in find_references(text)] == [number]


@pytest.mark.parametrize(
    "text", ["26. Sitzung des Stadtrates (SR/026/2021)", "1234/2020", "im Jahr 2020/2021", "B1/20"]
)
def test_meeting_numbers_and_lookalikes_are_no_papers(text):
    assert find_references(text) == []


def test_question_numbers_in_lower_case():
    assert normalise_reference("v0888/21") == "V0888/21"
    assert normalise_reference("Anfrage af-alt00016/23") == "AF-Alt00016/23"


def test_sessionnet_minutes_header():
    doc = _doc("sessionnet_niederschrift.txt")
    meta = doc.meta
    assert (meta.kind, meta.gremium, meta.meeting_date) == (
        "Niederschrift",
        "Stadtrat",
        D(2021, 6, 10),
    )
    assert meta.public and meta.session_kind == "öffentlich"
    assert meta.city == "Dresden"
    assert meta.own_numbers == []  # the meeting number SR/026/2021 is not a paper
    assert meta.mentioned_numbers == ["V0888/21", "A0223/21", "AF-Alt00016/23"]


def test_minutes_pages_from_form_feeds_and_n_of_m_headers():
    doc = _doc("sessionnet_niederschrift.txt")
    pages = {doc.text[b.start : b.end][:11]: b.page for b in doc.blocks}
    assert pages["N I E D E R"] == 1
    assert pages["3\nFahrpreis"] == 2
    assert pages["5\nVerschied"] == 3
    assert all(doc.text[b.start : b.end] != "2/3" for b in doc.blocks)


def test_agenda_numbers_alone_on_a_line_open_agenda_items():
    doc = _doc("sessionnet_niederschrift.txt")
    items = [agenda_item(doc.text[b.start : b.end]) for b in doc.blocks]
    assert [i for i in items if i] == [
        "Bekanntgabe nicht öffentlicher Beschlüsse",
        "Digitalisierung der Verwaltung: E-Akte für alle Ämter V0888/21",
        "Fahrpreiserhöhung stoppen! A0223/21",
        "Anfrage zur Ausstattung der Schulen mit Tablets AF-Alt00016/23",
        "Verschiedenes",
    ]


def test_vote_tallies_stay_with_their_item():
    doc = _doc("sessionnet_niederschrift.txt")
    texts = {doc.text[b.start : b.end]: b.kind for b in doc.blocks}
    assert texts["Zustimmung Ja 55 Nein 13 Enthaltung 0"] is BlockKind.PARAGRAPH
    assert texts["Ja 21 Nein 45 Enthaltung 2"] is BlockKind.PARAGRAPH  # one count per line
    assert not any(agenda_item(t) for t in texts if t.startswith(("Ja", "Zustimmung")))


def test_sessionnet_vorlage_own_number_and_deciding_meeting():
    meta = _doc("sessionnet_vorlage.txt").meta
    assert meta.own_numbers == ["V0888/21"]
    assert (meta.gremium, meta.meeting_date) == ("Stadtrat", D(2021, 6, 10))
    assert meta.title == "Digitalisierung der Verwaltung: E-Akte für alle Ämter"
    assert meta.city == "Dresden"


def test_non_public_committee_steps_leave_a_public_vorlage_public():
    meta = _doc("sessionnet_vorlage.txt").meta
    assert meta.public and meta.session_kind == "öffentlich"


def test_vorlage_own_status_line_counts():
    text = (
        "Vorlage Nr.: V0901/21\nnicht öffentlich\nBeschlussvorlage\n\n"
        "Beratungsfolge\nAusschuss für Finanzen 12.04.2021 Vorberatung\n\n"
        "Gegenstand:\nGrundstücksverkauf\n\nDer Ausschuss beschließt den Verkauf.\n"
    )
    meta = parse_text(text, "v.txt")[0].meta
    assert meta.session_kind == "nicht öffentlich" and not meta.public


def test_footer_pages_after_form_feed():
    doc = _doc("sessionnet_vorlage.txt")
    page = {doc.text[b.start : b.end][:20]: b.page for b in doc.blocks}
    assert page["Die Landeshauptstadt"] == 1
    assert page["Die Kosten verteilen"] == 2
    assert max(b.page for b in doc.blocks) == 2


def test_footer_pages_without_form_feed():
    body = "Erster Absatz der Seite mit genug Text für eine Zeile.\n" * 3
    text = f"Titel\n\n{body}Seite 1 von 2\n{body}Seite 2 von 2\n"
    doc = parse_text(text, "f.txt")[0]
    assert sorted({b.page for b in doc.blocks}) == [1, 2]


def test_slash_page_headers():
    text = "Einleitung der Vorlage.\n\n1/2\nErster Satz.\n\n2/2\nZweiter Satz.\n"
    doc = parse_text(text, "s.txt")[0]
    pages = {doc.text[b.start : b.end]: b.page for b in doc.blocks}
    assert pages["Erster Satz."] == 1 and pages["Zweiter Satz."] == 2


def test_allris_vorlage():
    meta = _doc("allris_vorlage.txt").meta
    assert meta.own_numbers == ["VO/2020/123"]
    assert (meta.gremium, meta.meeting_date) == ("Stadtvertretung", D(2020, 3, 4))
    assert meta.public and meta.title == "Einführung eines Bürgerportals"
    assert meta.city == "Beispielstadt"


def test_allris_excerpt_labels():
    meta = _doc("allris_auszug.txt").meta
    assert (meta.gremium, meta.meeting_date, meta.top) == ("Sportausschuss", D(2004, 4, 27), "4.2")
    assert meta.session_kind == "öffentlich"
    assert meta.city is None  # no city named: none guessed


def test_city_is_never_defaulted():
    meta = parse_text("Vorlage Nr.: 2020/0001\n\nDer Rat beschließt den Haushalt.\n", "x.txt")[
        0
    ].meta
    assert meta.city is None
    meta = parse_text("Drucksache Nr.: 12345-20\n\nDer Rat beschließt.\n", "y.txt")[0].meta
    assert meta.city is None


def test_letter_spaced_minutes_header_of_a_committee():
    text = (
        "N I E D E R S C H R I F T\n\nzum nichtöffentlichen Teil\n"
        "der 12. Sitzung des Ausschusses für Umwelt und Kommunalwirtschaft (UA/012/2021)\n"
        "am Mittwoch, 3. März 2021\n\n1\nBericht der Verwaltung\n\nDer Bericht wird vorgestellt.\n"
    )
    meta = parse_text(text, "n.txt")[0].meta
    assert meta.kind == "Niederschrift"
    assert meta.gremium == "Ausschuss für Umwelt und Kommunalwirtschaft"
    assert meta.meeting_date == D(2021, 3, 3)
    assert not meta.public


def test_label_column_form_of_older_karlsruhe_papers():
    # after the archive's pre-2016 layout: labels in one column, values in the next
    text = (
        "STADT KARLSRUHE\nDer Oberbürgermeister\nSTELLUNGNAHME zur Anfrage\n"
        "Stadträtin A (Die Linke)\nvom: 18.09.2015\nGremium:\n16. Plenarsitzung Gemeinderat\n"
        "Termin:\nVorlage Nr.:\nTOP:\nVerantwortlich:\n20.10.2015\n2015/0560\n19\n"
        "öffentlich\nDez. 1\nPersonalmangel bei der AVG\n\n1. Wie viele Lokführer?\n"
    )
    meta = parse_text(text, "k.txt")[0].meta
    assert meta.own_numbers == ["2015/0560"]
    assert (meta.gremium, meta.meeting_date, meta.top) == ("Gemeinderat", D(2015, 10, 20), "19")
    assert meta.public and meta.city == "Karlsruhe"


def test_stated_meeting_line_wins_over_the_consultation_table():
    text = (
        "Beschlussvorlage\nSTADT KARLSRUHE\n20. Sitzung des Gemeinderates am 24.01.2006\nTOP 6\n"
        "Vorlage Nr. 516\nBebauungsplan Karlsruher Weg\n"
        "Beratungsfolge Sitzung am TOP ö nö Ergebnis\nPlanungsausschuss 06.05.2004 Zustimmung\n"
        "Antrag an den Gemeinderat\nDer Gemeinderat beschließt.\n"
    )
    meta = parse_text(text, "b.txt")[0].meta
    assert (meta.gremium, meta.meeting_date) == ("Gemeinderat", D(2006, 1, 24))


def test_allris_agenda_lines_with_status_letter():
    text = (
        "Niederschrift\nSitzung des Bauausschusses\nSitzungstermin: Dienstag, 10.03.2020\n\n"
        "Ö 1\nEröffnung der Sitzung\n\nDer Vorsitzende eröffnet die Sitzung.\n\n"
        "Ö 2\nBebauungsplan Hafenstraße\n\nDer Ausschuss stimmt zu.\n"
    )
    doc = parse_text(text, "a.txt")[0]
    assert (doc.meta.gremium, doc.meta.meeting_date) == ("Bauausschuss", D(2020, 3, 10))
    items = [agenda_item(doc.text[b.start : b.end]) for b in doc.blocks]
    assert [i for i in items if i] == ["Eröffnung der Sitzung", "Bebauungsplan Hafenstraße"]


def test_a_single_bare_number_is_no_agenda():
    text = "Bericht\n\nDie Tabelle zeigt die Werte.\n\n3\nSchulen wurden saniert\n"
    doc = parse_text(text, "b.txt")[0]
    assert not any(agenda_item(doc.text[b.start : b.end]) for b in doc.blocks)


def test_a_sentence_mentioning_a_meeting_is_no_meeting_line():
    text = (
        "Beschlussvorlage\nVorlage Nr.: 2018/0101\nBeratungsfolge\n"
        "Gemeinderat 20.03.2018 5 Ö Entscheidung\nKurzfassung\nDer Schulbeirat hat in seiner\n"
        "Sitzung des Schulbeirats am 07.02.2018 über die Liste beraten und zugestimmt.\n"
    )
    meta = parse_text(text, "s.txt")[0].meta
    assert (meta.gremium, meta.meeting_date) == ("Gemeinderat", D(2018, 3, 20))
