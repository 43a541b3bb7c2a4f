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
    """The table whose label row begins at ``lines[start]``; None if no label row starts there."""
    labels: list[str] = []
    i = start
    while i < len(lines) and _LABELS_RE.match(lines[i]):
        labels += [m[0].split(":")[0].strip() for m in _ONE_LABEL_RE.finditer(lines[i])]
        i += 1
    if not labels:
        return None
    if (cells := _tab_row(lines, start, i)) is not None:
        fields = dict(zip(labels, cells, strict=False))
        date = fields.get("Sitzungsdatum") or fields.get("Termin")
        return HeaderTable(fields.get("Gremium"), date, fields.get("Sitzungsart"), i)
    gremium = ""
    date: str | None = None
    session: str | None = None
    end = i - 1
    for j in range(i, min(len(lines), i + _MAX_VALUE_LINES)):
        line = lines[j].replace("\t", " ").strip()
        if _STOP_RE.match(line) or _LABELS_RE.match(line) or (not line and end >= i):
            break
        end = j
        if date is None and (m := _DATE_RE.search(line)):
            date = m[0]
            line = (line[: m.start()] + " " + line[m.end() :]).strip()
        if session is None and (s := _SESSION_RE.search(line)):
            session = s[1]
            line = line[: s.start()].strip()
        if line:
            gremium = join_wrapped(gremium, line) if gremium else line
    return HeaderTable(
        gremium or None if "Gremium" in labels else None,
        date if {"Sitzungsdatum", "Termin"} & set(labels) else None,
        session if "Sitzungsart" in labels else None,
        end,
    )


def _tab_row(lines: list[str], start: int, after: int) -> list[str] | None:
    """The values of a tab-separated label row (a text export): the next line's cells."""
    if after != start + 1 or "\t" not in lines[start] or after >= len(lines):
        return None
    if "\t" not in lines[after]:
        return None
    return [x.strip() for x in lines[after].split("\t")]
