"""What kind of answer a question asks for, and whether a sentence is of that kind.

"Wie viele …" wants a number, "Wann …" a date, "Wer …" a person: a sentence
that holds one is a likelier answer than one that only shares the topic. The
cues are German and English question words, not tuned to any question.
"""

from __future__ import annotations

import re

from index.query import tokenize

_TYPE_CUES = {
    "number": re.compile(
        r"\b(wie ?viele?|wieviele?|wie (hoch|groß|lange?)|how (many|much|high|large|big|long)"
        r"|kost\w*|cost\w*|betr[äa]g\w*|höhe|anzahl|summe)\b",
        re.I,
    ),
    "date": re.compile(
        r"\b(wann|seit wann|bis wann|when|since when|which year|welche[mn]? jahr)\b", re.I
    ),
    "person": re.compile(r"\b(wer|wem|wen|who|whom)\b", re.I),
    "status": re.compile(r"\b(stand|sachstand|status|progress|wie weit|how far)\b", re.I),
}
_HAS = {
    "number": re.compile(
        r"\d|\b(eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|"
        r"zwölf|hundert|tausend|million\w*|milliard\w*)\b",
        re.I,
    ),
    "date": re.compile(
        r"\b(19|20)\d\d\b|\d{1,2}\.\d{1,2}\.|\b(januar|februar|märz|april|mai|"
        r"juni|juli|august|september|oktober|november|dezember)\b",
        re.I,
    ),
    "person": re.compile(
        r"\b(Herr|Frau|Rm|OB|Stadtr[aä]t\w*|Bürgermeister\w*|Dr\.)\s+[A-ZÄÖÜ]"
        r"|\b[A-ZÄÖÜ][a-zäöüß]+\s+[A-ZÄÖÜ][a-zäöüß]+\s+(Vorsitzende\w*|Leiter\w*)"
    ),
    # where a thing stands now: already, not yet, currently, begun, done
    "status": re.compile(
        r"\b(aktuell\w*|derzeit\w*|zurzeit|momentan\w*|gegenwärtig\w*|bereits|inzwischen"
        r"|mittlerweile|bislang|bisher\w*|noch nicht|abgeschlossen|begonnen|gestartet"
        r"|umgesetzt|eingeführt|im Einsatz|in Betrieb|currently|already|so far)\b",
        re.I,
    ),
}


def answer_type(question: str) -> str | None:
    """What kind of answer the question asks for: a number, a date, a person."""
    for kind, cue in _TYPE_CUES.items():
        if cue.search(question):
            return kind
    return None


def has_type(sentence: str, kind: str) -> bool:
    return bool(_HAS[kind].search(sentence))


# a question about what was asked ("Wer wollte wissen, ob …?", "Was fragt die Anfrage?")
# is answered by a question; any other never is ("1.6. Welche Hürden gibt es …?")
_ABOUT_ASKING = re.compile(
    r"\b(frag\w*|gefragt|wissen|anfrage\w*|erkundig\w*|ask\w*|question\w*|enquir\w*|inquir\w*)\b",
    re.I,
)
# verbs of saying name the act, not what was said: "Eigentlich ist damit alles gesagt."
# answers "Was hat die CDU gesagt?" by the word alone
SAYING = frozenset(
    tokenize(
        "sagen sagt sagte sagten gesagt meint meinte meinten gemeint äußert äußerte geäußert "
        "say says said tell told"
    )
)


def about_asking(question: str) -> bool:
    return bool(_ABOUT_ASKING.search(question))


# what a member asked or moved: then the Anfrage or Antrag itself is the answer
_ABOUT_REQUESTS = re.compile(
    r"\b(antr[aä]g\w*|beantrag\w*|forder\w*|gefordert|wollte\w*|will|wollen|vorgeschlagen|wünsch\w*"
    r"|schl[aä]gt|motion\w*|request\w*|propos\w*|want\w*|demand\w*)\b",
    re.I,
)
_ASKING_KINDS = re.compile(r"anfrage|antrag", re.I)


# minutes report a member's question in indirect speech ("Er möchte wissen, ob …",
# "Er wünsche sich Erläuterungen zur Databox"); the answer comes after it
_REPORTED_ASKING = re.compile(
    r"\b(möchte\w*|will|wollte\w*|würde\w*)\s+(?:\w+\s+){0,4}(?:gerne?\s+)?wissen\b"
    r"|\bfragt\w*\s+(?:\w+\s+){0,3}(?:nach|an)\b|\bfragt\w*,\s+ob\b|\berkundigt\w*"
    r"|\b(?:bitte\w*|wünsch\w*)\s+(?:\w+\s+){0,5}(?:um\s+)?(?:\w+\s+){0,2}"
    r"(?:Auskunft|Erläuterung\w*|Erklärung\w*|Information\w*|Darstellung|Stellungnahme)\b"
    r"|\b(?:Auskunft|Erläuterung\w*|Erklärung\w*|Stellungnahme|Überblick)\s+(?:\S+\s+){0,12}"
    r"zu\s+erhalten\b|\bwürde\w*\s+(?:\S+\s+){0,3}gerne?\s+(?:\S+\s+){0,6}erhalten\b"
    r"|\b(?:asked|asks|wanted to know|wants to know)\b",
    re.I,
)


def reports_asking(sentence: str) -> bool:
    """Whether the sentence reports that someone asks, in indirect speech."""
    return bool(_REPORTED_ASKING.search(sentence))


def wants_the_asking(question: str) -> bool:
    """Whether the question is about what was asked or moved: then the asking answers it."""
    return about_asking(question) or bool(_ABOUT_REQUESTS.search(question))


def only_asks(doc_kind: str | None, sentence: str) -> bool:
    """Whether the sentence asks rather than answers: an Anfrage states what a member
    wants to know (its Stellungnahme answers it); minutes report a member's question
    in indirect speech, and its answer follows."""
    return bool(doc_kind and _ASKING_KINDS.search(doc_kind)) or reports_asking(sentence)
