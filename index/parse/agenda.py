"""Agenda items that minutes number on a line of their own, and vote tallies.

SessionNet and ALLRIS minutes print a TOP's number alone on a line, its title
on the next ("4" / "Bebauungsplan Nr. 357 …"); their vote results read
"Ja 55 Nein 13 Enthaltung 0", sometimes one word or count per line. A bare
number opens an agenda item only when the line before is no vote word, a title
follows, it is not the page's printed number and the numbers rise through the
document; a document with a single such line has none (one bare number is
noise, not an agenda). A vote tally is never a heading, so it stays with the
item it closes instead of opening the next one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

_BARE_TOP_RE = re.compile(r"^(?:TOP\s*)?(?:[ÖN]\s*)?(?P<num>\d{1,2}(?:\.\d{1,2}){0,2})$")
_VOTE_WORD_RE = re.compile(
    r"(?:^|\s)(?:Ja|Nein|Enthaltung(?:en)?|Stimmenthaltung(?:en)?|Gegenstimmen?|Ja-Stimmen"
    r"|Nein-Stimmen|dafür|dagegen|Stimmen|Zustimmung|Ablehnung)\s*:?$",
    re.I,
)
VOTE_TALLY_RE = re.compile(
    r"\b(?:Ja(?:-Stimmen)?|Nein(?:-Stimmen)?|Enthaltung(?:en)?|Stimmenthaltung(?:en)?"
    r"|Gegenstimmen?|dafür|dagegen)\s*:?\s*\d{1,3}\b"
    r"|\b\d{1,3}\s+(?:Ja-Stimmen|Nein-Stimmen|Gegenstimmen?|Enthaltung(?:en)?"
    r"|Stimmenthaltung(?:en)?)\b",
    re.I,
)
_NUMBERED_TITLE_RE = re.compile(
    r"^(?:TOP\s*)?(?:[ÖN]\s*)?(?P<num>\d{1,2}(?:\.\d{1,2}){0,2})\n(?P<title>[„\"]?[^\W\d_].*)$",
    re.DOTALL,
)
_TITLE_MAX_CHARS = 200


class _Line(Protocol):
    text: str
    page: int
    page_break_before: bool


def is_vote_tally(text: str) -> bool:
    """ "Ja 55 Nein 13 Enthaltung 0", "bei 2 Enthaltungen": counted votes."""
    return len(VOTE_TALLY_RE.findall(text)) >= 2 or bool(
        re.match(r"^(?:Ja|Nein|Enthaltung(?:en)?)\s*:?\s*\d{1,3}$", text.strip())
    )


def agenda_lines(lines: Sequence[_Line]) -> set[int]:
    """Indices of lines that hold only an agenda item's number (see the module docstring)."""
    found: list[int] = []
    last: tuple[int, ...] = ()
    for i in range(len(lines) - 1):
        m = _BARE_TOP_RE.match(lines[i].text)
        if not m:
            continue
        prev = lines[i - 1].text if i else ""
        nxt = lines[i + 1]
        if _VOTE_WORD_RE.search(prev) or nxt.page_break_before:
            continue
        if lines[i].page_break_before and m["num"] == str(lines[i].page):
            continue  # the page's printed number
        first = nxt.text[:1]
        if not (first.isupper() or first in '„"') or _BARE_TOP_RE.match(nxt.text):
            continue
        if _VOTE_WORD_RE.match(nxt.text) or is_vote_tally(nxt.text):
            continue
        key = tuple(int(x) for x in m["num"].split("."))
        if last and key <= last:
            continue
        found.append(i)
        last = key
    return set(found) if len(found) >= 2 else set()


def numbered_title(text: str) -> str | None:
    """The title of "4⏎Bebauungsplan Nr. 357 …", an agenda line kept with its title.

    The line break after the number is what layout leaves only there (wrapped
    lines are joined with a blank), so "3 Schulen wurden saniert" is no item.
    """
    m = _NUMBERED_TITLE_RE.match(text.strip())
    if not m or len(text) > _TITLE_MAX_CHARS or text.rstrip().endswith((".", ",", ";", ":")):
        return None
    return m["title"].strip()
