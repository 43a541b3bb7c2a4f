"""A paper's consultations as the documents state them, and what came of each.

Members follow a matter by its path through the bodies ("Beratungsfolge"):
which Gremium dealt with it when, under which TOP, and with what outcome. Three
kinds of text state that, and each is read here without a model:

* decision sentences in minutes ("empfiehlt der Ausschuss … dem Rat …
  einstimmig, bei Enthaltung …", "Der Rat der Stadt überweist … zurück an den
  APOD"): only sentences whose grammatical subject is the document's own body,
  so a council excerpt quoting the committee's decision adds nothing wrong;
* Karlsruhe minutes: ``Beschluss:`` and ``Abstimmungsergebnis:``;
* the consultation table of a Vorlage (``Gremium Termin TOP ö nö Ergebnis``).

:func:`classify_result` also reads OParl ``result`` strings, so all sources
share one vocabulary (:class:`Outcome`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    SUBMITTED = "submitted"  # the paper is dated / put forward
    SCHEDULED = "scheduled"  # on a body's agenda, no result stated
    ADVISED = "advised"  # vorberaten
    RECOMMENDED = "recommended"
    ADOPTED = "adopted"
    ADOPTED_CHANGED = "adopted_with_changes"
    PARTLY_ADOPTED = "partly_adopted"
    REJECTED = "rejected"
    POSTPONED = "postponed"
    REFERRED = "referred"
    REFERRED_BACK = "referred_back"
    NOTED = "noted"
    SETTLED = "settled"  # erledigt
    WITHDRAWN = "withdrawn"  # abgesetzt, zurückgezogen
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    target: str | None = None  # referred/recommended to whom
    vote: dict = field(default_factory=dict)  # unanimous/majority, abstentions, absent


@dataclass(frozen=True)
class FoundStep:
    """One consultation found in a document; offsets point into the document text."""

    date: dt.date | None
    gremium: str
    top: str | None
    kind: str | None
    result: Result
    detail: str
    source: str  # "decision" | "result" | "table" | "dated"
    start: int
    end: int
    subject: str | None = None  # set when the step concerns e.g. a motion, not the paper


_RULES: tuple[tuple[re.Pattern[str], Outcome], ...] = tuple(
    (re.compile(p, re.I), o)
    for p, o in (
        (
            r"zurück\w*\s*(?:an|in)\b.*(?:überw|verw)|zurück(?:überw|verw)"
            r"|(?:überw|verw)\w*.*zurück",
            Outcome.REFERRED_BACK,
        ),
        (r"\bvertagt|zurückgestellt|verschoben", Outcome.POSTPONED),
        (r"\babgesetzt|zurückgezogen", Outcome.WITHDRAWN),
        (r"überw[ie]\w*|verw[ie]\w*|\bverweist", Outcome.REFERRED),
        (r"abgelehnt|\blehnt\b.*\bab\b", Outcome.REJECTED),
        (r"empfiehlt|empfohlen", Outcome.RECOMMENDED),
        (r"teilweise zugestimmt|teilweise beschlossen", Outcome.PARTLY_ADOPTED),
        (
            r"geändert\w* (?:beschl|zugest)|geändertem|modifizierten|mit änderung"
            r"|änderungen (?:beschl|zugest)",
            Outcome.ADOPTED_CHANGED,
        ),
        (r"vorberaten", Outcome.ADVISED),
        (
            r"beschlossen|beschließt|zugestimmt|\bstimmt\b.*\bzu\b|genehmigt|angenommen"
            r"|einverstanden|zustimmung",
            Outcome.ADOPTED,
        ),
        (r"kenntnis", Outcome.NOTED),
        (r"erledigt", Outcome.SETTLED),
    )
)
_TARGET_RE = re.compile(
    r"\b(?:an|in)\s+(?:den|die|das|dem)\s+([A-ZÄÖÜ][\wäöüß-]*(?:\s+(?:der|des|für)\s+[\wäöüß-]+)?"
    r"(?:\s+[A-ZÄÖÜ][\wäöüß-]+)?)"
)
_TO_RE = re.compile(
    r"\bdem\s+(Rat(?: der Stadt(?: \w+)?)?|Gemeinderat|[A-ZÄÖÜ][\wäöüß-]*ausschuss)"
)
_ABSTAIN_RE = re.compile(
    r"(?:bei|mit)\s+Enthaltung(?:en)?\s+(?:der|des|von)\s+(.+?)"
    r"(?=\s+und\s+in\s+Abwesenheit|,\s|$|\.)"
)
_ABSENT_RE = re.compile(r"in\s+Abwesenheit\s+(?:der|des|von)\s+(.+?)(?=,\s|$|\.)")


def _parties(text: str) -> list[str]:
    parts = re.split(r"\s+sowie\s+|\s+und\s+(?=der|des)|,\s*", text)
    out = []
    for p in parts:
        p = re.sub(r"^(?:der|des|die)\s+", "", p.strip())
        p = re.sub(r"^(?:Fraktion|Gruppe)\s+|-Fraktion$|\s+Fraktion$", "", p).strip()
        if p:
            out.append(p)
    return out


def classify_result(text: str) -> Result:
    """Outcome, target and vote of a result as stated in German."""
    clean = " ".join(text.split())
    outcome = next((o for rx, o in _RULES if rx.search(clean)), Outcome.UNKNOWN)
    vote: dict = {}
    if re.search(r"\beinstimmig", clean, re.I):
        vote["unanimous"] = True
    elif re.search(r"\bmehrheitlich", clean, re.I):
        vote["unanimous"] = False
    if m := _ABSTAIN_RE.search(clean):
        vote["abstentions"] = _parties(m[1])
    if m := _ABSENT_RE.search(clean):
        vote["absent"] = _parties(m[1])
    target = None
    if outcome in (Outcome.REFERRED, Outcome.REFERRED_BACK):
        found = _TARGET_RE.findall(clean)
        target = found[-1] if found else None
    elif outcome is Outcome.RECOMMENDED and (m := _TO_RE.search(clean)):
        target = m[1]
    return Result(outcome, target, vote)


# -- decision sentences in minutes ------------------------------------------------
_BODY = (
    r"(?:Rat der Stadt|Rat|Gemeinderat|Hauptausschuss|Bezirksvertretung(?:\s+[A-ZÄÖÜ][\w-]+)?|"
    r"Ausschuss(?:\s+für\s+[^,.]+?(?:,\s*[A-ZÄÖÜ][\w]+)*(?:\s+und\s+[A-ZÄÖÜ][\w]+)?)?|"
    r"[A-ZÄÖÜ][\w-]*ausschuss|[A-ZÄÖÜ][\w-]*beirat|Kommission)"
)
_SUBJECT_RE = re.compile(r"(?:^|\s)(?:der|Der)\s+(" + _BODY + r")(?=[\s,.])")
_DECISION_VERB = re.compile(
    r"\b(?:empfiehlt|beschließt|überweist|verweist|vertagt|lehnt\b.*\bab|nimmt\b.*\bKenntnis|"
    r"stimmt\b.*\bzu|wird\b.*\b(?:beschlossen|abgelehnt|vertagt|überwiesen|verwiesen))\b"
)
_HEDGE = re.compile(
    r"\b(?:schlägt|bittet|möchte|hätte|hätten|könne|können|solle|sollte|würde|wünsch\w*|"
    r"vorgeschlagen|ob|fragt|beantragt|Vorschlag)\b"
)
_MINUTES_KINDS = {"Empfehlung", "Beschluss", "Kenntnisnahme", "Niederschrift", "Überweisung"}


def body_head(name: str) -> str:
    """The word that names a body's type: "Ausschuss", "Rat", "Gemeinderat", ..."""
    words = re.findall(r"[A-ZÄÖÜ][\wäöüß-]*", name)
    return words[0] if words else name


