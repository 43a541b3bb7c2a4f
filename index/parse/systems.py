"""Headers and tables of other council information systems (SessionNet, ALLRIS, ...).

Every city's system prints its papers a little differently; these rules read
what they have in common, so a city nobody wrote rules for still gets its
Gremium, meeting date, TOP and status:

* minutes headers: a letter-spaced ``N I E D E R S C H R I F T``, then "zum
  öffentlichen Teil der 26. Sitzung des Stadtrates (SR/026/2021) am Donnerstag,
  10. Juni 2021" (SessionNet) or "Sitzung des Bauausschusses" with
  ``Sitzungstermin: Dienstag, 10.03.2020`` (ALLRIS); the meeting number in
  brackets is not a paper number;
* label rows such as ``Gremium: Sportausschuss``, ``Datum: Di, 27.04.2004``,
  ``Status: öffentlich`` and ``TOP: Ö 4.2`` (ALLRIS excerpts);
* a consultation table ("Beratungsfolge") one row per line, in any column order
  (``Ausschuss für Finanzen 12.04.2021 nicht öffentlich Vorberatung``,
  ``10.02.2020 Bürgerschaft Entscheidung``). The deciding row (the council, else
  a row whose role decides, else the last) gives the document's meeting; the
  status of a preparatory step never makes the paper non-public;
* the city, only where the document names it ("Landeshauptstadt Dresden",
  "Stadt Karlsruhe", a postcode line "01067 Dresden" in the header).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import NamedTuple

_MONTHS = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
_WEEKDAY = (
    r"(?:(?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag|Mo|Di|Mi|Do|Fr|Sa|So)"
    r"\.?,?\s+)?"
)
_DATE = rf"\d{{1,2}}\.\s*(?:\d{{1,2}}\.\s*\d{{4}}|(?:{_MONTHS})\s+\d{{4}})"
_LETTER_SPACED_RE = re.compile(r"^(?:[A-ZÄÖÜ] ){3,}[A-ZÄÖÜ]$")
_SITZUNG_RE = re.compile(
    r"(?:zum\s+(?P<teil>(?:nicht\s?-?)?öffentlichen)\s+Teil\s+)?"
    r"(?:(?:der|über\s+die)\s+)?(?P<nr>\d+\.\s+)?(?:(?:nicht\s?)?öffentlichen?\s+)?Sitzung\s+"
    r"(?P<g>(?:des|der)\s+[^()]{3,120}?)\s*(?:\((?P<mid>[^()\n]{1,30})\))?,?\s+"
    rf"(?:am|vom)\s+{_WEEKDAY}(?P<date>{_DATE})"
)
_TERMIN_RE = re.compile(
    rf"^(?:Sitzungstermin|Sitzungsdatum|Datum|Termin):\s*{_WEEKDAY}(?P<d>{_DATE})"
)
_GREMIUM_LABEL_RE = re.compile(r"^Gremium:\s*(?P<g>\S.*?)(?:\s{2,}|\s+Beschlussart:.*)?$")
_SITZUNG_LINE_RE = re.compile(
    r"^(?:\d+\.\s+)?(?:(?:nicht\s?)?öffentliche\s+)?Sitzung\s+(?P<g>(?:des|der)\s+[^()\d]{3,100}?)"
    r"\s*(?:\([^()]{1,30}\))?$"
)  # ALLRIS: "Sitzung des Bauausschusses" on a line, the date under "Sitzungstermin:"
_STATUS_LABEL_RE = re.compile(r"\bStatus:\s*(?P<s>(?:nicht\s?)?öffentlich)\b")
_TOP_LABEL_RE = re.compile(r"^TOP:?\s*(?:[ÖN]\s*)?(?P<top>\d{1,3}(?:\.\d{1,2})*)\.?(?:\s|$)")
_BODY_STEM_RE = re.compile(
    r"(?:rat|tag|schuss|versammlung|gremium|kommission|senat|vorstand|konvent|beirat)$", re.I
)
_COUNCIL_RE = re.compile(
    r"^(?:Gemeinderat|Stadtrat|Rat der Stadt|Rat|Kreistag|Bürgerschaft|Ratsversammlung"
    r"|Stadtverordnetenversammlung|Gemeindevertretung|Bezirksverordnetenversammlung)\b"
)
_DECIDES_RE = re.compile(r"\b(?:Entscheidung|Beschlussfassung|beschließend|Beschluss)\b", re.I)
_STATUS_RE = re.compile(r"(?:^|\s)(?P<s>nicht\s?-?öffentlich|öffentlich|Ö|N|nö)(?=\s|$)", re.I)
_ROLE_RE = re.compile(
    r"\s*\b(?:Vorberatung|Entscheidung|Beschlussfassung|Kenntnisnahme|beratend|beschließend"
    r"|zur Kenntnis|Anhörung|Beratung|Vorberatend|Zuständigkeit|\(?federführend\)?)\b.*$",
    re.I,
)
_ROW_RE = re.compile(
    rf"^(?P<pre>.*?)\s*(?P<d>\d{{2}}\.\d{{2}}\.\d{{4}}|\d{{1,2}}\.\s*(?:{_MONTHS})\s+\d{{4}})"
    r"\s*(?P<post>.*)$"
)
_PROSE_BEFORE_DATE_RE = re.compile(r"(?:\b(?:vom|am|bis|zum|ab|seit|den)|,)$")
_TABLE_HEAD_RE = re.compile(
    r"^(?:Beratungsfolge|Gremi(?:um|en)\s+(?:Termin|Sitzung|Sitzungsdatum|Datum|Plandatum)"
    r"|(?:Datum|Sitzung am|Status)\s+Gremium)"
)
_TABLE_END_RE = re.compile(
    r"^(?:Beschlussvorschlag|Beschlussentwurf|Beschlussantrag|Gegenstand|Betreff|Sachverhalt"
    r"|Begründung|Beschluss|Antrag|Anlagen?|Finanzielle Auswirkungen|Kurzfassung)\b"
)
_CITY_RE = re.compile(
    r"\b(?:Landeshauptstadt|Hansestadt|Universitätsstadt|Bundesstadt|Kreisstadt|Stadt"
    r"|Gemeinde|Stadtverwaltung)\s+(?P<name>[A-ZÄÖÜ][a-zäöüß]{2,}(?:-[A-ZÄÖÜ][a-zäöüß]+)?)\b"
)
_CITY_UPPER_RE = re.compile(r"\b(?:LANDESHAUPTSTADT|HANSESTADT|STADT)\s+(?P<name>[A-ZÄÖÜ]{3,})\b")
_POSTCODE_CITY_RE = re.compile(r"(?:^|,\s*)\d{5}\s+(?P<name>[A-ZÄÖÜ][a-zäöüß]{2,})\b")
_NOT_CITIES = frozenset(
    {"Verwaltung", "Gesellschaft", "Teil", "Zeit", "Rat", "Rates", "Mitte", "Stadt", "Bevölkerung"}
)
KNOWN_CITIES = ("Dortmund", "Karlsruhe", "Dresden")


class Row(NamedTuple):
    """One consultation-table row: body, meeting date, TOP and status as printed."""

    gremium: str
    date: str
    top: str | None
    status: str | None
    role: str


def despace(line: str) -> str:
    """ "N I E D E R S C H R I F T" -> "NIEDERSCHRIFT"; any other line unchanged."""
    return line.replace(" ", "") if _LETTER_SPACED_RE.match(line.strip()) else line


def nominative(phrase: str) -> str:
    """ "des Stadtrates" -> "Stadtrat", "des Ausschusses für Umwelt" -> "Ausschuss für Umwelt"."""
    genitive = phrase.startswith("des ")
    words = re.sub(r"^(?:des|der)\s+", "", phrase.strip()).split()
    if genitive:
        for i, word in enumerate(words[:3]):
            stem = next(
                (word[: -len(s)] for s in ("es", "s") if word.endswith(s)
                 and _BODY_STEM_RE.search(word[: -len(s)])),
                None,
            )  # fmt: skip
            if stem:
                words[i] = stem
                break
    return " ".join(words).rstrip(",")


class MeetingHeader(NamedTuple):
    gremium: str | None
    date_text: str | None
    session_kind: str | None
    top: str | None
    stated: bool  # a line "… Sitzung des <Gremium> am <date>" names the meeting


def meeting_header(lines: list[str]) -> MeetingHeader | None:
    """A SessionNet/ALLRIS minutes or excerpt header in the first lines, else None."""
    head = [despace(x) for x in lines[:25]]
    joined = "\n".join(head)
    gremium = date_text = kind = top = None
    stated = next((x for x in _SITZUNG_RE.finditer(joined) if _own_line(joined, x)), None)
    if stated:
        gremium, date_text = nominative(" ".join(stated["g"].split())), stated["date"]
        if stated["teil"]:
            kind = (
                "nicht öffentlich" if stated["teil"].lower().startswith("nicht") else "öffentlich"
            )
    for line in head:
        if (m := _GREMIUM_LABEL_RE.match(line) or _SITZUNG_LINE_RE.match(line)) and gremium is None:
            gremium = nominative(m["g"].strip())
        if (m := _TERMIN_RE.match(line)) and date_text is None:
            date_text = m["d"]
        if (m := _STATUS_LABEL_RE.search(line)) and kind is None:
            kind = "nicht öffentlich" if m["s"].lower().startswith("nicht") else "öffentlich"
        if (m := _TOP_LABEL_RE.match(line)) and top is None:
            top = m["top"]
    if gremium is None and date_text is None:
        return None
    return MeetingHeader(gremium, date_text, kind, top, stated is not None)


def _own_line(text: str, m: re.Match[str]) -> bool:
    """A meeting line of its own, not a sentence that mentions a meeting: it starts a
    line, and it numbers the meeting ("26. Sitzung") or nothing but a time follows it."""
    if text[m.start() - 1 : m.start()] not in ("", "\n"):
        return False
    rest = text[m.end() :].split("\n", 1)[0]
    return bool(m["nr"] or m["teil"]) or bool(
        re.fullmatch(r"[,\s]*(?:\d{1,2}[:.]\d{2}\s*Uhr)?", rest)
    )


def is_table_head(line: str) -> bool:
    return bool(_TABLE_HEAD_RE.match(line))


def table_rows(lines: list[str], head: int) -> tuple[list[Row], int]:
    """Rows of a consultation table starting after line ``head``, and its last line."""
    rows: list[Row] = []
    pending: list[str] = []  # a body name wrapped over lines before its row
    last = head
    for i in range(head + 1, min(len(lines), head + 30)):
        line = lines[i].replace("\t", " ").strip()
        m = _ROW_RE.match(line) if len(line) <= 160 else None
        if m and _PROSE_BEFORE_DATE_RE.search(m["pre"]):
            m = None  # "… des Ortschaftsrates vom 08.05.2018, …": prose, not a row
        if _TABLE_END_RE.match(line) or (rows and not m and len(line) > 90):
            break
        if not m:
            if line and not _STATUS_RE.fullmatch(line):
                pending.append(line)
            continue
        rows.append(_row(m, pending))
        pending, last = [], i
    return rows, last


def _row(m: re.Match[str], pending: list[str]) -> Row:
    pre, post = m["pre"].strip(), m["post"].strip()
    status = None
    for part in (pre, post):
        if s := _STATUS_RE.search(part):
            status = _status(s["s"])
    top_m = re.match(r"^(?P<top>\d{1,3}(?:\.\d{1,2})*)\b\s*", post)
    top = top_m["top"] if top_m else None
    post = post[top_m.end() :] if top_m else post
    role_m = _ROLE_RE.search(post)
    role = role_m.group(0).strip() if role_m else ""
    pre = _STATUS_RE.sub(" ", pre).strip(" -")
    body = pre or _STATUS_RE.sub(" ", post[: role_m.start()] if role_m else post).strip(" -")
    body = body or " ".join(pending)
    return Row(" ".join(body.split()), m["d"], top, status, role)


def _status(value: str) -> str:
    v = value.lower().replace("-", "").replace(" ", "")
    return "nicht öffentlich" if v in ("nichtöffentlich", "n", "nö") else "öffentlich"


def deciding_row(rows: list[Row]) -> Row | None:
    """The council's row, else the last row whose role decides, else the last row."""
    council = [r for r in rows if _COUNCIL_RE.match(r.gremium)]
    if council:
        return council[-1]
    deciding = [r for r in rows if _DECIDES_RE.search(r.role)]
    return deciding[-1] if deciding else (rows[-1] if rows else None)


