"""Quotes as units of meaning: a sentence with what it needs to be understood.

Council texts announce before they say: "Der Personalrat hat dazu folgende
Anmerkungen:" carries no criticism, the sentence after it does; a list item
("- Erste Stadtämter arbeiten vollkommen digital.") means little without its
lead-in ("Folgende Zielsetzungen sind bis 2025 zu verwirklichen:"); "Die Kosten
hierfür …" needs the sentence it refers to. So a chosen sentence becomes a
unit:

* an announcing sentence takes what it announces (the next sentences, up to
  ``UNIT_CHARS``), and is not quoted at all when the passage ends before that;
* a list item takes its lead-in, joined with " … " when other items stand
  between them;
* a sentence opening with a back-reference takes the sentence before it, and a
  following sentence opening with one ("Die Kosten hierfür …") joins it;
* a topic sentence without what the question asks for (a number, a date, a
  state) takes the later sentence of its paragraph that has it;
* any other sentence takes the next one of its paragraph, which often says
  what the first only names.

Every part stays verbatim; only " … " marks a gap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from index.query import tokenize

UNIT_CHARS = 420  # an announced passage is quoted up to about this length
KIND_LOOKAHEAD = 3  # sentences after a topic sentence that may say what was asked
ELABORATION_MIN_WORDS = 4  # a shorter next sentence is a heading or a fragment, not the point
RESTATEMENT_SHARE = 0.6  # a question-like sentence holding this share of its terms restates it
PART_SHARE = 0.8  # a question sentence whose own terms are this much the question's is part of it
PART_MIN_TERMS = 3
COPY_MIN_TERMS = 6  # a sentence this long made of the question's words copies it
GAP = " … "
_ANNOUNCES = re.compile(r"(:|\bwie folgt\s*[.:]?)\s*[*_\"“”]*\s*$", re.I)
_ITEM = re.compile(r"^\s*[*_]*\s*([-–•·▪]|\(?[0-9a-z]{1,2}[.)])\s+")
_ASKING_WORDS = (
    r"(?:in\s+)?(?:wie|welche[mnrs]?|wann|warum|weshalb|wieso|wo|wohin|wozu|ob|inwiefern"
    r"|inwieweit|was|wer|wem|wen|wieviele?"
    # a yes/no question opens with its verb ("2. Kann sich die Stadtverwaltung …")
    r"|kann|können|ist|sind|wird|werden|wurde|wurden|gibt|gab|hat|haben|soll|sollen|plant"
    r"|sieht|besteht|bestehen|liegt|liegen|trifft|teilt|hält|beabsichtigt)\b"
)
# a numbered item that opens with an interrogative is a question of an Anfrage
# ("1. In welcher Form … genutzt werden."), never its answer
_ASKED_ITEM = re.compile(r"^\s*[*_]*\s*(?:[-–•·▪]|\(?[0-9a-z]{1,2}[.)])\s+" + _ASKING_WORDS, re.I)
# any sentence opening so asks, whether or not its question mark survived the layout;
# "Wie bereits berichtet, …" and "Wie folgt: …" open statements
_ASKS = re.compile(
    r"^\s*[*_]*\s*(?:\(?[0-9]{1,2}[.)]\s+)?(?!wie\s+(?:bereits|schon|oben|folgt|erwähnt"
    r"|berichtet|dargestellt|beschrieben|ausgeführt|angekündigt|vereinbart|in|im|auch|bei)\b)"
    + _ASKING_WORDS,
    re.I,
)
# the next sentence carries on: what it costs, or an example of what was said
_FORWARD_ANAPHOR = re.compile(
    r"^[*_\s]*(Die Kosten hierfür|Hierfür|Dafür|Dabei|Damit|Beispielsweise|Zum Beispiel"
    r"|Insbesondere|Konkret|Unter anderem|(?:Hierzu|Dazu) (?:gehören|zählen)"
    r"|So (?:ist|sind|wird|werden|wurde|wurden|hat|haben|gibt|gab|bietet|konnte|konnten))\b"
)
# "Das" refers back only as a pronoun ("Das ist …"), not as an article ("Das Ministerium …");
# a demonstrative among the first words does too ("Ausschlaggebend für diese Entscheidung …")
_BACK_ANAPHOR = re.compile(
    r"^[*_\s]*(Dies|Diese[rsm]?|Dazu|Hierzu|Daher|Deshalb|Das\s+(?:ist|war|wird|wurde|hat|gilt"
    r"|bedeutet|heißt)\b)\b|^[*_\s]*(?:[A-Za-zÄÖÜäöüß]+\s+){1,3}diese[rsmn]?\s"
)

Span = tuple[int, int]


def announces(sentence: str) -> bool:
    """Whether the sentence only announces what follows ("… folgende Anmerkungen:")."""
    return bool(_ANNOUNCES.search(sentence.rstrip()))


def is_list_item(sentence: str) -> bool:
    return bool(_ITEM.match(sentence))


def quote_unit(text: str, sentences: Sequence[Span], start: int, end: int) -> list[Span] | None:
    """The spans of ``text`` that make the sentence at ``start:end`` a quotable unit.

    ``None`` when the sentence cannot stand as a quote (it announces something
    the passage does not contain).
    """
    index = _index_of(sentences, start)
    if index is None:
        return [(start, end)]
    if announces(text[start:end]):
        following = _announced(text, sentences, index)
        return [(start, following)] if following is not None else None
    spans = [(start, end)]
    if is_list_item(text[start:end]):
        lead = _lead_in(text, sentences, index)
        if lead is not None:
            spans.insert(0, sentences[lead])
    elif (
        index > 0
        and _BACK_ANAPHOR.match(text[start:end])
        and not is_question(text[slice(*sentences[index - 1])])
    ):
        spans.insert(0, sentences[index - 1])
    nxt = index + 1
    if nxt < len(sentences) and _continues(text[slice(*sentences[nxt])]):
        spans[-1] = (spans[-1][0], sentences[nxt][1])
    return merge_adjacent(text, spans)


def with_wanted_kind(
    text: str, sentences: Sequence[Span], unit: list[Span], has_kind: Callable[[str], bool]
) -> list[Span]:
    """A topic sentence with the sentence of its paragraph that holds what was asked.

    "Wie ist der Stand der Urbanen Datenplattform?" is best matched by the sentence
    that names it ("Der zentrale Sammelort … soll die künftige Urbane Datenplattform
    sein."); where it stands comes two sentences later ("Hierfür wird aktuell ein
    technisches Konzept erarbeitet …"). A unit without the asked-for kind (a number,
    a date, a state) takes the first of the next ``KIND_LOOKAHEAD`` sentences of the
    same paragraph that has it, before any question, if the quote stays within
    ``UNIT_CHARS``; joined with " … "."""
    if any(has_kind(text[a:b]) for a, b in unit):
        return unit
    end = unit[-1][1]
    quoted = sum(b - a for a, b in unit)
    following = [(a, b) for a, b in sentences if a >= end][:KIND_LOOKAHEAD]
    for a, b in following:
        if "\n\n" in text[end:a] or is_question(text[a:b]):
            break
        if has_kind(text[a:b]):
            return merge_adjacent(text, [*unit, (a, b)]) if quoted + b - a <= UNIT_CHARS else unit
    return unit


def with_elaboration(text: str, sentences: Sequence[Span], unit: list[Span]) -> list[Span]:
    """A sentence with the next one of its paragraph, which often says what it only names.

    The sentence most like the question is often the one that names its subject,
    and the next says what of it: "… das besondere elektronische Behördenpostfach
    (beBPo) … eingeführt." before "Die Stadt Karlsruhe arbeitet derzeit mit 44
    Postfächern …"; "Beim Serviceportal vermisse er den Mehrwert." before what he
    misses. The next sentence joins unless a blank line, a question, an
    announcement or a fragment of under ``ELABORATION_MIN_WORDS`` words comes
    first, or the quote would pass ``UNIT_CHARS``."""
    end = unit[-1][1]
    following = next(((a, b) for a, b in sentences if a >= end), None)
    if following is None:
        return unit
    a, b = following
    sentence = text[a:b]
    if "\n\n" in text[end:a] or is_question(sentence) or _ASKED_ITEM.match(sentence):
        return unit
    if announces(sentence) or len(sentence.split()) < ELABORATION_MIN_WORDS:
        return unit
    if sum(y - x for x, y in unit) + b - a > UNIT_CHARS:
        return unit
    return merge_adjacent(text, [*unit, (a, b)])


def _continues(sentence: str) -> bool:
    """Whether the sentence carries on the one before: its cost or example ("Die Kosten
    hierfür …", "So ist …"), or what was said of it ("Dies erfolgt über …")."""
    if _FORWARD_ANAPHOR.match(sentence):
        return True
    return bool(_BACK_ANAPHOR.match(sentence)) and not is_question(sentence)


def restates(asked: set[str], sentence: str) -> bool:
    """Whether the sentence is a question rather than an answer: a numbered item that
    asks ("1. In welcher Form … genutzt werden."), a question sentence holding most of
    the question's terms (``asked``), or a numbered item made of little but them. An
    Anfrage lists its questions, a Stellungnahme restates each before it answers;
    neither answers anything."""
    if _ASKED_ITEM.match(sentence):
        return True
    said = set(tokenize(sentence))
    if not asked or not said:
        return False
    if echoes(asked, sentence):
        return True
    shared = len(asked & said)
    if len(said) >= COPY_MIN_TERMS and shared / len(said) >= PART_SHARE:
        return True  # the question, or one of its sentences, copied ("Wir bitten um …")
    covers = shared / len(asked) >= RESTATEMENT_SHARE
    return covers and is_list_item(sentence) and shared / len(said) >= RESTATEMENT_SHARE


def echoes(asked: set[str], sentence: str) -> bool:
    """Whether the sentence is this very question: a question sentence (by its mark or
    its opening word) holding most of its terms, or one sentence of a question asked
    in two ("Nach welchen Kriterien …? Welche Rolle …?") made of its terms."""
    if not is_question(sentence) and not _ASKS.match(sentence):
        return False
    said = {t for t in tokenize(sentence) if not t.isdigit()}  # "2." numbers the item
    if not asked or not said:
        return False
    shared = len(asked & said)
    return shared / len(asked) >= RESTATEMENT_SHARE or (
        len(said) >= PART_MIN_TERMS and shared / len(said) >= PART_SHARE
    )


_REQUEST = re.compile(r"^[\W\d]*(?:bitte|wir\s+bitten|ich\s+bitte|please)\b", re.I)


def is_request(sentence: str) -> bool:
    """Whether the sentence asks for something to be done or listed ("Bitte je nach
    Gesellschaft einzeln aufschlüsseln", "Wir bitten um Mitteilung …"): an Anfrage's
    instruction, restated or not, never its answer."""
    return bool(_REQUEST.match(sentence))


def is_question(sentence: str) -> bool:
    """Whether the sentence ends in a question mark (behind closing quotes or marks)."""
    return sentence.rstrip(' "“”»«)*').endswith("?")


def unit_text(text: str, spans: Sequence[Span]) -> str:
    return GAP.join(text[a:b].strip() for a, b in spans)


def _index_of(sentences: Sequence[Span], start: int) -> int | None:
    for i, (a, _b) in enumerate(sentences):
        if a == start:
            return i
    return None


def _announced(text: str, sentences: Sequence[Span], index: int) -> int | None:
    """The end of what the sentence at ``index`` announces, or None if nothing follows."""
    start = sentences[index][0]
    end = None
    for a, b in sentences[index + 1 :]:
        if end is not None and b - start > UNIT_CHARS:
            break
        if announces(text[a:b]) and end is not None:
            break
        end = b
    return end


def _lead_in(text: str, sentences: Sequence[Span], index: int) -> int | None:
    """The sentence announcing the list the item at ``index`` belongs to."""
    for i in range(index - 1, -1, -1):
        sentence = text[slice(*sentences[i])]
        if announces(sentence):
            return i
        if not is_list_item(sentence):
            return None
    return None


def merge_adjacent(text: str, spans: list[Span]) -> list[Span]:
    """Join spans that only whitespace separates: one verbatim quote, no " … "."""
    merged = [spans[0]]
    for a, b in spans[1:]:
        if not text[merged[-1][1] : a].strip():
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged
