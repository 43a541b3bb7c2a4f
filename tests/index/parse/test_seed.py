"""The Dortmund seed file: two excerpts, running headers removed, sentences whole."""

from __future__ import annotations

import datetime as dt

import pytest

from index.parse import parse_file
from index.parse.model import BlockKind, RefRole
from tests.support.paths import REPO, SEED

SENTENCE_38 = (
    "dass dem Thema Digitalisierung sukzessive 38,5 weitere Planstellen eigereicht werden sollen"
)


@pytest.fixture(scope="module")
def docs():
    if not SEED.exists():
        pytest.skip(f"seed file missing: {SEED}")
    return parse_file(SEED, root=REPO)


def test_two_documents_with_parts(docs):
    assert [d.part for d in docs] == [0, 1]
    assert all(d.source_path == SEED.relative_to(REPO).as_posix() for d in docs)


@pytest.mark.parametrize(
    ("part", "gremium", "date", "top", "kind", "created"),
    [
        (
            0,
            "Ausschuss für Personal, Organisation und Digitalisierung",
            dt.date(2020, 12, 3),
            "4.1.1",
            "Empfehlung",
            dt.date(2020, 12, 9),
        ),
        (1, "Rat der Stadt", dt.date(2020, 12, 17), "10.6", "Beschluss", dt.date(2020, 12, 21)),
    ],
)
def test_metadata(docs, part, gremium, date, top, kind, created):
    meta = docs[part].meta
    assert meta.gremium == gremium
    assert meta.meeting_date == date
    assert meta.session_kind == "öffentlich"
    assert meta.public
    assert meta.top == top
    assert meta.kind == kind
    assert meta.created == created
    assert meta.city == "Dortmund"
    assert meta.title == "Masterplan „Digitale Verwaltung - Arbeiten 4.0“"
    assert meta.own_numbers == ["18828-20"]
    assert meta.mentioned_numbers == ["19027-20"]
    own = next(r for r in meta.references if r.role is RefRole.OWN)
    assert own.raw == "18828-20"


def test_sentence_across_page_break_is_one_block_on_page_2(docs):
    apod = docs[0]
    hits = [b for b in apod.blocks if SENTENCE_38 in apod.text[b.start : b.end]]
    assert len(hits) == 1
    assert hits[0].page == 2
    assert apod.page_at(apod.text.index(SENTENCE_38)) == 2
    # "Zum PR-Schreiben teilt Herr Vogeler mit, dass ..." names its speaker after the verb.
    assert (hits[0].kind, hits[0].speaker, hits[0].faction) == (
        BlockKind.SPEECH,
        "Herr Vogeler",
        "CDU-Fraktion",
    )


def test_rat_sentence_over_page_break_rejoined(docs):
    rat = docs[1]
    assert "eine kontinuierliche Begleitung im APOD." in rat.text


def test_no_running_headers_or_markdown(docs):
    for doc in docs:
        for b in doc.blocks:
            text = doc.text[b.start : b.end]
            assert "Auszug aus der nicht genehmigten Niederschrift" not in text
            assert "Gedruckt auf" not in text
            assert "*" not in text
    assert "„Personelle Auswirkungen“" in docs[0].text


def test_blocks_valid_and_ordered(docs):
    for doc in docs:
        last_end = 0
        for b in doc.blocks:
            assert 0 <= b.start < b.end <= len(doc.text)
            assert b.start >= last_end
            assert b.page >= 1
            assert doc.text[b.start : b.end] == doc.text[b.start : b.end].strip()
            last_end = b.end
        pages = [b.page for b in doc.blocks]
        assert pages == sorted(pages)
        assert pages[0] == 1


def test_header_block_first(docs):
    for doc in docs:
        header = doc.blocks[0]
        assert header.kind is BlockKind.HEADER
        assert "Drucksache Nr.: 18828-20" in doc.text[header.start : header.end]


def test_speakers(docs):
    found = {(b.speaker, b.faction) for d in docs for b in d.blocks if b.kind is BlockKind.SPEECH}
    assert ("Herr Vogeler", "CDU-Fraktion") in found
    assert ("Herr Zilian", "10/FBL") in found
    assert ("Rm Reuter", "B'90/Die Grünen") in found
    assert ("OB Westphal", None) in found
    assert ("Herr Gebel", "Fraktion Die LINKE+") in found
    assert ("Rm Giebel", "SPD") in found  # "Auch Rm Giebel (SPD) schließt sich ..."


def test_continuation_inherits_speaker(docs):
    apod = docs[0]
    block = next(b for b in apod.blocks if apod.text[b.start :].startswith("Er erläutert, dass es"))
    assert (block.kind, block.speaker) == (BlockKind.SPEECH, "Herr Gebel")


def test_headings_and_list_items(docs):
    apod = docs[0]
    kinds = {apod.text[b.start : b.end]: b.kind for b in apod.blocks}
    assert kinds["Beschlussvorschlag"] is BlockKind.HEADING
    assert kinds["Begründung"] is BlockKind.HEADING
    assert kinds["Tagesordnungspunkt Memorandum zur Digitalisierung 2020 bis 2025"] is (
        BlockKind.HEADING
    )
    items = [t for t, k in kinds.items() if k is BlockKind.LIST_ITEM]
    assert any(t.startswith("1. Der Rat der Stadt Dortmund beschließt") for t in items)
    assert any(t.startswith("- Erste Stadtämter arbeiten") for t in items)
    assert len([t for t in items if t.startswith("- ")]) == 8


def test_the_memorandum_debate_is_embedded_with_its_agenda_item(docs):
    from index.ingest.chunking import chunk_document

    for doc in docs:
        chunks = chunk_document(doc)
        [proposal] = [c for c in chunks if "Er schlägt vor, den Antrag an den Rat" in c.text]
        assert proposal.topic == "Memorandum zur Digitalisierung 2020 bis 2025"
        assert chunks[1].topic == "Masterplan „Digitale Verwaltung - Arbeiten 4.0“"


@pytest.mark.parametrize(
    ("line", "item"),
    [
        ("Tagesordnungspunkt Memorandum zur Digitalisierung", "Memorandum zur Digitalisierung"),
        ("TOP 4.1.2 Antrag der CDU-Fraktion", "Antrag der CDU-Fraktion"),
        ("Punkt 3 der Tagesordnung: KA-WLAN", "KA-WLAN"),
        ("TOP 4.1.2", None),
        ("Beschlussvorschlag", None),
        ("Herr Vogeler erläutert TOP 4.1.2 ausführlich und lange.", None),
    ],
)
def test_agenda_item_headings(line: str, item: str | None) -> None:
    from index.parse.blocks import agenda_item

    assert agenda_item(line) == item