def find_city(head: str, text: str) -> str | None:
    """The city the document names: in its header first, else the one it names most."""
    for regex in (_CITY_RE, _CITY_UPPER_RE, _POSTCODE_CITY_RE):
        names = [m["name"] for m in regex.finditer(head) if m["name"].title() not in _NOT_CITIES]
        if names:
            return Counter(n.title() if n.isupper() else n for n in names).most_common(1)[0][0]
    for known in KNOWN_CITIES:
        if re.search(rf"\b{known}\b", head):
            return known
    counts = Counter(m["name"] for m in _CITY_RE.finditer(text) if m["name"] not in _NOT_CITIES)
    for known in KNOWN_CITIES:
        counts[known] += len(re.findall(rf"\b{known}(?:er)?\b", text))
    best = counts.most_common(1)
    return best[0][0] if best and best[0][1] else None


_FORM_LABEL_RE = re.compile(
    r"^(?:Gremium|Termin|Vorlage\s*Nr\.?|TOP|Verantwortlich|Dienststelle|Sitzung am)\s*:\s*$"
)
_FORM_DATE_RE = re.compile(rf"^(\d{{1,2}})\.\s*(\d{{1,2}}\.|{_MONTHS})\s*(\d{{2}}|\d{{4}})$")
_MONTH_NUMBER = {m: i for i, m in enumerate(_MONTHS.split("|"), 1)}
_FORM_TOP_RE = re.compile(r"^\d{1,3}(?:\.\d{1,2})*$")
_FORM_SPAN = 16


