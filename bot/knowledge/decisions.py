"""Decision questions answered with the decision: "Was hat der Rat beschlossen?".

Passage retrieval finds the debate about a paper, but the decision is one
short sentence ("Der Rat der Stadt überweist die Vorlage … an den APOD")
whose words rarely match the question, so it was neither found nor quoted.
The paper timeline already holds each body's decision with the sentence that
states it and the meeting that took it. A question that asks what was decided
gets the steps of the papers it is about, narrowed to the body and date it
names, and quotes them cited to that body and meeting. A reprinted debate in
later minutes is never the decision: only stated outcomes count.
"""

from __future__ import annotations

import re

from bot.answer import Answer
from bot.knowledge.answers import KnowledgeReads, cited_answer, papers_found, status_for
from bot.knowledge.render import current_state
from index.facts import Outcome
from index.query import QuestionAnalysis, as_analysis, tokenize
from index.store import (
    KnowledgeCitation,
    PaperStatus,
    Step,
)

_DECISION_CUE = re.compile(
    r"\b(beschl(?:ossen|ießt|ießen|uss\w*)|entschied\w*|entschieden|überwies\w*|überwiesen"
    r"|verwiesen|abgelehnt|zugestimmt|angenommen|vertagt|abgestimmt|abstimmung\w*"
    r"|empfohlen|empfiehlt|empfahl|adopt\w*|decid\w*|decision\w*|approv\w*|reject\w*"
    r"|refer\w*|resolv\w*|resolution|vote[ds]?|voting|recommend\w*)\b",
    re.I,
)
_UNDECIDED = (Outcome.SUBMITTED, Outcome.SCHEDULED, Outcome.UNKNOWN)
# words naming a kind of body: a question naming one wants that body's decision
_BODY_WORDS = frozenset(
    tokenize(
        "Rat Stadtrat Gemeinderat Ratsversammlung Ausschuss Hauptausschuss Finanzausschuss "
        "Bezirksvertretung Beirat Kommission Stadtbezirksrat Kreistag"
    )
)
MAX_PAPERS = 2
MAX_STEPS = 3


# "Was passierte mit dem Antrag …?", "Was wurde aus der Vorlage …?": a paper's outcome
_PAPER = r"\w*(?:antr[aä]g|vorlage|drucksache|anfrage|motion|proposal|paper)\w*"
_BEFELL = r"(?:passiert\w*|geschah\w*|geworden|was\s+wurde\s+aus|happened)"
_OUTCOME_OF_PAPER = re.compile(rf"\b{_BEFELL}\b.*\b{_PAPER}|\b{_PAPER}\b.*\b{_BEFELL}\b", re.I)


def is_decision_question(question: str) -> bool:
    return bool(_DECISION_CUE.search(question) or _OUTCOME_OF_PAPER.search(question))


def decision_answer(
    question: str | QuestionAnalysis,
    reads: KnowledgeReads,
    found: list[int],
    gremium: str | None = None,
) -> Answer | None:
    """The decisions the question asks for, quoted and cited to the deciding meeting.

    ``None`` when the question is not about a decision or no decided step fits,
    so the caller keeps the passage answer. ``found`` are the passages retrieval
    found for the question (under the caller's filters): their papers are the
    ones asked about unless the question names a paper number.
    """
    analysis = as_analysis(question)
    if not is_decision_question(analysis.text):
        return None
    lang = analysis.language
    wanted = set(tokenize(f"{analysis.search_text} {gremium or ''}"))
    cited: list[tuple[KnowledgeCitation, str | None]] = []
    notes: list[str] = []
    for status in _papers(analysis, reads, found):
        steps = _fitting_steps(status, analysis, wanted)
        if not steps:
            continue
        label = (status.paper or status.query) + (f" ({status.title})" if status.title else "")
        notes.append(f"{label}: {current_state(status, lang)}")
        cited += [(s.citation, None) for s in steps if s.citation.text]
    if not cited:
        return None
    return cited_answer(reads.store, analysis.text, lang, cited, "\n".join(notes))


def _papers(
    analysis: QuestionAnalysis, reads: KnowledgeReads, chunk_ids: list[int]
) -> list[PaperStatus]:
    numbers = list(dict.fromkeys(analysis.references))
    if not numbers:
        return papers_found(reads, chunk_ids, sorted(_topic(analysis.text)), MAX_PAPERS)
    out = [st for n in numbers if (st := status_for(reads.store, n, reads.audience)).found]
    return [st for st in out if st.steps][:MAX_PAPERS]


def _topic(question: str) -> set[str]:
    return set(tokenize(_DECISION_CUE.sub(" ", question))) - _BODY_WORDS


def _fitting_steps(status: PaperStatus, analysis: QuestionAnalysis, wanted: set[str]) -> list[Step]:
    """Decided steps, narrowed to the body and the date the question names."""
    steps = [s for s in status.steps if s.outcome not in _UNDECIDED]
    bodies = wanted & _BODY_WORDS
    abbreviated = [s for s in steps if _abbreviation_named(s, wanted)]
    if bodies:
        steps = [s for s in steps if _body_of(s) & bodies or s in abbreviated]
    elif abbreviated:
        steps = abbreviated
    dates = analysis.dates
    if dates:
        steps = [s for s in steps if any(d.matches(s.date) for d in dates)]
    if not bodies and not abbreviated and not dates:
        steps = steps[-1:]  # no body named: the latest decision
    return steps[-MAX_STEPS:]


def _body_of(step: Step) -> set[str]:
    """The kind of body a step's Gremium is: "Rat der Stadt" → Rat."""
    words = tokenize(step.gremium)
    return set(words[:1]) & _BODY_WORDS if words else set()


def _abbreviation_named(step: Step, wanted: set[str]) -> bool:
    letters = "".join(w[0] for w in re.findall(r"[A-ZÄÖÜ]\w+", step.gremium)).lower()
    return len(letters) >= 3 and letters in wanted
