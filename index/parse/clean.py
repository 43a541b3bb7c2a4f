"""Character- and line-level cleaning of extracted council text.

Everything here removes conversion noise only (Markdown emphasis, PDF bullet
glyphs, running headers, line-end hyphenation); the wording itself is never
changed, because answers quote the cleaned text verbatim. Typographic quotes,
check boxes and typos in the source ("eigereicht") stay as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Bullet glyphs of Word/PDF exports (Symbol-font U+F0B7, U+F0A7, ...) become "- ".
_BULLETS = "\uf0b7\uf0a7\uf0d8\uf0fc\uf076\u25aa\u2022\u25cf\u25e6\u2023\u2043"
_BULLET_RE = re.compile(rf"^\s*[{_BULLETS}]\s*")
_INLINE_BULLET_RE = re.compile(rf"\s*[{_BULLETS}]\s*")
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES_RE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MD_BULLET_RE = re.compile(r"^\s*[*+]\s+(?=\S)")
_MD_HEADING_RE = re.compile(r"^\s*#{1,6}\s+")
_EMPHASIS_RE = re.compile(r"(?<![\w*])\*+|\*+(?![\w*])")
_MULTI_SPACE_RE = re.compile(r" {2,}")

FORM_FEED = "\f"
_CONJUNCTIONS = {"und", "oder", "bzw.", "sowie", "bis", "als", "noch", "wie"}


def normalise_chars(text: str) -> str:
    """Unify line ends, spaces and glyphs; bullets become "- ", private-use glyphs vanish."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", f"\n{FORM_FEED}\n")  # a page break (pdftotext), read by page_marker
    text = _INVISIBLE_RE.sub("", text)
    text = _SPACES_RE.sub(" ", text)
    text = _CONTROL_RE.sub("", text)
    lines = []
    for line in text.split("\n"):
        line = _BULLET_RE.sub("- ", line)
        line = _INLINE_BULLET_RE.sub(" - ", line) if _INLINE_BULLET_RE.search(line) else line
        lines.append(_PRIVATE_USE_RE.sub("", line))
    return "\n".join(lines)


def strip_markdown(line: str) -> str:
    """Remove Markdown emphasis and heading marks but keep the words.

    A ``*`` between two letters is a gender star ("Mitarbeiter*innen") and stays.
    """
    line = _MD_HEADING_RE.sub("", line)
    line = _MD_BULLET_RE.sub("- ", line)
    if "*" in line:
        line = _EMPHASIS_RE.sub("", line)
    return line


def tidy_line(line: str) -> str:
    """Trim a line and collapse runs of blanks (PDF text pads lines and table cells)."""
    return _MULTI_SPACE_RE.sub(" ", line.strip(" \t"))


def join_wrapped(left: str, right: str) -> str:
    """Join two hard-wrapped lines, undoing line-end hyphenation where it is safe.

    "Stel-" + "lungnahme" -> "Stellungnahme"; an upper-case letter or digit after
    the break marks a real compound ("DMS-" + "System" -> "DMS-System",
    "E-" + "Akte" -> "E-Akte"); "Ein-" + "oder" keeps the hyphen and the blank.
    """
    if not left:
        return right
    if not right:
        return left
    if len(left) >= 2 and left.endswith("-") and left[-2].isalnum():
        first_word = right.split(" ", 1)[0]
        if first_word in _CONJUNCTIONS or first_word.rstrip(",.") in _CONJUNCTIONS:
            return f"{left} {right}"
        if right[0].islower():
            return left[:-1] + right if left[-2].isalpha() else f"{left} {right}"
        return left + right
    return f"{left} {right}"


# --- running headers and page markers ---------------------------------------------

_DORTMUND_RUNNING = re.compile(r"^Auszug aus der nicht genehmigten Niederschrift$")
_PAGE_OF_RE = re.compile(r"^--\s*(\d+)\s+of\s+(\d+)\s*--$")
_DASHED_NUMBER_RE = re.compile(r"^[–—-]\s*(\d{1,3})\s*[–—-]$")
_SEITE_RE = re.compile(r"^(?:.{0,80}?\s)?Seite\s+(\d{1,3})(?:\s+von\s+\d{1,3})?$")
_SEITE_VON_RE = re.compile(r"^(?:.{0,80}?\s)?Seite:?\s+(\d{1,3})\s*(?:von|/)\s*(\d{1,3})$")
_SLASH_PAGE_RE = re.compile(r"^(\d{1,3})\s?/\s?(\d{1,3})$")
_DROP_RE = re.compile(
    r"^(?:Gedruckt auf 100 ?% Recyclingpapier|Gedruckt auf 100 Prozent Recyclingpapier"
    r"|Wählen Sie ein Element aus\.?)$"
)


@dataclass(frozen=True)
class Marker:
    """What a removed line means for page numbering."""

    new_page: int | None  # the page that starts after this line, if it says so
    next_page: bool = False  # a new page starts, its number is the current one plus one


def page_marker(line: str) -> Marker | None:
    """Classify a (tidied) line as running header / page marker, or None for content.

    ``-- 3 of 6 --`` ends page 3; ``– 4 –``, `` - 4 - ``, ``Seite 4 (von 6)``, a
    SessionNet ``4/6`` or ``… Seite 4 von 6`` line and the right-aligned ``Ergänzende
    Erläuterungen ... Seite 4`` start page 4 (layout reads one that closes a page
    as a footer); a form feed and the Dortmund "Auszug aus der nicht genehmigten
    Niederschrift" line start the next page.
    """
    if not line or len(line) > 120:
        return None
    if _DORTMUND_RUNNING.match(line) or line == FORM_FEED:
        return Marker(None, next_page=True)
    if m := _PAGE_OF_RE.match(line):
        return Marker(int(m[1]) + 1)
    if m := _DASHED_NUMBER_RE.match(line):
        return Marker(int(m[1]))
    if (m := _SEITE_RE.match(line)) and (
        line.startswith("Seite") or line.startswith("Ergänzende Erläuterungen")
    ):
        return Marker(int(m[1]))
    if (m := _SEITE_VON_RE.match(line) or _SLASH_PAGE_RE.match(line)) and _page_of(m):
        return Marker(int(m[1]))
    if _DROP_RE.match(line):
        return Marker(None)
    return None


def _page_of(m: re.Match[str]) -> bool:
    """ "2/8", "Seite 2 von 8": a page number no larger than the page count."""
    page, total = int(m[1]), int(m[2])
    return 1 <= page <= total <= 999 and total > 1
