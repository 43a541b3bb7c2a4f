"""Quantitative statements in council text: posts, money, percentages, counts.

Staff asking "how many posts, how much money" need the figure together with
what it is about and where it stands, not a passage to read through. A figure
here is a number (German digits or words, with a scale such as ``Millionen``)
followed by its unit; dates, years, TOP/page/paragraph numbers and times are
not figures, nor are vote tallies ("0 Enthaltungen") and postcodes ("01067
Dresden"). ``about`` is the noun phrase the figure counts or, for money, the
cost noun before it ("Die Kosten hierfür" is resolved to what the sentence
before counted, so "drei Millionen Euro pro Jahr" stays tied to the posts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from index.facts.numbers import NUMBER_PATTERN, SCALE_PATTERN, parse_german_number

# a question asking for a figure: "Wie viele Stellen …?", "How much does … cost?"
FIGURE_CUE = re.compile(
    r"\b(?:wie\s?viele?|wieviele?|how\s+(?:many|much)|was\s+kostet|kosten|kostet|cost\w*|"
    r"anzahl|höhe\s+der|wie\s+hoch)\b",
    re.I,
)
_KIND_CUES = (
    (
        "stellen",
        re.compile(
            r"\b(?:plan|personal|vollzeit)?stellen?\b|\bposten|\bposts?\b|\bpositions?|"
            r"\bpersonal\b|\bstaff|\bvzä|\bvollzeit",
            re.I,
        ),
    ),
    ("euro", re.compile(r"kost|cost|euro|geld|money|budget|much|hoch|mittel", re.I)),
    ("prozent", re.compile(r"prozent|percent|anteil|share", re.I)),
)


def wanted_kind(question: str) -> str | None:
    for kind, cue in _KIND_CUES:
        if cue.search(question):
            return kind
    return None


def is_figure_question(question: str) -> bool:
    return bool(FIGURE_CUE.search(question))


class FigureKind(StrEnum):
    STELLEN = "stellen"
    EURO = "euro"
    PROZENT = "prozent"
    ANZAHL = "anzahl"


@dataclass(frozen=True)
class FoundFigure:
    """A figure inside one sentence; ``start``/``end`` cover ``text`` in that sentence."""

    value: float
    text: str
    unit: str
    kind: FigureKind
    about: str
    period: str | None
    start: int
    end: int
    anaphoric: bool = False  # "Die Kosten hierfür …": about refers to the sentence before

    def columns(self) -> dict:
        """Its columns of a ``figures`` row, cut to the columns' sizes (ingest's and the
        benchmark generator's rows must agree, or the figure vote treats them apart)."""
        return {
            "value": self.value,
            "text": self.text[:256],
            "unit": self.unit[:64],
            "kind": str(self.kind),
            "period": self.period,
        }


