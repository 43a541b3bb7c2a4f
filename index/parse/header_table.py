"""A header table of labels over values, however the text layer split it.

Dortmund's minutes excerpts print ``Gremium: / Sitzungsdatum: / Sitzungsart:``
as a table, labels in one row and values in the next. A text export keeps the
two rows as tab-separated lines. A PDF's text layer does not: the labels come
as one line joined by spaces or one label per line, and a long Gremium that
wraps inside its cell comes as two lines, before or after the date beside it::

    Gremium: Sitzungsdatum: Sitzungsart:        Gremium:
    Ausschuss für Personal, Organisation        Sitzungsdatum:
    und Digitalisierung                         Sitzungsart:
    03.12.2020                                  Ausschuss für Personal, Organisation und
    öffentlich                                  Digitalisierung 03.12.2020 öffentlich

:func:`read_header_table` reads all of these by what each value looks like: the
date is the date, the session kind is "öffentlich"/"nicht öffentlich", and the
rest, in order, is the Gremium. Only the labels present are filled.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from index.parse.clean import join_wrapped

_LABEL = r"(?:Gremium|Sitzungsdatum|Sitzungsart|Termin)\s*:"
_LABELS_RE = re.compile(rf"^\s*(?:{_LABEL}\s*)+$")
_ONE_LABEL_RE = re.compile(_LABEL)
_INLINE_RE = re.compile(r"^\s*(?P<label>Gremium|Sitzungsdatum|Sitzungsart)\s*:\s*(?P<value>\S.*)$")
_DATE_RE = re.compile(r"(?<!\d)\d{1,2}\.\d{1,2}\.\d{4}(?!\d)")
_SESSION_RE = re.compile(r"(?:^|\s)((?:nicht[\s-]?)?öffentlich)\s*$", re.IGNORECASE)
_STOP_RE = re.compile(r"^\s*(?:zu TOP\b|Erstellt am|\(Drucksache|Auszug\b|TOP\b)")
_MAX_VALUE_LINES = 6


class HeaderTable(NamedTuple):
    """What a label table says (raw text); ``end``: index of its last line."""

    gremium: str | None
    date_text: str | None
    session_text: str | None
    end: int


def read_header_table(lines: list[str], start: int) -> HeaderTable | None:
    """The table whose label row begins at ``lines[start]``; None if no label row starts there.

    A label with its value on the same line (``Gremium: Rat der Stadt``, a table
    of one label column and one value column) is read the same way.
    """
    labels: list[str] = []
    first: str | None = None  # a value on the label's own line
    i = start
    while i < len(lines) and _LABELS_RE.match(lines[i]):
        labels += [m[0].split(":")[0].strip() for m in _ONE_LABEL_RE.finditer(lines[i])]
        i += 1
    if not labels:
        m = _INLINE_RE.match(lines[start])
        if m is None:
            return None
        labels, first, i = [m["label"]], m["value"], start + 1
    if first is None and (cells := _tab_row(lines, start, i)) is not None:
        fields = dict(zip(labels, cells, strict=False))
        date = fields.get("Sitzungsdatum") or fields.get("Termin")
        return HeaderTable(fields.get("Gremium"), date, fields.get("Sitzungsart"), i)
    values = _Values()
    if first is not None:
        values.add(first)
    end = i - 1
    for j in range(i, min(len(lines), i + _MAX_VALUE_LINES)):
        line = lines[j].replace("\t", " ").strip()
        if _STOP_RE.match(line) or _LABELS_RE.match(line) or _INLINE_RE.match(line):
            break
        if not line and (end >= i or first is not None):
            break
        end = j
        values.add(line)
    return HeaderTable(
        values.gremium or None if "Gremium" in labels else None,
        values.date if {"Sitzungsdatum", "Termin"} & set(labels) else None,
        values.session if "Sitzungsart" in labels else None,
        end,
    )


class _Values:
    """Value lines sorted by what they look like: a date, a session kind, the rest."""

    def __init__(self) -> None:
        self.gremium = ""
        self.date: str | None = None
        self.session: str | None = None

    def add(self, line: str) -> None:
        line = line.replace("\t", " ").strip()
        if self.date is None and (m := _DATE_RE.search(line)):
            self.date = m[0]
            line = (line[: m.start()] + " " + line[m.end() :]).strip()
        if self.session is None and (s := _SESSION_RE.search(line)):
            self.session = s[1]
            line = line[: s.start()].strip()
        if line:
            self.gremium = join_wrapped(self.gremium, line) if self.gremium else line


def _tab_row(lines: list[str], start: int, after: int) -> list[str] | None:
    """The values of a tab-separated label row (a text export): the next line's cells."""
    if after != start + 1 or "\t" not in lines[start] or after >= len(lines):
        return None
    if "\t" not in lines[after]:
        return None
    return [x.strip() for x in lines[after].split("\t")]
