"""Hostile and broken files, built in memory: what an upload or a corpus folder may hold."""

from __future__ import annotations

import io
import random

from tests.support.paths import PARSE_FIXTURES

PDF_FIXTURE = PARSE_FIXTURES / "ka_anfrage_two_pages.pdf"


def _pdf(encrypt: bool = False, blank: bool = False) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    if blank:
        writer.add_blank_page(width=200, height=200)
    else:
        for page in pypdf.PdfReader(PDF_FIXTURE).pages:
            writer.add_page(page)
    if encrypt:
        writer.encrypt(user_password="geheim", owner_password="geheim", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def hostile_files() -> list[tuple[str, bytes, str]]:
    """(file name, content, a fragment of the one-line error the admin must get)."""
    garbage = random.Random(1).randbytes(4096)
    pdf = PDF_FIXTURE.read_bytes()
    return [
        ("leer.txt", b"", "empty file"),
        ("nur_leerzeichen.md", b" \n\t\n ", "empty file"),
        ("muell.txt", garbage, "not a text file"),
        ("muell.pdf", garbage, "damaged PDF"),
        ("scan.pdf", _pdf(blank=True), "no text layer"),
        ("geheim.pdf", _pdf(encrypt=True), "encrypted PDF"),
        ("kaputt.pdf", pdf[: len(pdf) // 3], "kaputt.pdf: "),
        ("nul.txt", b"Gremium: Rat\x00\x00\x00 der Stadt" * 10, "NUL bytes"),
        ("steuer.txt", b"\x1b\x00\x01\x02" * 500, "not a text file"),
    ]
