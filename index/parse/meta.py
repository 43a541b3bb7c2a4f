"""What a council document says about itself: Gremium, date, TOP, title, kind.

Header layouts handled (see /work/shared/realdocs/SOURCES.md, section 6):

* Dortmund "Auszug aus der nicht genehmigten Niederschrift": ``Erstellt am``, a
  ``Gremium / Sitzungsdatum / Sitzungsart`` block (tab-separated on one line or one
  field per line), ``zu TOP 4.1.1``, title, kind, ``(Drucksache Nr.: …)``.
* Karlsruhe Vorlagen (Anfrage, Stellungnahme, Informations-/Beschlussvorlage): the
  document type on the first line, ``Vorlage Nr.:`` (label and value may be
  scrambled), title, and the consultation table, one row per line
  (``Gemeinderat 24.03.2026 27 Ö Kenntnisnahme``). When several bodies are listed,
  the Gemeinderat row is decisive (it decides); without one, the last row (the
  final consultation). A row dated before the row above it is taken as a year typo
  of the source and gets the previous row's year (2026/0214 prints 11.06.2025 for
  the meeting of 11.06.2026).
* Karlsruhe minutes excerpts, old (``Gremium: 58. Plenarsitzung Gemeinderat``,
  ``Termin: 18. Februar 2014, 15:30 Uhr``) and new (``Niederschrift 22.
  Plenarsitzung des Gemeinderates`` and a date line), with ``Punkt 10 der
  Tagesordnung: title`` and ``Vorlage: YYYY/NNNN``.
"""

from __future__ import annotations

import datetime as dt
import re

from index.facts import find_references
from index.parse import systems
from index.parse.clean import join_wrapped
from index.parse.header_table import read_header_table
from index.parse.model import DocumentMeta

_MONTH_NAMES = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}
_NUM_DATE_RE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_WORD_DATE_RE = re.compile(rf"(?<!\d)(\d{{1,2}})\.\s*({'|'.join(_MONTHS)})\s+(\d{{4}})")
_RANGE_DATE_RE = re.compile(r"(\d{1,2})\.?(?:/\.?\d{1,2}\.?)*?/\.?\d{1,2}\.(\d{1,2})\.(\d{4})")
_CONSULT_RE = re.compile(
    r"^(?P<g>[^\d:]*?)\s*(?P<d>(?:\d{2}\./)*\d{2}\.\d{2}\.\d{4})\s+(?P<top>\d{1,3}(?:\.\d{1,2})*)"
    r"(?:\s+(?P<rest>.*))?$"
)
_TABLE_HEAD_RE = re.compile(r"^(?:Gremien Termin|Gremium Termin|Beratungsfolge)")
_JUNK_RE = re.compile(
    r"^(?:x|X|Ö|N|vorberaten.*|genehmigt.*|zugestimmt.*|abgelehnt.*|Kenntnisnahme|-+)$"
)
_TOP_DORTMUND_RE = re.compile(r"^zu TOP\s+(\d+(?:\.\d+)*)")
_TOP_KARLSRUHE_RE = re.compile(
    r"^Punkt\s+(\d+(?:\.\d+)*)\s+der Tagesordnung(?:\s*\([^()]{1,30}\))?:\s*(.*)$"
)
_OWN_LABEL_RE = re.compile(r"Vorlage(?:\s*Nr\.?)?\s*:|Drucksache\s*Nr\.?\s*:")
_DORTMUND_KINDS = {
    "Empfehlung", "Beschluss", "Kenntnisnahme", "Anfrage", "Stellungnahme", "Antrag",
    "Beschlussvorschlag", "Eingabe aus der Bürgerschaft", "Überweisung", "Vertagung",
}  # fmt: skip
_DOC_TYPES = (
    ("stellungnahme", "Stellungnahme"),
    ("informationsvorlage", "Informationsvorlage"),
    ("beschlussvorlage", "Beschlussvorlage"),
    ("niederschrift", "Niederschrift"),
    ("auszug protokoll", "Niederschrift"),
    ("anfrage", "Anfrage"),
    ("antrag zum thema", "Antrag"),
    ("anlage", "Anlage"),
)
_HEAD_SCAN = 60
_LABEL_LINE_RE = re.compile(
    r"^(?:Vorlage|Verantwortlich|Dienststelle|Eingang|Gremium|Termin|TOP|Anfrage|Antrag"
    r"|Federführend|Datum|Status|Bearbeiter|Aktenzeichen|Geschäftsbereich|Amt)\b[^:]*:"
)
_SUBJECT_RE = re.compile(r"^(?:Betreff|Gegenstand|Beratungsgegenstand)\s*:\s*(?P<t>.*)$")


