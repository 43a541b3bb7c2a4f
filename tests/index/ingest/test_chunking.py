from __future__ import annotations

import pytest

from index.ingest.chunking import MAX_WORDS, chunk_document
from index.parse.model import Block, BlockKind, DocumentMeta, ParsedDocument
from index.parse.sentences import split_sentences


def _doc(paragraphs: list[tuple[str, str | None]]) -> ParsedDocument:
    text, blocks = "", []
    for i, (para, speaker) in enumerate(paragraphs):
        start = len(text)
        text += para + "\n\n"
        kind = BlockKind.SPEECH if speaker else BlockKind.PARAGRAPH
        blocks.append(Block(start, start + len(para), 1 + i // 3, kind, speaker))
    return ParsedDocument("x.txt", 0, text, blocks, DocumentMeta())


def test_chunks_are_exact_spans_and_never_too_long() -> None:
    long_para = " ".join(f"Satz Nummer {i} ist hier zu Ende." for i in range(120))
    doc = _doc([("Kurz.", None), (long_para, "Herr A"), ("Noch ein Absatz hier.", "Herr B")])
    chunks = chunk_document(doc)
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert len(c.text.split()) <= MAX_WORDS
        for rs, re_, *_ in c.spans:
            assert 0 <= rs < re_ <= len(c.text)
    assert chunks[-1].speaker == "Herr B" or chunks[-1].text.endswith("hier.")


def test_speaker_change_closes_a_full_chunk() -> None:
    a = " ".join(["Wort"] * 120) + "."
    doc = _doc([(a, "Herr A"), ("Das ist meine Antwort darauf.", "Frau B")])
    chunks = chunk_document(doc)
    assert [c.speaker for c in chunks] == ["Herr A", "Frau B"]


@pytest.mark.parametrize(
    "sentences",
    [
        [
            "Die Drucksache Nr. 18828-20 vom 18.11.20 wird am 03.12.2020 behandelt.",
            "Herr Dr. Müller spricht z. B. über die E-Akte.",
            "Es gibt 38,5 Stellen!",
            "Wirklich?",
        ],
        [  # abbreviations of council papers end no sentence
            "Das System enaio OS|ECM (Fa. Optimal Systems) ist die zentrale Plattform.",
            "Homeoffice-Arbeitsplätze für städt. Mitarbeitende sind bzgl. Ziff. 3 geplant.",
            "Die Kosten abzügl. Erträge für 5 St. Geräte folgen.",
        ],
    ],
)
def test_german_sentences(sentences: list[str]) -> None:
    t = " ".join(sentences)
    assert [t[a:b] for a, b in split_sentences(t)] == sentences


def test_a_chunk_mostly_without_speaker_names_none() -> None:
    letter = " ".join(["Brieftext"] * 30) + "."
    doc = _doc([(letter, None), ("Kurzer Beitrag.", "Herr A")])
    (chunk,) = chunk_document(doc)
    assert chunk.speaker is None
    assert chunk.spans[1][3] == "Herr A"  # the block keeps its speaker for quotes


def test_a_chunk_is_embedded_with_the_agenda_item_it_belongs_to() -> None:
    # a speech deep in a debate rarely names its subject ("Er schlägt vor, den Antrag
    # an den Rat zu überweisen"); the question asking for it does ("the motion on the
    # memorandum"), so the item's title travels with the chunk, unquoted
    speech = " ".join(["Herr A spricht lange über Haushalt und Personal."] * 12)
    doc = _doc(
        [
            (speech, "Herr A"),
            ("Tagesordnungspunkt Memorandum zur Digitalisierung", None),
            (speech.replace("Herr A", "Herr B"), "Herr B"),
            ("Er schlägt vor, den Antrag an den Rat zu überweisen.", "Herr C"),
        ]
    )
    blocks = list(doc.blocks)
    blocks[1] = Block(blocks[1].start, blocks[1].end, 1, BlockKind.HEADING)
    doc = ParsedDocument("x.txt", 0, doc.text, blocks, DocumentMeta(title="Masterplan 4.0"))
    chunks = chunk_document(doc)
    assert [c.topic for c in chunks] == ["Masterplan 4.0", "", "Memorandum zur Digitalisierung"]
    assert chunks[1].text.startswith("Tagesordnungspunkt Memorandum")  # named there already
    last = chunks[-1]
    assert last.text == "Er schlägt vor, den Antrag an den Rat zu überweisen."
    assert last.embed_text.startswith("Memorandum zur Digitalisierung\n")
    assert last.embed_text.endswith("\n" + last.text)
    assert "Memorandum" not in last.text


def test_a_sentence_longer_than_a_chunk_is_cut_at_words() -> None:
    """One enormous "sentence" (no full stop in 6,000 words) gives chunks of bounded size."""
    from index.ingest.chunking import MAX_CHARS

    endless = " ".join(f"wort{i}" for i in range(6000))
    huge_word = "x" * (3 * MAX_CHARS)
    doc = _doc([(endless, None), (huge_word, None)])
    chunks = chunk_document(doc)
    assert len(chunks) >= 6000 // MAX_WORDS
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert len(c.text.split()) <= MAX_WORDS and len(c.text) <= MAX_CHARS
    covered = "".join(c.text for c in chunks)
    assert covered.replace(" ", "") == (endless + huge_word).replace(" ", "")  # nothing lost