_STELLEN = (
    r"(?:Planstellen?|Stellen?|Vollzeitstellen?|Personalstellen|Stellenanteile|VZÄ|"
    r"Vollzeitäquivalente|Vollzeit-Äquivalente|Vollzeitkräfte)"
)
_EURO = r"(?:Euro|EUR|€|TEUR|T€)"
_PERCENT = r"(?:Prozent|%)"
_NOUN = r"[A-ZÄÖÜ][\wäöüßÄÖÜ-]*[a-zäöüß]"
_NOT_ADJ = (
    r"(?:zur|zum|im|in|mit|der|die|das|den|dem|des|und|oder|von|für|auf|an|am|bei|ein\w*|"
    r"noch|zusätzlich|bis|pro|je|als|aus|nach|über|unter|vor|sind|ist|werden|wurden|haben|"
    r"waren|war|sollten|sollen|soll|können|kann|hat|wird)\b"
)
_ADJ = r"(?:(?!" + _NOT_ADJ + r")[a-zäöüß][\wäöüß-]*\s+){0,2}"
_FIGURE_RE = re.compile(
    r"(?<![\w.,:/§-])(?P<num>" + NUMBER_PATTERN + r")"
    r"(?:\s+(?P<scale>" + SCALE_PATTERN + r")(?![\w]))?"
    r"(?:\s*(?P<euro>" + _EURO + r")(?![\w])"
    r"|\s*(?P<pct>" + _PERCENT + r")(?![\w])"
    r"|\s+(?P<adj>" + _ADJ + r")(?P<noun>" + _NOUN + r"))",
    re.UNICODE,
)
_NOT_COUNTED = re.compile(
    r"^(?:Jahre?n?|Monate?n?|Wochen?|Tage?n?|Stunden?|Minuten?|Sekunden?|Uhr|Mbit\w*|"
    r"Gbit\w*|Abs|Absatz|Seiten?|Januar|Februar|März|April|Mai|Juni|Juli|August|"
    r"September|Oktober|November|Dezember|Euro|Cent|Prozent|Mio|Mrd|Tsd|Punkt\w*|"
    r"Nr|TOP|Anlage\w*|Ziffer\w*|Satz|GemO|GO|Buchst\w*|Kapitel|Bd|Plenarsitzung\w*|"
    r"Sitzung\w*|Mal|Male|Stück|Grad|Meter|Kilometer|km|qm|m|Ja|Nein|Bitte|Weitere|"
    r"Teilhaushalt\w*|Ergebnishaushalt|Finanzhaushalt|Enthaltung\w*|Stimmenthaltung\w*|"
    r"Gegenstimm\w*|Ja-Stimm\w*|Nein-Stimm\w*|Stimmen?)$"
)
# "Hebelstraße 13, 76133 Karlsruhe": a postcode after an address, not a count
_POSTCODE_BEFORE = re.compile(r"(?:,|\bD-)\s*$")


def _postcode(before: str, after: str) -> bool:
    """After an address (", 76133 Karlsruhe") or alone as an address line."""
    if _POSTCODE_BEFORE.search(before[-4:]):
        return True
    return not before.strip() and len(after.strip(" ,.")) <= 2


_BEFORE_STOP = re.compile(
    r"(?:TOP|Top|Tagesordnungspunkt|Punkt|Seite|S\.|Nr\.?|Anlage|Abs\.|§|Ziffer|Drucksache|Vorlage|Antrag|"
    r"Frage|Teilhaushalt|THH|um|im Jahr|Jahr|Jahres|Jahrgang|seit|bis|ab)\s*$"
)
_COST_NOUN = re.compile(
    r"(?:[A-ZÄÖÜ][\wäöüß-]*)?(?:[Kk]osten|[Mm]ittel|[Bb]udget|[Bb]etrag|[Ss]umme|[Aa]nsatz|"
    r"[Aa]ufwand|[Aa]ufwendungen|[Ii]nvestition(?:en)?|[Zz]uschuss|[Ff]örderung|[Aa]usgaben|"
    r"[Ee]insparung(?:en)?|[Ee]rträge|[Ee]ntgelte?|[Gg]esamt|Summe|[Hh]öhe|Haushalt\w*)\b"
)
_ANAPHOR = re.compile(r"\b(?:hierfür|dafür|hierzu|davon|diese[rs]?)\b", re.I)
_PERIODS = (
    (re.compile(r"^\s*(?:pro|je|im|per)\s+Jahr\b|^\s*p\.\s?a\.|^\s*jährlich", re.I), "pro Jahr"),
    (re.compile(r"^\s*(?:pro|je|im|per)\s+Monat\b|^\s*monatlich", re.I), "pro Monat"),
    (re.compile(r"^\s*einmalig", re.I), "einmalig"),
)
_LABEL_AFTER = re.compile(r"^\s*\w+\s*(?:\([^()]{0,40}\)\s*:|:\s*\d)")
_PERIODS_BEFORE = (
    (re.compile(r"\bjährlich\w*\b|\bjährliche\b|\bpro Jahr\b", re.I), "pro Jahr"),
    (re.compile(r"\bmonatlich\w*\b", re.I), "pro Monat"),
    (re.compile(r"\beinmalig\w*\b", re.I), "einmalig"),
)
_PP_AFTER = re.compile(
    r"^\s*((?:für|zur|zum|im|in|an|mit|der|des|bei)\s+(?:[\wäöüßÄÖÜ„“\"-]+\s+){0,3}?"
    r"[A-ZÄÖÜ][\wäöüßÄÖÜ-]+)"
)
_TOPIC = re.compile(r"\b(?:dem |zum |das )?Thema\s+([A-ZÄÖÜ][\wäöüß-]+)")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_SCALE_FACTORS = {"TEUR": 1e3, "T€": 1e3}