def parse_date(text: str) -> dt.date | None:
    """First date in ``text``: ``03.12.2020``, ``18. Februar 2014`` or ``15./16.12.2020``."""
    found = []
    for regex, conv in (
        (_RANGE_DATE_RE, lambda m: (int(m[3]), int(m[2]), int(m[1]))),
        (_NUM_DATE_RE, lambda m: (int(m[3]), int(m[2]), int(m[1]))),
        (_WORD_DATE_RE, lambda m: (int(m[3]), _MONTHS[m[2]], int(m[1]))),
    ):
        m = regex.search(text)
        if m:
            try:
                found.append((m.start(), dt.date(*conv(m))))
            except ValueError:
                continue
    return min(found)[1] if found else None


_STATUSES = ("öffentlich", "nicht öffentlich")


def _session(value: str) -> str | None:
    v = value.strip().lower()
    if v in ("nicht öffentlich", "nichtöffentlich", "n", "nö", "nicht-öffentlich"):
        return "nicht öffentlich"
    if v in ("öffentlich", "ö", "x"):
        return "öffentlich"
    return None


def normalise_gremium(name: str) -> str:
    """ "58. Plenarsitzung Gemeinderat" and "des Gemeinderates" both mean "Gemeinderat"."""
    name = re.sub(r"^\d+\.\s*Plenarsitzung\s+(?:des\s+)?", "", name.strip())
    name = re.sub(r"^Sitzung\s+(?=[A-ZÄÖÜ])", "", name)  # "Niederschrift Sitzung Bauausschuss"
    name = re.sub(r"^Gemeinderates$", "Gemeinderat", name)
    if name.startswith(("des ", "der ")):
        name = systems.nominative(name)
    return " ".join(name.split())


def _consultations(lines: list[str]) -> list[tuple[int, str, str, str, str]]:
    """Rows of the consultation table as (line index, gremium, date, top, rest)."""
    rows: list[tuple[int, str, str, str, str]] = []
    head = next((i for i, x in enumerate(lines[:_HEAD_SCAN]) if _TABLE_HEAD_RE.match(x)), None)
    if head is None:
        return rows
    last = head
    for i in range(head + 1, min(len(lines), head + 40)):
        m = _CONSULT_RE.match(lines[i].replace("\t", " "))
        if not m:
            continue
        gremium = m["g"].strip()
        if not gremium:
            parts = [x for x in lines[last + 1 : i] if x.strip() and not _JUNK_RE.match(x)]
            gremium = " ".join(parts)
        rows.append((i, gremium, m["d"], m["top"], (m["rest"] or "").strip()))
        last = i
    return rows


def find_header_end(lines: list[str]) -> int:
    """Index of the last line of the document's header block, or -1 if there is none."""
    scan = lines[:_HEAD_SCAN]
    for i, line in enumerate(scan[:30]):
        if line.startswith("(Drucksache Nr"):  # its number may be on the next line (PDF)
            return i + 1 if ")" not in line and i + 1 < len(lines) else i
    for i, line in enumerate(scan[:30]):
        if re.match(r"^Vorlage:\s*\d{4}/\d{4}", line):
            return i
    rows = _consultations(lines)
    if rows:
        end = rows[-1][0]
        while end + 1 < len(lines) and _JUNK_RE.match(lines[end + 1]):
            end += 1
        return end
    if (table := _other_table(lines)) is not None and table[0]:
        return table[1]
    if (form := systems.label_form(lines)) is not None:
        return form.end
    for i, line in enumerate(scan[:25]):
        if line.startswith("Antrag zum Thema") and i + 1 < len(lines):
            return i + 1
        if m := _TOP_DORTMUND_RE.match(line):
            return min(i + 2, len(lines) - 1) if m else i
    return -1


def _top_line(lines: list[str], i: int) -> str:
    """``zu TOP 4.1.1``, also where a PDF put the number on the next line."""
    if lines[i].strip() == "zu TOP" and i + 1 < len(lines):
        return f"zu TOP {lines[i + 1].strip()}"
    return lines[i]


def _dortmund_header(lines: list[str], meta: DocumentMeta) -> None:
    for i, line in enumerate(lines[:30]):
        if m := re.match(r"^Erstellt am:?\s*(.+)$", line):
            meta.created = parse_date(m[1])
        elif table := read_header_table(lines, i):  # however a PDF split it (header_table.py)
            if table.gremium and meta.gremium is None:
                meta.gremium = normalise_gremium(table.gremium)
            meta.meeting_date = meta.meeting_date or parse_date(table.date_text or "")
            meta.session_kind = _session(table.session_text or "") or meta.session_kind
        elif m := _TOP_DORTMUND_RE.match(_top_line(lines, i)):
            meta.top = m[1]
            rest = [x for x in lines[i + 1 : i + 6] if x.strip() and x.strip() != m[1]]
            if rest and not rest[0].startswith("(Drucksache"):
                meta.title = rest[0].strip()
            for x in rest[1:3]:
                if x.strip() in _DORTMUND_KINDS:
                    meta.kind = x.strip()
                    break


