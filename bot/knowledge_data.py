"""Plain answers about council knowledge: a paper's path and a list of figures.

These dataclasses are what ``ratsbot status`` / ``ratsbot zahlen`` print and
what the Telegram ``/status`` and ``/zahlen`` commands render: each has
``to_json()`` (the CLI's ``--json`` contract) and ``render_plain(language)``
(German or English frame text; quotes and Gremium names stay German).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.answer import Citation
from index.decisions import Outcome
from index.numbers import format_amount, format_german_number


@dataclass(frozen=True)
class KnowledgeCitation:
    """Where a fact stands: a document passage, or an OParl object (``url``)."""

    drucksachen: tuple[str, ...]
    gremium: str | None
    date: dt.date | None
    top: str | None
    page: int | None
    text: str
    document_id: int | None = None
    chunk_id: int | None = None
    source_path: str | None = None
    speaker: str | None = None
    mentioned: tuple[str, ...] = ()
    url: str | None = None  # OParl id of the agenda item / consultation

    def as_citation(self) -> Citation:
        return Citation(
            self.drucksachen, self.gremium, self.date, self.top, self.page, self.mentioned
        )

    def format(self) -> str:
        text = self.as_citation().format()
        return f"OParl · {text}" if self.url and self.document_id is None else text

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "chunk_id": self.chunk_id,
            "source_path": self.source_path,
            "drucksachen": list(dict.fromkeys((*self.drucksachen, *self.mentioned))),
            "gremium": self.gremium,
            "date": self.date.isoformat() if self.date else None,
            "top": self.top,
            "page": self.page,
            "speaker": self.speaker,
            "text": self.text,
            "url": self.url,
            "citation": self.format(),
        }


_ARTICLE = {"Bezirksvertretung": "die", "Kommission": "die", "Verwaltung": "die"}


def _to(target: str | None, lang: str) -> str:
    if not target:
        return ""
    if lang == "en":
        return f" to the {target}"
    article = _ARTICLE.get(target.split()[0], "den")
    return f" an {article} {target}"


def short_gremium(name: str) -> str:
    """ "Rat der Stadt" is "Rat" in a one-line state; other names stay whole."""
    return "Rat" if name.startswith("Rat der Stadt") else name


@dataclass(frozen=True)
class Step:
    """One consultation of a paper, with its outcome and the citation that states it."""

    date: dt.date | None
    gremium: str
    top: str | None
    kind: str | None
    outcome: Outcome
    detail: str
    citation: KnowledgeCitation
    target: str | None = None
    vote: dict = field(default_factory=dict)
    subject: str | None = None  # e.g. a motion dealt with under the paper
    paper: str | None = None
    stated: str | None = None  # the result as the source words it ("einstimmig zugestimmt")

    def outcome_text(self, lang: str = "de") -> str:
        """ "einstimmig empfohlen an den Rat …", "zurück an den APOD überwiesen"."""
        if self.stated and lang == "de":
            return self.stated
        o, en = self.outcome, lang == "en"
        unanimous = self.vote.get("unanimous")
        how = ""
        if unanimous is True:
            how = "unanimously " if en else "einstimmig "
        elif unanimous is False:
            how = "by majority " if en else "mehrheitlich "
        words = {
            Outcome.SUBMITTED: ("Vorlage", "paper dated"),
            Outcome.SCHEDULED: ("vorgesehen", "scheduled"),
            Outcome.ADVISED: ("vorberaten", "discussed in advance"),
            Outcome.ADOPTED: ("beschlossen", "adopted"),
            Outcome.ADOPTED_CHANGED: ("mit Änderungen beschlossen", "adopted with changes"),
            Outcome.PARTLY_ADOPTED: ("teilweise zugestimmt", "partly adopted"),
            Outcome.REJECTED: ("abgelehnt", "rejected"),
            Outcome.POSTPONED: ("vertagt", "postponed"),
            Outcome.NOTED: ("zur Kenntnis genommen", "taken note of"),
            Outcome.SETTLED: ("erledigt", "settled"),
            Outcome.WITHDRAWN: ("abgesetzt", "withdrawn"),
            Outcome.UNKNOWN: ("behandelt", "dealt with"),
        }
        if o is Outcome.RECOMMENDED:
            text = f"{how}recommended{_to(self.target, 'en')}" if en else f"{how}empfohlen"
            if not en and self.target:
                text = f"{how}empfohlen{_to(self.target, 'de').replace(' an den', ' dem', 1)}"
        elif o is Outcome.REFERRED:
            text = (
                f"referred{_to(self.target, 'en')}"
                if en
                else f"{_to(self.target, 'de')} überwiesen"
            )
        elif o is Outcome.REFERRED_BACK:
            text = (
                f"referred back{_to(self.target, 'en')}"
                if en
                else f"zurück{_to(self.target, 'de')} überwiesen"
            )
        else:
            text = how + words[o][1 if en else 0]
        extra = []
        if self.vote.get("abstentions"):
            label = "abstentions" if en else "Enthaltung"
            extra.append(f"{label}: {', '.join(self.vote['abstentions'])}")
        if self.vote.get("absent"):
            extra.append(f"{'absent' if en else 'abwesend'}: {', '.join(self.vote['absent'])}")
        text = text.strip()
        return text + (f" ({'; '.join(extra)})" if extra else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "gremium": self.gremium,
            "top": self.top,
            "kind": self.kind,
            "outcome": str(self.outcome),
            "outcome_text": self.outcome_text("de"),
            "detail": self.detail,
            "target": self.target,
            "vote": self.vote,
            "subject": self.subject,
            "paper": self.paper,
            "citation": self.citation.to_json(),
        }


def _date(d: dt.date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else "–"


@dataclass
class PaperStatus:
    """A paper's path through the bodies, oldest step first; or "not found"."""

    query: str
    paper: str | None
    found: bool
    title: str | None = None
    date: dt.date | None = None
    paper_type: str | None = None
    related: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    closest: list[str] = field(default_factory=list)

    def current(self, lang: str = "de") -> str:
        """One line: the latest step, e.g. "zuletzt: Rat 17.12.2020 – zurück an den APOD …"."""
        real = [s for s in self.steps if s.outcome is not Outcome.SUBMITTED] or self.steps
        if not real:
            return "no consultation known" if lang == "en" else "keine Beratung bekannt"
        last = real[-1]
        head = "latest" if lang == "en" else "zuletzt"
        where = " ".join(x for x in (short_gremium(last.gremium), _date(last.date)) if x)
        return f"{head}: {where} – {last.outcome_text(lang)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "found": self.found,
            "paper": self.paper,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "paper_type": self.paper_type,
            "related": self.related,
            "steps": [s.to_json() for s in self.steps],
            "current": self.current("de") if self.found else None,
            "closest": self.closest,
        }

    def render_plain(self, language: str = "de") -> str:
        en = language == "en"
        if not self.found:
            msg = (
                f"No paper {self.query!r} is known."
                if en
                else f"Die Drucksache/Vorlage „{self.query}“ ist nicht bekannt."
            )
            if self.closest:
                msg += (" Closest known numbers: " if en else " Ähnliche Nummern: ") + ", ".join(
                    self.closest
                )
            return msg
        label = ("Paper" if en else "Vorlage") if "/" in (self.paper or "") else "Drs."
        head = f"{label} {self.paper}" + (f": {self.title}" if self.title else "")
        if self.date:
            head += f" ({'dated' if en else 'vom'} {_date(self.date)})"
        lines = [head]
        if self.related:
            lines.append(("Related: " if en else "Dazu: ") + ", ".join(self.related))
        lines.append("")
        for s in self.steps:
            where = " · ".join(
                x for x in (_date(s.date), s.gremium, f"TOP {s.top}" if s.top else "") if x
            )
            what = s.outcome_text(language)
            if s.subject:
                what = f"{s.subject}: {what}"
            elif s.paper and s.paper != self.paper:
                what = f"{s.paper}: {what}"
            lines.append(f"- {where}: {what}")
            if s.citation.text and s.citation.text != s.stated:
                lines.append(f"  „{s.citation.text}“")
            lines.append(f"  [{s.citation.format()}]")
        lines += ["", self.current(language)]
        return "\n".join(lines)


