"""Metadata from real PDFs: header tables split across lines, two columns, real council texts.

The PDFs are made here (tests/support/pdfs.py, fpdf2) from the bundled corpus,
from header layouts council systems print, and from ../shared/realdocs texts;
the parser reads them back through pypdf's text layer like any upload.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.service import Ratsbot
from bot.settings import Settings
from index.parse import parse_file
from index.parse.header_table import read_header_table
from index.parse.readers import decode_text
from tests.support.paths import SEED, require_realdocs
from tests.support.pdfs import text_pdf, two_column_pdf

APOD = "Ausschuss für Personal, Organisation und Digitalisierung"
MEETING = dt.date(2020, 12, 3)
CREATED = dt.date(2020, 12, 9)
_PAGE_MARK = re.compile(r"\n*-- \d+ of \d+ --\n*")

BODY = """Der Tagesordnungspunkt wird gemeinsam mit TOP 4.1.2 behandelt.

Herr Vogeler (CDU-Fraktion) teilt mit, dass dem Thema Digitalisierung sukzessive 38,5 weitere
Planstellen zugeführt werden sollen.

Der Ausschuss empfiehlt dem Rat der Stadt einstimmig, den Masterplan zu beschließen."""

# the same header as council systems print it, each way a PDF's text layer may come back
HEADERS = {
    "tab_rows_long_gremium_wraps": (
        "Erstellt am: 09.12.2020\n"
        f"Gremium:\tSitzungsdatum:\tSitzungsart:\n{APOD}\t03.12.2020\töffentlich\n"
        "zu TOP 4.1.1\nMasterplan Digitale Verwaltung\nEmpfehlung\n(Drucksache Nr.: 18828-20)"
    ),
    "labels_one_per_line_then_values": (
        "Erstellt am: 09.12.2020\nGremium:\nSitzungsdatum:\nSitzungsart:\n"
        "Ausschuss für Personal, Organisation und\nDigitalisierung\n03.12.2020\nöffentlich\n"
        "zu TOP 4.1.1\nMasterplan Digitale Verwaltung\nEmpfehlung\n(Drucksache Nr.: 18828-20)"
    ),
    "label_column_value_column": (
        "Erstellt am: 09.12.2020\n"
        f"Gremium:\t{APOD}\nSitzungsdatum:\t03.12.2020\nSitzungsart:\töffentlich\n"
        "zu TOP 4.1.1\nMasterplan Digitale Verwaltung\nEmpfehlung\n(Drucksache Nr.: 18828-20)"
    ),
    "top_and_paper_number_on_their_own_lines": (
        "Erstellt am: 09.12.2020\nGremium: Sitzungsdatum: Sitzungsart:\n"
        f"{APOD} 03.12.2020 öffentlich\n"
        "zu TOP\n4.1.1\nMasterplan Digitale Verwaltung\nEmpfehlung\n(Drucksache Nr.:\n18828-20)"
    ),
}


def _meta_key(path: Path) -> list[tuple[object, ...]]:
    return [
        (d.meta.gremium, d.meta.meeting_date, d.meta.top, tuple(d.meta.own_numbers))
        for d in parse_file(path)
    ]


@pytest.mark.parametrize("layout", sorted(HEADERS))
def test_split_header_tables_keep_gremium_date_top_and_number(tmp_path: Path, layout: str) -> None:
    pdf = text_pdf(f"Auszug aus der nicht genehmigten Niederschrift\n{HEADERS[layout]}\n{BODY}",
                   tmp_path / f"{layout}.pdf")  # fmt: skip
    [doc] = parse_file(pdf)
    m = doc.meta
    assert (m.gremium, m.meeting_date, m.top, m.own_numbers) == (
        APOD,
        MEETING,
        "4.1.1",
        ["18828-20"],
    ), layout
    assert m.created == CREATED and m.session_kind == "öffentlich" and m.kind == "Empfehlung"


def test_header_table_reader_on_the_text_layer_as_pypdf_gives_it() -> None:
    lines = ["Gremium: Sitzungsdatum: Sitzungsart:", "Ausschuss für Personal, Organisation und",
             "Digitalisierung", "03.12.2020 öffentlich", "zu TOP 4.1.1"]  # fmt: skip
    table = read_header_table(lines, 0)
    assert table is not None
    assert (table.gremium, table.date_text, table.session_text, table.end) == (
        APOD,
        "03.12.2020",
        "öffentlich",
        3,
    )
    assert read_header_table(["Gremium: Rat der Stadt", "Sitzungsdatum: 17.12.2020"], 0) == (
        "Rat der Stadt",
        None,
        None,
        0,
    )
    assert read_header_table(["Der Rat der Stadt beschließt"], 0) is None


def test_bundled_corpus_as_pdf_parses_like_its_text(tmp_path: Path) -> None:
    pdf = text_pdf(SEED.read_text(encoding="utf-8"), tmp_path / "dortmund.pdf")
    from_text = parse_file(SEED)
    from_pdf = parse_file(pdf)
    assert _meta_key(pdf) == _meta_key(SEED)
    assert [d.meta.kind for d in from_pdf] == [d.meta.kind for d in from_text]
    assert [d.meta.created for d in from_pdf] == [d.meta.created for d in from_text]
    assert from_pdf[0].meta.meeting_date == MEETING  # the header table split in the PDF


def test_two_column_pdf_keeps_metadata_and_sentences(tmp_path: Path) -> None:
    header = HEADERS["tab_rows_long_gremium_wraps"]
    body = "\n\n".join([BODY] * 4)
    [doc] = parse_file(two_column_pdf(header, body, tmp_path / "zwei_spalten.pdf"))
    m = doc.meta
    assert (m.gremium, m.meeting_date, m.top, m.own_numbers) == (
        APOD,
        MEETING,
        "4.1.1",
        ["18828-20"],
    )
    flat = " ".join(doc.text.split())
    # each sentence whole: the columns are read one after the other, not line by line across
    assert "dass dem Thema Digitalisierung sukzessive 38,5 weitere Planstellen zugeführt" in flat
    assert "empfiehlt dem Rat der Stadt einstimmig, den Masterplan zu beschließen" in flat


def test_figures_of_a_pdf_carry_the_meeting_date_not_erstellt_am(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    header = HEADERS["labels_one_per_line_then_values"]
    text = f"Auszug aus der nicht genehmigten Niederschrift\n{header}\n{BODY}"
    text_pdf(text, corpus / "apod.pdf")
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", corpus_dirs=(corpus,))
    bot = Ratsbot(settings)
    try:
        bot.reindex()
        [doc] = bot.documents()
        assert (doc.gremium, doc.meeting_date, doc.created) == (APOD, MEETING, CREATED)
        found = bot.figures("Planstellen").figures
        assert found and {f.date for f in found} == {MEETING}
    finally:
        bot.close()


def test_real_council_texts_as_pdf_parse_like_the_text(tmp_path: Path) -> None:
    realdocs = require_realdocs()
    sources = sorted(p for p in realdocs.glob("*.txt"))
    assert sources, f"no texts in {realdocs}"
    differ = []
    for src in sources:
        text = decode_text(src.read_bytes(), src.name)
        pages = [p for p in _PAGE_MARK.split(text) if p.strip()]
        pdf = text_pdf("\f".join(pages), tmp_path / f"{src.stem}.pdf")
        if _meta_key(pdf) != _meta_key(src):
            differ.append((src.name, _meta_key(src), _meta_key(pdf)))
    assert not differ, differ
