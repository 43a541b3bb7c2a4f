"""A PDF made from plain text: what a council system's download of a Vorlage looks like.

Standard Helvetica with WinAnsiEncoding, so pypdf (the PDF reader of ingest)
reads German umlauts back. Pages of 64 lines, lines wrapped at 100 characters.
"""

from __future__ import annotations

import textwrap

LINES_PER_PAGE = 64


def _escape(line: str) -> bytes:
    raw = line.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _lines(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        out += textwrap.wrap(line, 100) or [""]
    return out or [""]


def text_to_pdf(text: str) -> bytes:
    """A valid PDF whose text layer holds ``text``."""
    lines = _lines(text)
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    objects: list[bytes] = [b"", b"", b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica"
                            b"/Encoding/WinAnsiEncoding>>"]  # fmt: skip
    kids = []
    for page in pages:
        body = (
            b"BT /F1 9 Tf 12 TL 40 800 Td "
            + b" ".join(b"(" + _escape(line) + b") Tj T*" for line in page)
            + b" ET"
        )
        objects.append(b"<</Length %d>>stream\n" % len(body) + body + b"\nendstream")
        content = len(objects)
        objects.append(
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]"
            b"/Resources<</Font<</F1 3 0 R>>>>/Contents %d 0 R>>" % content
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[0] = b"<</Type/Catalog/Pages 2 0 R>>"
    objects[1] = b"<</Type/Pages/Kids[" + b" ".join(kids) + b"]/Count %d>>" % len(kids)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