def decision_steps(
    sentences: list[tuple[int, int, str | None]],
    text: str,
    *,
    gremium: str | None,
    date: dt.date | None,
    top: str | None,
    kind: str | None,
) -> list[FoundStep]:
    """Decisions stated in minutes: ``sentences`` are (start, end, speaker) in ``text``."""
    if not gremium or kind not in _MINUTES_KINDS:
        return []
    steps = []
    for start, end, speaker in sentences:
        sent = " ".join(text[start:end].split())
        if speaker or re.match(r"^\(?\d+[.)]\s", sent) or _HEDGE.search(sent):
            continue
        if not _DECISION_VERB.search(sent):
            continue
        subj = _SUBJECT_RE.search(sent)
        if subj is None or body_head(subj[1]) != body_head(gremium):
            continue  # another body's decision, quoted here
        result = classify_result(sent)
        if result.outcome is Outcome.UNKNOWN:
            continue
        subject = _motion_subject(sent, text)
        steps.append(
            FoundStep(
                date,
                gremium,
                _motion_top(text, top) if subject else top,
                None if subject or kind == "Niederschrift" else kind,
                result,
                sent,
                "decision",
                start,
                end,
                subject,
            )
        )
    return steps


_MOTION_RE = re.compile(
    r"^(?:Den|Der|Die)\s+((?:\w+\s+)?Antrag\b.*?)\s+"
    r"(?:überweist|empfiehlt|beschließt|lehnt|vertagt|verweist)\b"
)