class FormValues(NamedTuple):
    """Values of a form printed as a column of labels, then a column of values."""

    gremium: str | None
    date: dt.date | None
    top: str | None
    status: str | None
    end: int  # index of its last line


def label_form(lines: list[str]) -> FormValues | None:
    """Read a form whose labels ("Gremium:", "Termin:", "Vorlage Nr.:", "TOP:") stand
    on lines of their own and whose values follow in a block (older Karlsruhe papers).

    Values are told apart by their shape, since extraction scrambles their order:
    a date is the meeting, a short number the TOP (the last one; "Vorlage Nr."
    comes before "TOP"), a status word the status, and the text before the date
    the Gremium.
    """
    start = next((i for i, x in enumerate(lines[:40]) if _FORM_LABEL_RE.match(x.strip())), None)
    if start is None:
        return None
    gremium: list[str] = []
    date = top = status = None
    end = start
    for i in range(start, min(len(lines), start + _FORM_SPAN)):
        line = lines[i].strip()
        if _FORM_LABEL_RE.match(line) or not line:
            continue
        if line.lower() in ("öffentlich", "nicht öffentlich", "nichtöffentlich"):
            status, end = _status(line), i
            break
        if (m := _FORM_DATE_RE.match(line)) and date is None:
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            month = _MONTH_NUMBER.get(m[2]) or int(m[2].rstrip("."))
            try:
                date = dt.date(year, month, int(m[1]))
            except ValueError:
                return None
        elif _FORM_TOP_RE.match(line):
            top = line
        elif date is None and len(line) <= 60 and ":" not in line:
            gremium.append(line)
        end = i
    if date is None:
        return None
    return FormValues(" ".join(gremium) or None, date, top, status, end)
