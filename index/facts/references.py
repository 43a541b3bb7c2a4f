"""Council paper numbers: find them in text and bring them into one canonical form.

Two numbering schemes occur in the corpus:

* Dortmund "Drucksachen" ``NNNNN-YY`` (five digits, two-digit year), optionally
  with a suffix for amendments and follow-ups: ``18828-20-E5``, ``05185-03-ATC``,
  ``05185-03BA``. They are also written with a slash (``18828/20``).
  Canonical form: ``NNNNN-YY`` plus ``-SUFFIX`` in upper case, always joined with a
  hyphen, so ``05185-03BA`` becomes ``05185-03-BA``. A four-digit number is only
  accepted behind an explicit label (``Drs.``, ``Drucksache``) and is zero-padded
  to five digits, the way Dortmund prints them (``5185-03`` -> ``05185-03``).
* Karlsruhe "Vorlagen" ``YYYY/NNNN`` with a plausible year (1990-2099) and exactly
  four digits after the slash, follow-ups ``YYYY/NNNN/N``. Canonical form: as written.
* Other council information systems: SessionNet numbers with a letter prefix
  (``V0888/21`` Vorlage, ``A0223/21`` Antrag, ``AF0123/21`` or ``AF-Alt00016/23``
  Anfrage), ALLRIS ``VO/2020/123`` and ``2020/BV/1234``, and behind a label
  ``NNNN/YYYY`` (``Vorlagen-Nr. 1234/2020``). Canonical form: as written, the
  letter prefix in capitals (``AF-Alt`` keeps its second part). Meeting numbers
  ``SR/026/2021`` (body/number/year) are not paper numbers.

``raw`` and the offsets cover the number only, never the label in front of it;
labels merely lift the stricter rules that keep dates, money and year ranges
(``2020/2021``) from being taken for paper numbers. The same functions serve
user questions ("Was steht in 18828-20?"), so they work on short text too.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_LABEL = (
    r"(?:Drs\.?|Drucksachen?(?:[- ]?Nr\.?)?|Vorlagen?(?:[- ]?Nr\.?)?|"
    r"(?:Antrag|Anfrage)(?:[- ]?Nr\.?)?|Nr\.?)"
)
_LABEL_RE = re.compile(_LABEL + r"\s*:?\s*$", re.IGNORECASE)

# Dortmund: 4-5 digits, "-" or "/", 2-digit year, optional suffix.
_DORTMUND_RE = re.compile(
    r"(?<![\w./,-])"
    r"(?P<num>\d{4,5})[-/](?P<year>\d{2})"
    r"(?:-(?P<suf1>[A-Z]{1,3}\d{0,2})|(?P<suf2>[A-Z]{2,3}\d{0,2}))?"
    r"(?![\w/-]|[.,]\d)"
)
# Karlsruhe: YYYY/NNNN.
_KARLSRUHE_RE = re.compile(
    r"(?<![\w./,-])(?P<year>19\d{2}|20\d{2})/(?P<num>\d{4})(?:/(?P<sub>\d{1,2}))?"
    r"(?![\w/-]|[.,]\d)"
)

# SessionNet: letter prefix (optionally "-Alt"), 3-6 digits, "/", 2- or 4-digit year.
_PREFIXED_RE = re.compile(
    r"(?<![\w./,-])(?P<prefix>[A-Z]{1,3}(?:-[A-Z][a-z]{1,4})?)(?P<num>\d{3,6})/"
    r"(?P<year>\d{2}|(?:19|20)\d{2})(?![\w/-]|[.,]\d)"
)
_PREFIXED_ANY_CASE_RE = re.compile(
    r"(?P<prefix>[A-Za-z]{1,3}(?:-[A-Za-z]{1,5})?)(?P<num>\d{3,6})/(?P<year>\d{2}|(?:19|20)\d{2})"
)
# ALLRIS: "VO/2020/123", "DS/2021/0456"; Rostock-style "2020/BV/1234".
_ALLRIS_RE = re.compile(
    r"(?<![\w./,-])(?:(?P<prefix>[A-Z]{2,4})/(?P<year>(?:19|20)\d{2})/(?P<num>\d{2,5})"
    r"|(?P<year2>(?:19|20)\d{2})/(?P<kind>[A-Z]{1,4})/(?P<num2>\d{3,5}))(?![\w/-]|[.,]\d)"
)
# "Vorlagen-Nr. 1234/2020": number before the year, only behind a label.
_NUM_YEAR_RE = re.compile(
    r"(?<![\w./,-])(?P<num>\d{3,5})/(?P<year>(?:19|20)\d{2})(?![\w/-]|[.,]\d)"
)


def _labelled(text: str, start: int) -> bool:
    """True when a paper label (``Drs.``, ``Vorlage Nr.:`` ...) stands right before ``start``."""
    return bool(_LABEL_RE.search(text[max(0, start - 25) : start]))


def _dortmund(match: re.Match[str], labelled: bool) -> str | None:
    num, year = match["num"], match["year"]
    if len(num) == 4:
        if not labelled:
            return None
        num = "0" + num
    suffix = match["suf1"] or match["suf2"]
    canonical = f"{num}-{year}"
    return f"{canonical}-{suffix.upper()}" if suffix else canonical


def _karlsruhe(match: re.Match[str], labelled: bool) -> str | None:
    year, num = int(match["year"]), int(match["num"])
    if not 1990 <= year <= 2099:
        return None
    # "2020/2021" is a year range, not Vorlage 2020/2021 - unless a label says so.
    if 1 <= num - year <= 5 and not labelled:
        return None
    sub = f"/{match['sub']}" if match["sub"] else ""  # "2025/0985/1": a follow-up paper
    return f"{match['year']}/{match['num']}{sub}"


def _prefixed(match: re.Match[str], labelled: bool) -> str | None:
    head, _, tail = match["prefix"].partition("-")
    prefix = head.upper() + (f"-{tail.capitalize()}" if tail else "")
    return f"{prefix}{match['num']}/{match['year']}"


def _allris(match: re.Match[str], labelled: bool) -> str | None:
    if match["prefix"]:
        return f"{match['prefix']}/{match['year']}/{match['num']}"
    return f"{match['year2']}/{match['kind']}/{match['num2']}"


def _num_year(match: re.Match[str], labelled: bool) -> str | None:
    return f"{match['num']}/{match['year']}" if labelled else None


_SCHEMES = (
    (_KARLSRUHE_RE, _karlsruhe),
    (_DORTMUND_RE, _dortmund),
    (_PREFIXED_RE, _prefixed),
    (_ALLRIS_RE, _allris),
    (_NUM_YEAR_RE, _num_year),
)


class FoundReference(NamedTuple):
    """A paper number as written at ``text[start:end]`` and in canonical form."""

    raw: str
    number: str
    start: int
    end: int


def find_references(text: str) -> list[FoundReference]:
    """All paper numbers in ``text`` as ``(raw, canonical, start, end)``, in text order.

    ``raw`` is ``text[start:end]``. Overlaps are resolved in favour of the earlier,
    then longer, match.
    """
    found: list[FoundReference] = []
    for regex, convert in _SCHEMES:
        for m in regex.finditer(text):
            canonical = convert(m, _labelled(text, m.start()))
            if canonical is not None:
                found.append(FoundReference(m.group(0), canonical, m.start(), m.end()))
    found.sort(key=lambda r: (r.start, -(r.end - r.start)))
    result: list[FoundReference] = []
    last_end = -1
    for ref in found:
        if ref.start >= last_end:
            result.append(ref)
            last_end = ref.end
    return result


def normalise_reference(raw: str) -> str | None:
    """Canonical form of a single paper number, optionally behind a label; else None.

    ``"18828/20"``, ``"Drs. 18828-20"`` and ``"18828-20"`` all give ``"18828-20"``;
    text that is not exactly one paper number (``"18.11.20"``, ``"2020/2021"``) gives None.
    """
    text = raw.strip()
    label = re.match(_LABEL + r"\s*:?\s*", text, re.IGNORECASE)
    body_start = label.end() if label else 0
    refs = find_references(text)
    if not refs and (m := _PREFIXED_ANY_CASE_RE.fullmatch(text[body_start:])):
        return _prefixed(m, True)  # "v0888/21" typed in a question
    if len(refs) != 1:
        return None
    ref = refs[0]
    if ref.start != body_start or ref.end != len(text):
        return None
    return ref.number