def _motion_subject(sent: str, text: str) -> str | None:
    """ "Den gemeinsamen Antrag der CDU-Fraktion … überweist" concerns the motion."""
    m = _MOTION_RE.match(sent)
    if not m:
        return None
    label = m[1]
    title = re.search(r"^Tagesordnungspunkt\s+(.+)$", text, re.M)
    return f"{label} („{title[1].strip()}“)" if title else label


def _motion_top(text: str, own_top: str | None) -> str | None:
    for m in re.finditer(r"Antrag[^.]{0,200}?\bTOP\s+(\d+(?:\.\d+)*)|TOP\s+(\d+(?:\.\d+)*)", text):
        found = m[1] or m[2]
        if found != own_top:
            return found
    return None


# -- Karlsruhe minutes: "Beschluss:" / "Abstimmungsergebnis:" -------------------------
_RESULT_RE = re.compile(r"Abstimmungsergebnis:\s*\n*\s*([^\n]+)")
_BESCHLUSS_RE = re.compile(r"Beschluss:\s*\n*\s*(.+?)(?:\n\n|$)", re.S)
# the decision quoted with its vote, up to this length; a longer one is quoted as its vote
DECISION_QUOTE_CHARS = 900


def result_steps(
    text: str, *, gremium: str | None, date: dt.date | None, top: str | None
) -> list[FoundStep]:
    """The stated vote of a Karlsruhe minutes excerpt."""
    m = _RESULT_RE.search(text)
    if m is None or not gremium:
        return []
    stated = m[1].strip()
    beschluss = _BESCHLUSS_RE.search(text[: m.start()])
    decided = " ".join(beschluss[1].split()) if beschluss else ""
    result = classify_result(stated)
    if result.outcome in (Outcome.UNKNOWN, Outcome.ADOPTED) and decided:
        alt = classify_result(decided)
        if alt.outcome is Outcome.NOTED or result.outcome is Outcome.UNKNOWN:
            result = Result(alt.outcome, alt.target, {**alt.vote, **result.vote})
    kind = "Kenntnisnahme" if result.outcome is Outcome.NOTED else "Entscheidung"
    detail = stated + (f" – {_first_sentence(decided)}" if decided else "")
    # "Abstimmungsergebnis: Einstimmige Zustimmung" alone does not say what was decided
    start = beschluss.start() if beschluss else m.start()
    if m.end() - start > DECISION_QUOTE_CHARS:
        start = m.start()
    return [FoundStep(date, gremium, top, kind, result, detail, "result", start, m.end())]


def _first_sentence(text: str) -> str:
    text = re.sub(r"^\(?\d+[.)]\s+", "", text)
    m = re.match(r"(.+?[.!?])(?:\s|$)", text)
    return m[1] if m else text


# -- consultation tables of Vorlagen -------------------------------------------------
_TABLE_HEAD = re.compile(r"^(?:Gremien|Gremium)\s+Termin\s+TOP\b(.*)$", re.M)
_ROW_RE = re.compile(
    r"^(?P<g>[^\d\n]*?)\s*(?P<d>\d{2}\.\d{2}\.\d{4})\s+"
    r"(?P<top>\d{1,3}(?:\.\d{1,2})*)\b(?P<rest>[^\n]*)$"
)
_CELL_JUNK = re.compile(r"^(?:x|X|Ö|N|ö|nö|Ö\s*/\s*N|-+|☒|☐)$")


