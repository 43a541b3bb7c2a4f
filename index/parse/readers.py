"""Turn a source file into one string of text, or fail with a one-line reason.

Text files are UTF-8 most of the time, but older council exports are cp1252 or
latin-1; charset-normalizer picks among those few candidates only, which is more
predictable than letting it roam over every code page. PDFs are read through
their text layer (pypdf); each page is followed by a ``-- n of m --`` marker, the
same marker the Karlsruhe extraction uses, so page numbering works the same way.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from pathlib import Path

from charset_normalizer import from_bytes

from index.errors import CorpusError, SourceUnavailable

_CANDIDATES = ["utf_8", "cp1252", "latin_1", "iso8859_15"]
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
_MAX_CONTROL_SHARE = 0.01
_MIN_PDF_TEXT = 20


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a missing or unreadable file is :class:`SourceUnavailable`."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SourceUnavailable(f"{path.name}: file not found") from None
    except IsADirectoryError:
        raise SourceUnavailable(f"{path.name}: is a directory, not a file") from None
    except OSError as exc:
        raise SourceUnavailable(f"{path.name}: cannot be read ({exc.strerror})") from None


def decode_text(data: bytes, name: str) -> str:
    """Decode a text file, refusing empty files and binary content."""
    if not data.strip():
        raise CorpusError(f"{name}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _check_text(data.decode("utf-16"), name)
        except UnicodeDecodeError:
            raise CorpusError(f"{name}: not a text file (broken UTF-16)") from None
    if b"\x00" in data:
        raise CorpusError(f"{name}: not a text file (contains NUL bytes)")
    try:
        return _check_text(data.decode("utf-8-sig"), name)
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        raise CorpusError(f"{name}: not a text file (binary content)")
    return _check_text(str(best), name)


def _check_text(text: str, name: str) -> str:
    if not text.strip():
        raise CorpusError(f"{name}: empty file")
    controls = len(_CONTROL_RE.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise CorpusError(f"{name}: not a text file (binary content)")
    return text


def read_pdf(data: bytes, name: str) -> str:
    """The text layer of a PDF, pages separated by ``-- n of m --`` markers."""
    from pypdf import PdfReader  # imported late: only PDFs need it

    if not data.strip():
        raise CorpusError(f"{name}: empty file")
    if b"%PDF" not in data[:1024]:
        raise CorpusError(f"{name}: damaged PDF: no PDF header")
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    opened = bool(reader.decrypt(""))
                except Exception:
                    opened = False
                if not opened:
                    raise CorpusError(f"{name}: encrypted PDF")
            pages = [page.extract_text() or "" for page in reader.pages]
        except CorpusError:
            raise
        except Exception as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise CorpusError(f"{name}: damaged PDF: {reason[:120]}") from None
    if sum(len(p.strip()) for p in pages) < _MIN_PDF_TEXT:
        raise CorpusError(f"{name}: PDF has no text layer (scanned?)")
    total = len(pages)
    return "".join(f"{p}\n\n-- {i} of {total} --\n\n" for i, p in enumerate(pages, 1))
