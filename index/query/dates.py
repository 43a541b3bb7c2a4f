"""Meeting dates named in a question: "am 17.12.2020", "im Dezember 2020", "on 3 December 2020".

Council questions often name the meeting instead of the topic ("Was hat der Rat
am 17.12.2020 beschlossen?"). The date is metadata of the minutes, usually not
in the passage's words, so no text retriever sees it; passages of a meeting on
that day (or in that month) get an extra vote among the retrieved candidates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {
    "januar": 1, "jänner": 1, "january": 1, "jan": 1,
    "februar": 2, "february": 2, "feb": 2,
    "märz": 3, "maerz": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "december": 12, "dez": 12, "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUMERIC = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})\b")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH})\.?\s+(\d{{4}})\b", re.I)
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{4}})\b", re.I)


@dataclass(frozen=True)
class NamedDate:
    """A day, or a whole month when the question names no day."""

    year: int
    month: int
    day: int | None = None

    def matches(self, date: dt.date | None) -> bool:
        if date is None or (date.year, date.month) != (self.year, self.month):
            return False
        return self.day is None or date.day == self.day


def _year(text: str) -> int:
    y = int(text)
    return y + 2000 if y < 100 else y


def _valid(year: int, month: int, day: int | None) -> NamedDate | None:
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return None
    return NamedDate(year, month, day)


def dates_in(question: str) -> list[NamedDate]:
    """The meeting days and months a question names, in order, without repeats."""
    found: list[NamedDate | None] = []
    days: list[tuple[int, int]] = []
    for m in _NUMERIC.finditer(question):
        found.append(_valid(_year(m[3]), int(m[2]), int(m[1])))
    for m in _DAY_MONTH.finditer(question):
        found.append(_valid(int(m[3]), _MONTHS[m[2].lower()], int(m[1])))
        days.append(m.span())
    for m in _MONTH_DAY.finditer(question):
        found.append(_valid(int(m[3]), _MONTHS[m[1].lower()], int(m[2])))
        days.append(m.span())
    for m in _MONTH_YEAR.finditer(question):
        if not any(a <= m.start() < b for a, b in days):  # part of a full date above
            found.append(_valid(int(m[2]), _MONTHS[m[1].lower()], None))
    return list(dict.fromkeys(d for d in found if d is not None))