def table_steps(header: str, offset: int = 0) -> list[FoundStep]:
    """Rows of the ``Beratungsfolge`` table in a Vorlage's header block."""
    head = _TABLE_HEAD.search(header)
    if head is None:
        return []
    results_column = "ergebnis" in head[1].lower()
    lines = header[head.end() :].split("\n")
    pos = head.end()
    rows: list[dict] = []
    pending: list[str] = []
    for line in lines:
        line_start = pos
        pos += len(line) + 1
        m = _ROW_RE.match(line.strip())
        if m:
            gremium = m["g"].strip() or " ".join(pending)
            rows.append(
                {
                    "g": gremium,
                    "d": m["d"],
                    "top": m["top"],
                    "cells": _cells(m["rest"]),
                    "start": offset + line_start,
                    "end": offset + line_start + len(line),
                }
            )
            pending = []
        elif rows and not _ROW_RE.match(line) and (cells := _cells(line)):
            if re.match(r"^[a-zäöü]", cells[0]) or not results_column:
                rows[-1]["cells"] += cells
                rows[-1]["end"] = offset + line_start + len(line)
            else:
                pending.append(" ".join(cells))
        elif not rows and line.strip() and not _CELL_JUNK.match(line.strip()):
            pending.append(line.strip())
    steps: list[FoundStep] = []
    prev: dt.date | None = None
    for r in rows:
        date = _table_date(r["d"], prev)
        prev = date or prev
        stated = " ".join(r["cells"])
        if results_column:
            result = classify_result(stated) if stated else Result(Outcome.SCHEDULED)
            kind = "Vorberatung" if result.outcome is Outcome.ADVISED else None
        else:  # the column says what the body is to do ("Kenntnisnahme"), not what it did
            result, kind = Result(Outcome.SCHEDULED), _duty(r["cells"])
        steps.append(
            FoundStep(date, r["g"], r["top"], kind, result, stated, "table", r["start"], r["end"])
        )
    return steps


def _cells(text: str) -> list[str]:
    cells = [c for c in re.split(r"\s{2,}|\t", text.strip()) if c.strip()]
    out = []
    for c in cells:
        words = [w for w in c.split() if not _CELL_JUNK.match(w)]
        if words:
            out.append(" ".join(words))
    return out


def _table_date(text: str, prev: dt.date | None) -> dt.date | None:
    """A row dated before the row above is a year typo of the source (2026/0214)."""
    try:
        d, m, y = (int(x) for x in text.split("."))
        date = dt.date(y, m, d)
    except ValueError:
        return None
    if prev and date < prev:
        try:
            alt = date.replace(year=prev.year)
        except ValueError:
            return date
        return alt if alt >= prev else date
    return date


# -- the paper's own date ---------------------------------------------------------------
_DATED_RE = re.compile(
    r"(?:Drucksache|Vorlage)(?:\s*Nr\.?)?:?\s*(?P<num>[\d/-]+[A-Z\d-]*)\s+vom\s+"
    r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{2,4})\b"
)


def dated_steps(text: str, number: str) -> list[FoundStep]:
    """ "die Drucksache Nr. 18828-20 vom 18.11.20": the date the paper carries."""
    from index.facts.references import normalise_reference

    for m in _DATED_RE.finditer(text):
        if normalise_reference(m["num"]) != number:
            continue
        year = int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)
        try:
            date = dt.date(year, int(m["m"]), int(m["d"]))
        except ValueError:
            continue
        detail = " ".join(text[m.start() : m.end()].split())
        result = Result(Outcome.SUBMITTED)
        return [FoundStep(date, "", None, "Vorlage", result, detail, "dated", m.start(), m.end())]
    return []


MAX_KIND_CHARS = 64  # the store's column: a longer "kind" is a row run together with text


def _duty(cells: list[str]) -> str | None:
    """What the body is to do: the whole cell text, or its first cell when a flattened
    row ran on into the text after the table."""
    stated = " ".join(cells)
    if len(stated) <= MAX_KIND_CHARS:
        return stated or None
    return cells[0][:MAX_KIND_CHARS] or None
