"""How a paper's path and a list of figures read: plain text in German or English.

``ratsbot status`` / ``ratsbot zahlen`` print this text and the chat commands
``/status`` and ``/zahlen`` split it into paragraphs. Only the frame text is
translated; quotes and Gremium names stay German as the sources have them.
"""

from __future__ import annotations

import datetime as dt

from bot.answer import Citation
from index.facts import Outcome, format_amount, format_german_number
from index.store import FigureItem, FigureList, KnowledgeCitation, PaperStatus, Step


def citation_of(c: KnowledgeCitation) -> Citation:
    """The answer's citation for a knowledge citation (what a quote carries)."""
    return Citation(c.drucksachen, c.gremium, c.date, c.top, c.page, c.mentioned)


def citation_text(c: KnowledgeCitation) -> str:
    """ "Drs. 18828-20 · Rat der Stadt · 17.12.2020 · TOP 10.6"; OParl objects say so."""
    text = citation_of(c).format()
    return f"OParl · {text}" if c.url and c.document_id is None else text


_ARTICLE = {"Bezirksvertretung": "die", "Kommission": "die", "Verwaltung": "die"}

_OUTCOME_WORDS = {  # (German, English)
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


def outcome_text(step: Step, lang: str = "de") -> str:
    """ "einstimmig empfohlen an den Rat …", "zurück an den APOD überwiesen"."""
    if step.stated and lang == "de":
        return step.stated
    o, en = step.outcome, lang == "en"
    unanimous = step.vote.get("unanimous")
    how = ""
    if unanimous is True:
        how = "unanimously " if en else "einstimmig "
    elif unanimous is False:
        how = "by majority " if en else "mehrheitlich "
    if o is Outcome.RECOMMENDED:
        text = f"{how}recommended{_to(step.target, 'en')}" if en else f"{how}empfohlen"
        if not en and step.target:
            text = f"{how}empfohlen{_to(step.target, 'de').replace(' an den', ' dem', 1)}"
    elif o is Outcome.REFERRED:
        text = f"referred{_to(step.target, 'en')}" if en else f"{_to(step.target, 'de')} überwiesen"
    elif o is Outcome.REFERRED_BACK:
        text = (
            f"referred back{_to(step.target, 'en')}"
            if en
            else f"zurück{_to(step.target, 'de')} überwiesen"
        )
    else:
        text = how + _OUTCOME_WORDS[o][1 if en else 0]
    return text.strip() + _vote_note(step, en)


def _vote_note(step: Step, en: bool) -> str:
    """ " (Enthaltung: AfD; abwesend: FDP)" or ""."""
    extra = []
    if step.vote.get("abstentions"):
        label = "abstentions" if en else "Enthaltung"
        extra.append(f"{label}: {', '.join(step.vote['abstentions'])}")
    if step.vote.get("absent"):
        extra.append(f"{'absent' if en else 'abwesend'}: {', '.join(step.vote['absent'])}")
    return f" ({'; '.join(extra)})" if extra else ""


def _date(d: dt.date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else "–"


def current_state(status: PaperStatus, lang: str = "de") -> str:
    """One line: the latest step, e.g. "zuletzt: Rat 17.12.2020 – zurück an den APOD …"."""
    real = [s for s in status.steps if s.outcome is not Outcome.SUBMITTED] or status.steps
    if not real:
        return "no consultation known" if lang == "en" else "keine Beratung bekannt"
    last = real[-1]
    head = "latest" if lang == "en" else "zuletzt"
    where = " ".join(x for x in (short_gremium(last.gremium), _date(last.date)) if x)
    return f"{head}: {where} – {outcome_text(last, lang)}"


def render_status(status: PaperStatus, language: str = "de") -> str:
    """The paper, its steps each with quote and citation, then the current state."""
    en = language == "en"
    if not status.found:
        msg = (
            f"No paper {status.query!r} is known."
            if en
            else f"Die Drucksache/Vorlage „{status.query}“ ist nicht bekannt."
        )
        if status.closest:
            msg += (" Closest known numbers: " if en else " Ähnliche Nummern: ") + ", ".join(
                status.closest
            )
        return msg
    label = ("Paper" if en else "Vorlage") if "/" in (status.paper or "") else "Drs."
    head = f"{label} {status.paper}" + (f": {status.title}" if status.title else "")
    if status.date:
        head += f" ({'dated' if en else 'vom'} {_date(status.date)})"
    lines = [head]
    if status.related:
        lines.append(("Related: " if en else "Dazu: ") + ", ".join(status.related))
    lines.append("")
    for s in status.steps:
        lines += _step_lines(status, s, language)
    lines += ["", current_state(status, language)]
    return "\n".join(lines)


def _step_lines(status: PaperStatus, s: Step, language: str) -> list[str]:
    where = " · ".join(x for x in (_date(s.date), s.gremium, f"TOP {s.top}" if s.top else "") if x)
    what = outcome_text(s, language)
    if s.subject:
        what = f"{s.subject}: {what}"
    elif s.paper and s.paper != status.paper:
        what = f"{s.paper}: {what}"
    lines = [f"- {where}: {what}"]
    if s.citation.text and s.citation.text != s.stated:
        lines.append(f"  „{s.citation.text}“")
    lines.append(f"  [{citation_text(s.citation)}]")
    return lines


def figure_value(f: FigureItem) -> str:
    """ "38,5 Planstellen", "3 Mio. Euro", "12,5 %"."""
    if f.kind == "euro":
        return f"{format_amount(f.value)} Euro"
    if f.kind == "prozent":
        return f"{format_german_number(f.value)} %"
    return f"{format_german_number(f.value)} {f.unit}"


def figure_line(f: FigureItem) -> str:
    """ "38,5 Planstellen – weitere Planstellen für Digitalisierung (Drs. 19027-20), 03.12.2020"."""
    when = f.date.strftime("%d.%m.%Y") if f.date else "–"
    period = f" {f.period}" if f.period else ""
    mention = f" (Drs. {', '.join(f.mentions)})" if f.mentions else ""
    return f"{figure_value(f)}{period} – {f.about or f.text}{mention}, {when}"


def render_figures(found: FigureList, language: str = "de", limit: int | None = 30) -> str:
    """Each figure with its sentence and citation; ``limit`` figures, then how many more."""
    en = language == "en"
    if not found.figures:
        what = f" on {found.topic!r}" if en and found.topic else ""
        if not en and found.topic:
            what = f" zu „{found.topic}“"
        return f"No figures found{what}." if en else f"Keine Zahlen gefunden{what}."
    lines = []
    shown = found.figures[:limit] if limit else found.figures
    for f in shown:
        period = f" {f.period}" if f.period else ""
        mention = f" (zu Drs. {', '.join(f.mentions)})" if f.mentions else ""
        lines.append(f"- {figure_value(f)}{period} – {f.about or f.text}{mention}")
        who = f"{f.speaker}: " if f.speaker else ""
        lines.append(f"  {who}„{f.citation.text}“")
        lines.append(f"  [{citation_text(f.citation)}]")
    if len(shown) < len(found.figures):
        rest = len(found.figures) - len(shown)
        lines.append(f"… {rest} more" if en else f"… {rest} weitere")
    return "\n".join(lines)