def _karlsruhe_minutes(lines: list[str], meta: DocumentMeta) -> None:
    for i, line in enumerate(lines[:_HEAD_SCAN]):
        if m := re.match(r"^Niederschrift\s+(\d+\.\s*Plenarsitzung.*|Sitzung\s+\S.*)$", line):
            meta.gremium = normalise_gremium(m[1])
            meta.meeting_date = meta.meeting_date or parse_date(" ".join(lines[i + 1 : i + 2]))
        elif m := re.match(r"^Gremium:\s*(\S.*)$", line):
            meta.gremium = normalise_gremium(m[1])
        elif m := re.match(r"^Termin:\s*(\S.*)$", line):
            meta.meeting_date = parse_date(m[1]) or meta.meeting_date
        elif meta.session_kind is None and _session(line) in ("öffentlich", "nicht öffentlich"):
            if len(line) > 3:
                meta.session_kind = _session(line)
        elif m := _TOP_KARLSRUHE_RE.match(line):
            meta.top = m[1]
            title = m[2].strip()
            for x in lines[i + 1 : i + 4]:
                if not x.strip() or re.match(r"^(?:Vorlage|Anfrage|Antrag|Beschluss)\b", x):
                    break
                title = join_wrapped(title, x.strip())
            meta.title = title or meta.title
        elif "Ratsangelegenheiten" in line:
            meta.created = parse_date(" ".join(lines[i : i + 2])) or meta.created


def _vorlage_title(lines: list[str]) -> str | None:
    anchors = [
        i
        for i, x in enumerate(lines[:_HEAD_SCAN])
        if re.match(r"^(?:Anfrage|Antrag):\s*\S", x) or _TABLE_HEAD_RE.match(x)
    ]
    if not anchors or anchors[0] == 0:
        return None
    i = anchors[0] - 1
    parts = [lines[i].strip()]
    while i > 0 and (lines[i - 1].endswith("-") or parts[0][:1].islower()):
        i -= 1
        parts.insert(0, lines[i].strip())
    title = ""
    for part in parts:
        title = join_wrapped(title, part)
    if _LABEL_LINE_RE.match(title) or _NUM_DATE_RE.search(title):
        return None
    return title or None


def _subject(lines: list[str]) -> str | None:
    """The title after a "Betreff:" or "Gegenstand:" label (SessionNet, ALLRIS)."""
    for i, line in enumerate(lines[:_HEAD_SCAN]):
        if m := _SUBJECT_RE.match(line):
            value = m["t"].strip() or (lines[i + 1].strip() if i + 1 < len(lines) else "")
            return value if value and not _LABEL_LINE_RE.match(value) else None
    return None


def _karlsruhe_vorlage(lines: list[str], meta: DocumentMeta) -> None:
    rows = _consultations(lines)
    fixed: list[tuple[str, dt.date | None, str, str]] = []
    for _, gremium, date_text, top, rest in rows:
        date = parse_date(date_text)
        if date and fixed and fixed[-1][1] and date < fixed[-1][1]:
            try:
                alt = date.replace(year=fixed[-1][1].year)
            except ValueError:
                alt = date
            date = alt if alt >= fixed[-1][1] else date
        fixed.append((gremium, date, top, rest))
    table = range(0)
    if fixed:
        council = [r for r in fixed if r[0].startswith("Gemeinderat")]
        gremium, date, top, rest = council[-1] if council else fixed[-1]
        meta.gremium, meta.meeting_date, meta.top = normalise_gremium(gremium), date, top
        meta.session_kind = _session(rest.split(" ")[0]) if rest else None
    elif (other := _other_table(lines)) is not None:
        table = range(other[2], other[1] + 1)
        if row := systems.deciding_row(other[0]):
            meta.gremium, meta.top = normalise_gremium(row.gremium) or None, row.top
            meta.meeting_date, meta.session_kind = parse_date(row.date), row.status
    elif (form := systems.label_form(lines)) is not None:
        meta.gremium = normalise_gremium(form.gremium) if form.gremium else None
        meta.meeting_date, meta.top, meta.session_kind = form.date, form.top, form.status
    if meta.session_kind is None:  # the paper's own status line, never a table row's
        for i, line in enumerate(lines[:30]):
            if i not in table and _session(line) in _STATUSES and len(line) > 3:
                meta.session_kind = _session(line)
                break
    meta.title = meta.title or _subject(lines) or _vorlage_title(lines)
    for i, line in enumerate(lines[:25]):
        if line.startswith("Antrag zum Thema") and i + 1 < len(lines):
            meta.title = meta.title or lines[i + 1].strip()
        if m := re.match(r"^Eingang:\s*(.+)$", line):
            meta.created = meta.created or parse_date(m[1])


