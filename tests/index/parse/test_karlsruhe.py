"""The 19 real Karlsruhe texts (PDF extractions) from /work/shared/realdocs.

Expected values are taken from the table in SOURCES.md; the Informationsvorlage
2026/0214 prints 11.06.2025 for a meeting OParl dates 2026-06-11 (source typo,
corrected by the year-typo rule in index.parse.meta).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from index.parse import parse_file

D = dt.date
# file stem: (own Vorlage, gremium, meeting date, TOP, kind)
EXPECTED = {
    "ka_2025-0657_anfrage": ("2025/0657", "Gemeinderat", D(2025, 9, 30), "30", "Anfrage"),
    "ka_2025-0657_stellungnahme": (
        "2025/0657", "Gemeinderat", D(2025, 9, 30), "30", "Stellungnahme"),
    "ka_2025-0657_protokoll-gr-2025-09-30-top30": (
        "2025/0657", "Gemeinderat", D(2025, 9, 30), "30", "Niederschrift"),
    "ka_2026-0159_anfrage": ("2026/0159", "Gemeinderat", D(2026, 3, 24), "27", "Anfrage"),
    "ka_2026-0159_stellungnahme": (
        "2026/0159", "Gemeinderat", D(2026, 3, 24), "27", "Stellungnahme"),
    "ka_2026-0159_protokoll-gr-2026-03-24-top27": (
        "2026/0159", "Gemeinderat", D(2026, 3, 24), "27", "Niederschrift"),
    "ka_2026-0214_informationsvorlage": (
        "2026/0214", "Ausschuss für Wirtschaft und Wissenschaft", D(2026, 6, 11), "4",
        "Informationsvorlage"),
    "ka_2023-0904_informationsvorlage": (
        "2023/0904", "Hauptausschuss", D(2023, 9, 12), "10.3", "Informationsvorlage"),
    "ka_2018-0026_beschlussvorlage": (
        "2018/0026", "Gemeinderat", D(2018, 2, 20), "4", "Beschlussvorlage"),
    "ka_2018-0026_protokoll-gr-2018-02-20-top4": (
        "2018/0026", "Gemeinderat", D(2018, 2, 20), "4", "Niederschrift"),
    "ka_2014-0366_beschlussvorlage": (
        "2014/0366", "Gemeinderat", D(2014, 2, 18), "10", "Beschlussvorlage"),
    "ka_2014-0366_protokoll-gr-2014-02-18-top10": (
        "2014/0366", "Gemeinderat", D(2014, 2, 18), "10", "Niederschrift"),
    "ka_2017-0637_beschlussvorlage": (
        "2017/0637", "Gemeinderat", D(2017, 11, 21), "9", "Beschlussvorlage"),
    "ka_2017-0637_protokoll-gr-2017-11-21-top9": (
        "2017/0637", "Gemeinderat", D(2017, 11, 21), "9", "Niederschrift"),
}  # fmt: skip
TITLES = {
    "ka_2026-0159_anfrage": "Nutzung von E-Akten und Faxgeräten",
    "ka_2025-0657_stellungnahme": "Umsetzung der Digitalisierung in Form der E-Akte",
    "ka_2017-0637_protokoll-gr-2017-11-21-top9": (
        "Bildung einer Kommission für Informationstechnik und Digitalisierung"
    ),
    "ka_2023-0904_informationsvorlage": (
        "Aktueller Sachstandsbericht des Amts für Informationstechnik und Digitalisierung "
        "(IT-Amt) zum Haushaltssicherungsprozess Teil 2"
    ),
}
MARKER_RES = [
    re.compile(r"-- \d+ of \d+ --"),
    re.compile(r"(?:^|\n)\s*[–-] \d+ [–-]\s*(?:\n|$)"),
    re.compile(r"Seite \d+ von \d+"),
    re.compile(r"Ergänzende Erläuterungen\s+Seite \d+"),
    re.compile(r"Gedruckt auf 100 Prozent Recyclingpapier"),
]


@pytest.fixture(scope="module")
def parsed(realdocs):
    return {p.stem: parse_file(p, root=realdocs) for p in sorted(realdocs.glob("ka_*.txt"))}


def test_all_nineteen_parse(parsed):
    assert len(parsed) == 19
    for stem, docs in parsed.items():
        assert len(docs) == 1, stem
        doc = docs[0]
        assert doc.source_path == f"{stem}.txt"
        assert doc.blocks, stem
        last_end = 0
        for b in doc.blocks:
            assert last_end <= b.start < b.end <= len(doc.text), stem
            assert b.page >= 1
            last_end = b.end


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_metadata_matches_sources_table(parsed, stem):
    own, gremium, date, top, kind = EXPECTED[stem]
    meta = parsed[stem][0].meta
    assert meta.own_numbers == [own]
    assert (meta.gremium, meta.meeting_date, meta.top, meta.kind) == (gremium, date, top, kind)
    # the city only where the document names it (three excerpts and an Anfrage do not)
    names_it = "Karlsruhe" in parsed[stem][0].text
    assert meta.city == ("Karlsruhe" if names_it else None)


@pytest.mark.parametrize("stem", sorted(TITLES))
def test_titles(parsed, stem):
    assert parsed[stem][0].meta.title == TITLES[stem]


def test_mentioned_vorlage(parsed):
    meta = parsed["ka_2023-0904_informationsvorlage"][0].meta
    assert meta.mentioned_numbers == ["2022/2120"]


def test_session_kind(parsed):
    assert parsed["ka_2026-0159_anfrage"][0].meta.session_kind == "öffentlich"
    assert parsed["ka_2014-0366_protokoll-gr-2014-02-18-top10"][0].meta.session_kind == (
        "öffentlich"
    )


def test_no_running_header_or_page_marker_in_blocks(parsed):
    for stem, docs in parsed.items():
        doc = docs[0]
        for b in doc.blocks:
            text = doc.text[b.start : b.end]
            for regex in MARKER_RES:
                assert not regex.search(text), (stem, regex.pattern, text[:80])


def test_pages_counted(parsed):
    doc = parsed["ka_2026-0159_stellungnahme"][0]
    assert max(b.page for b in doc.blocks) == 7
    doc = parsed["ka_2014-0366_protokoll-gr-2014-02-18-top10"][0]
    assert max(b.page for b in doc.blocks) == 8
    doc = parsed["ka_2018-0026_beschlussvorlage"][0]
    assert max(b.page for b in doc.blocks) == 10


def test_hyphenation_in_real_text(parsed):
    proto = parsed["ka_2026-0159_protokoll-gr-2026-03-24-top27"][0].text
    assert "die Stellungnahme der Verwaltung liege vor" in proto
    anfrage = parsed["ka_2026-0159_anfrage"][0].text
    assert "Nutzung von E-Aktenlösungen spielt" in anfrage


def test_karlsruhe_speakers(parsed):
    doc = parsed["ka_2014-0366_protokoll-gr-2014-02-18-top10"][0]
    speakers = {(b.speaker, b.faction) for b in doc.blocks if b.speaker}
    assert ("Erste Bürgermeisterin Mergen", None) in speakers
    assert ("Stadtrat Maier", "CDU") in speakers
    hh = parsed["ka_2020-1327_protokoll-auszug-hh-2020-12-15"][0]
    assert ("Stadtrat Marvi", "SPD") in {(b.speaker, b.faction) for b in hh.blocks}


def test_speech_label_split_by_page_break_stays_with_speech(parsed):
    doc = parsed["ka_2014-0366_protokoll-gr-2014-02-18-top10"][0]
    for b in doc.blocks:
        text = doc.text[b.start : b.end]
        assert not re.fullmatch(r"Stadtr\w+ [^:]{1,40}:", text), text