def find_figures(sentence: str) -> list[FoundFigure]:
    """Every figure in one sentence, in text order."""
    found: list[FoundFigure] = []
    prev_end = 0
    for m in _FIGURE_RE.finditer(sentence):
        fig = _figure(sentence, m, prev_end)
        if fig is not None:
            found.append(fig)
            prev_end = fig.end
    return found


def _figure(sentence: str, m: re.Match[str], prev_end: int) -> FoundFigure | None:
    num, scale = m["num"], m["scale"]
    value = parse_german_number(f"{num} {scale}" if scale else num)
    if value is None:
        return None
    before = sentence[: m.start()]
    if _BEFORE_STOP.search(before[-14:]):
        return None
    if re.fullmatch(r"\d{5}", num) and m["noun"] and _postcode(before, sentence[m.end() :]):
        return None
    word_number = num[0].isalpha()
    if m["euro"]:
        kind, unit = FigureKind.EURO, "Euro"
        value *= _SCALE_FACTORS.get(m["euro"], 1.0)
    elif m["pct"]:
        kind, unit = FigureKind.PROZENT, "%"
    else:
        noun = m["noun"]
        if _NOT_COUNTED.match(noun) or (_YEAR.match(num) and not scale):
            return None
        if word_number and not scale and not re.fullmatch(_STELLEN, noun):
            # "vier Augen", "acht Tage": only posts are counted from number words
            return None
        if scale:  # "2 Millionen Menschen": a count with a scale
            pass
        kind = FigureKind.STELLEN if re.fullmatch(_STELLEN, noun) else FigureKind.ANZAHL
        if noun == "Stellen" and re.search(r"\b(?:an|in|von|zu)\s*$", before):
            kind = FigureKind.ANZAHL  # "an 10 Stellen gemessen": places, not posts
        unit = noun
    after = sentence[m.end() :]
    period = _period(before, after)
    about, anaphoric = _about(sentence, m, kind, after, prev_end)
    text = sentence[m.start() : m.end()].strip()
    return FoundFigure(value, text, unit, kind, about, period, m.start(), m.end(), anaphoric)


def _period(before: str, after: str) -> str | None:
    # "14.570.389 Euro jährlich (Investitionen): 2.580.000 Euro": a period word that
    # opens a label names the next value's period, not this one's
    if not _LABEL_AFTER.match(after):
        for regex, label in _PERIODS:
            if regex.search(after[:20]):
                return label
    clause = re.split(r"[.;]\s", before[-60:])[-1]
    for regex, label in _PERIODS_BEFORE:
        if regex.search(clause):
            return label
    return None


def _about(
    sentence: str, m: re.Match[str], kind: FigureKind, after: str, prev_end: int
) -> tuple[str, bool]:
    """The noun phrase a figure is about, and whether it points to the sentence before."""
    pp = _PP_AFTER.match(after)
    tail = f" {pp[1]}" if pp else ""
    if kind in (FigureKind.STELLEN, FigureKind.ANZAHL):
        phrase = f"{(m['adj'] or '').strip()} {m['noun']}".strip()
        if not tail and (topic := _TOPIC.search(sentence)):
            tail = f" für {topic[1]}"
        return phrase + tail, False
    window = sentence[max(prev_end, m.start() - 80) : m.start()]
    clause = re.split(r";\s|,\s(?:die|der|das|wobei|welche)\s", window)[-1]
    nouns = list(_COST_NOUN.finditer(clause))
    if nouns:
        noun = nouns[-1][0]
        rest = clause[nouns[-1].end() : nouns[-1].end() + 12]
        anaphoric = bool(_ANAPHOR.match(rest.strip())) or bool(
            _ANAPHOR.search(clause[: nouns[-1].start()][-12:])
        )
        return (noun + tail).strip(), anaphoric
    words = [w for w in re.findall(r"[A-Za-zäöüßÄÖÜ0-9()/-]+", clause) if w != "Euro"][-6:]
    return (" ".join(words) + tail).strip(), bool(_ANAPHOR.search(clause))
