"""Real PDFs made from text with fpdf2: what a council's PDF export looks like to the parser.

``text_pdf`` lays a text file out as a PDF page by page: a tab-separated line
becomes a table row (one cell per column, a long cell wrapping inside its
column, as council systems print their header tables), every other line a
paragraph that wraps at the page width. ``two_column_pdf`` sets the body in two
columns beside each other. The text layer pypdf reads back from these is what
``index.parse`` has to cope with.
"""

from __future__ import annotations

from pathlib import Path

import pytest

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_ASCII = str.maketrans({"„": '"', "“": '"', "”": '"', "‚": "'", "‘": "'", "’": "'",
                        "–": "-", "—": "-", "…": "...", "€": "EUR", "\u00a0": " "})  # fmt: skip


def _pdf():  # type: ignore[no-untyped-def]
    fpdf = pytest.importorskip("fpdf", reason="fpdf2 (test extra) makes the test PDFs")
    pdf = fpdf.FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    regular = FONT_DIR / "DejaVuSans.ttf"
    if regular.is_file():  # every character of the source text
        pdf.add_font("DejaVu", "", str(regular))
        pdf.set_font("DejaVu", size=10)
    else:  # the PDF core font knows Latin-1 only
        pdf.set_font("Helvetica", size=10)
    return pdf


def _clean(pdf, text: str) -> str:  # type: ignore[no-untyped-def]
    if pdf.font_family == "dejavu":
        return text
    return text.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")


def _row(pdf, cells: list[str], widths: list[float]) -> None:  # type: ignore[no-untyped-def]
    """One table row: each cell wraps inside its column; the row is as high as its tallest."""
    x0, y0 = pdf.get_x(), pdf.get_y()
    bottom = y0
    x = x0
    for cell, width in zip(cells, widths, strict=False):
        pdf.set_xy(x, y0)
        pdf.multi_cell(width, 5, _clean(pdf, cell.strip()) or " ")
        bottom = max(bottom, pdf.get_y())
        x += width
    pdf.set_xy(x0, bottom)


def _lines(pdf, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" in line:  # a table: this row and the tab-separated rows after it
            cells = line.split("\t")
            widths = _widths(len(cells), usable)
            _row(pdf, cells, widths)
        elif line.strip():
            pdf.multi_cell(usable, 5, _clean(pdf, line.strip()))
        else:
            pdf.ln(3)
        i += 1


def _widths(n: int, usable: float) -> list[float]:
    """A wide first column (the Gremium), the others narrow (date, session kind)."""
    if n == 1:
        return [usable]
    first = usable * 0.5
    return [first] + [(usable - first) / (n - 1)] * (n - 1)


def text_pdf(text: str, path: Path) -> Path:
    """``text`` as a PDF at ``path``; pages split where the text has form feeds."""
    pdf = _pdf()
    for page in text.split("\f"):
        pdf.add_page()
        _lines(pdf, page.splitlines())
    pdf.output(str(path))
    return path


def two_column_pdf(header: str, body: str, path: Path) -> Path:
    """The header across the page, then ``body``'s paragraphs in two columns."""
    pdf = _pdf()
    pdf.add_page()
    _lines(pdf, header.splitlines())
    pdf.ln(4)
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    gap = 8.0
    width = (usable - gap) / 2
    with pdf.text_columns(ncols=2, gutter=gap, text_align="LEFT") as cols:
        for para in paragraphs:
            cols.write(_clean(pdf, " ".join(para.split())) + "\n\n")
    del width
    pdf.output(str(path))
    return path