@dataclass(frozen=True)
class FigureItem:
    """A figure with what it is about and where it stands."""

    value: float
    text: str
    unit: str
    kind: str
    about: str
    period: str | None
    paper: str | None
    mentions: tuple[str, ...]
    date: dt.date | None
    speaker: str | None
    citation: KnowledgeCitation

    def display_value(self) -> str:
        if self.kind == "euro":
            return f"{format_amount(self.value)} Euro"
        if self.kind == "prozent":
            return f"{format_german_number(self.value)} %"
        return f"{format_german_number(self.value)} {self.unit}"

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "text": self.text,
            "unit": self.unit,
            "kind": self.kind,
            "about": self.about,
            "period": self.period,
            "paper": self.paper,
            "mentions": list(self.mentions),
            "date": self.date.isoformat() if self.date else None,
            "speaker": self.speaker,
            "citation": self.citation.to_json(),
        }


@dataclass
class FigureList:
    """Figures, newest first, for a topic and kind (either may be empty)."""

    topic: str | None
    kind: str | None
    figures: list[FigureItem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "kind": self.kind,
            "figures": [f.to_json() for f in self.figures],
        }

    def render_plain(self, language: str = "de", limit: int | None = 30) -> str:
        en = language == "en"
        if not self.figures:
            what = f" on {self.topic!r}" if en and self.topic else ""
            if not en and self.topic:
                what = f" zu „{self.topic}“"
            return f"No figures found{what}." if en else f"Keine Zahlen gefunden{what}."
        lines = []
        shown = self.figures[:limit] if limit else self.figures
        for f in shown:
            period = f" {f.period}" if f.period else ""
            mention = f" (zu Drs. {', '.join(f.mentions)})" if f.mentions else ""
            lines.append(f"- {f.display_value()}{period} – {f.about or f.text}{mention}")
            who = f"{f.speaker}: " if f.speaker else ""
            lines.append(f"  {who}„{f.citation.text}“")
            lines.append(f"  [{f.citation.format()}]")
        if len(shown) < len(self.figures):
            rest = len(self.figures) - len(shown)
            lines.append(f"… {rest} more" if en else f"… {rest} weitere")
        return "\n".join(lines)