def _other_table(lines: list[str]) -> tuple[list[systems.Row], int, int] | None:
    """(rows, last line, head line) of a consultation table other systems print."""
    head = next((i for i, x in enumerate(lines[:_HEAD_SCAN]) if systems.is_table_head(x)), None)
    if head is None:
        return None
    rows, last = systems.table_rows(lines, head)
    return rows, last, head


def _other_systems(lines: list[str], meta: DocumentMeta) -> None:
    """What a SessionNet/ALLRIS minutes or excerpt header says, where nothing else did."""
    header = systems.meeting_header(lines)
    if header is None or header.gremium is None:  # a paper's "Datum:" is not a meeting
        return
    if meta.gremium is not None and not header.stated:
        return
    meta.gremium = normalise_gremium(header.gremium) if header.gremium else None
    date = parse_date(header.date_text) if header.date_text else None
    meta.meeting_date = date if header.stated else meta.meeting_date or date
    meta.session_kind = header.session_kind or meta.session_kind
    meta.top = meta.top or header.top
    if meta.kind is None and any(systems.despace(x).startswith("NIEDERSCHRIFT") for x in lines[:5]):
        meta.kind = "Niederschrift"


def _doc_type(lines: list[str]) -> str | None:
    for line in lines[:12]:
        low = systems.despace(line.strip()).lower()
        for prefix, kind in _DOC_TYPES:
            if low.startswith(prefix):
                return kind
        if low.startswith("haushalt") and any("antrag" in x.lower() for x in lines[:4]):
            return "Stellungnahme" if "stellungnahme" in " ".join(lines[:4]).lower() else None
    return None


def extract_meta(lines: list[str], text: str) -> DocumentMeta:
    """Metadata from a document's content lines (``text`` is its cleaned full text)."""
    meta = DocumentMeta()
    head = "\n".join(lines[:_HEAD_SCAN])
    if re.search(r"^(?:Erstellt am|zu TOP|Sitzungsdatum)", head, re.MULTILINE):
        _dortmund_header(lines, meta)
    else:
        meta.kind = _doc_type(lines)
        if meta.kind == "Niederschrift" or _TOP_KARLSRUHE_RE.search(head):
            _karlsruhe_minutes(lines, meta)
        else:
            _karlsruhe_vorlage(lines, meta)
        _other_systems(lines, meta)
        if meta.kind == "Niederschrift" and meta.meeting_date is None:
            meta.meeting_date = parse_date(head[:300])
    meta.city = systems.find_city(head, text)
    return meta


_HEAD_CHARS = 500  # where a document without a header block prints its own number
_OWN_BEFORE_RE = re.compile(
    r"(?:(?:Beschluss|Informations|Mitteilungs|Berichts|Verwaltungs)?[Vv]orlagen?|Drucksachen?"
    r"|Antrag|Anfrage|Beschlussantrag|Dringlichkeitsantrag|Änderungsantrag|Ergänzungsantrag)"
    r"(?:[- ]?(?:Nr\.?|Nummer))?\s*:?\s*$|(?:^|\n)\s*$"
)
_CONTEXT_BEFORE_RE = re.compile(
    r"(?:Bezug|bezogen|siehe|vgl\.|zu|zur|zum|auf|und|in)\s*:?\s*$", re.I
)


def own_in_head(text: str, header_len: int) -> str | None:
    """A document's own number where no "Vorlage Nr.:" label in a header names it.

    In the head of the document (its header block, or its first characters), the
    first paper number that a document-type label introduces ("Beschlussvorlage
    V0888/21", "Antrag Nr. A0223/21") or that stands at the start of a line
    (a SessionNet or ALLRIS number in a right-hand column) is its own; one that
    a reference word introduces ("Bezug: V0123/20") is not.
    """
    limit = header_len or min(len(text), _HEAD_CHARS)
    for ref in find_references(text[:limit]):
        before = text[max(0, ref.start - 40) : ref.start]
        if _CONTEXT_BEFORE_RE.search(before):
            continue
        if _OWN_BEFORE_RE.search(before):
            return ref.number
    return None


def own_label_end(header_text: str) -> int | None:
    """Offset just past the first "Vorlage Nr.:"/"Drucksache Nr.:" label in a header."""
    m = _OWN_LABEL_RE.search(header_text)
    return m.end() if m else None
