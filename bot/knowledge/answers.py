"""Free-text questions about a paper's state or about figures, answered from knowledge.

"Was ist der Stand der Drucksache 18828-20?" and "Wie viele Stellen …?" are
answered better by the extracted steps and figures than by passage retrieval:
the answer is the outcome sentence or the figure's sentence, quoted and cited
like any other answer. Both functions return ``None`` when the question is not
of their kind or nothing fits, so ``Ratsbot.ask`` can fall through to normal
retrieval.

They read through ``KnowledgeReads``: the store and a search bound to the
caller's filters and audience, so a topic question finds its papers among the
passages the caller may see, never by a search of its own making.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.answer import Answer, Quote, Source, source_from_view
from bot.audience import Audience
from bot.knowledge.render import citation_of, current_state, figure_line
from index.facts import FIGURE_CUE, wanted_kind
from index.query import QuestionAnalysis, as_analysis, detect_language, tokenize
from index.store import (
    FigureItem,
    KnowledgeCitation,
    PaperStatus,
    Store,
    figures,
    load_chunks,
    oparl_numbers,
    paper_status,
    paper_title_words,
    papers_by_title,
    papers_for_documents,
    publicly_known_numbers,
)

SearchPassages = Callable[[str, int, str], list[int]]
"""(question, k, language) -> chunk ids, best first, under the caller's filters and audience."""


@dataclass(frozen=True)
class KnowledgeReads:
    """What the knowledge answers read, bound to one caller."""

    store: Store
    audience: Audience
    search: SearchPassages


_STATUS_CUE = re.compile(
    r"^\W*stand\b|\b(?:stand\s+(?:der|des|von|beim?|zur?)|status|sachstand|wo\s+steht|wie\s+steht|"
    r"wo\s+liegt\b.*\b(?:jetzt|derzeit|aktuell|gerade|inzwischen)|was\s+ist\s+aus\b.*\bgeworden|what\s+happened\s+to|"
    r"where\s+does|what\s+(?:is|was)\s+the\s+(?:state|status)|beratungsfolge|"
    r"was\s+(?:wurde|hat\s+(?:der|die|das)\s+\w+)\s+.*beschlossen|wie\s+wurde\s+.*entschieden|"
    r"what\s+did\s+the\s+\w+\s+decide|what\s+was\s+decided)\b",
    re.I,
)
MAX_PAPERS = 3
MAX_FIGURES = 3


def is_status_question(question: str) -> bool:
    return bool(_STATUS_CUE.search(question))


def status_for(store: Store, number: str, audience: Audience) -> PaperStatus:
    """A paper's path as ``audience`` may learn it.

    Steps come from public documents only; a public user is not even told that
    a paper known only from non-public documents exists.
    """
    st = paper_status(store, number)
    if not audience.public_only:
        return st
    known = publicly_known_numbers(store) | oparl_numbers(store)
    st.closest = [n for n in st.closest if n in known]
    st.related = [n for n in st.related if n in known]
    if st.found and st.paper not in known:
        return PaperStatus(st.query, None, False, closest=st.closest)
    return st


def status_answer(
    question: str | QuestionAnalysis,
    reads: KnowledgeReads,
    language: str | None = None,
    named: Sequence[str] = (),
) -> Answer | None:
    """The paths of the papers the question names (by number, or ``named`` by title), or
    of the papers its topic finds.

    ``question``: its text (analysed here with ``language``) or its analysis.
    """
    analysis = as_analysis(question, language)
    if not is_status_question(analysis.text):
        return None
    lang = analysis.language
    numbers = list(dict.fromkeys([*analysis.references, *named]))
    if numbers:
        statuses = [st for n in numbers if (st := status_for(reads.store, n, reads.audience)).found]
    else:
        statuses = _statuses_by_topic(analysis.text, reads, lang)
    statuses = [st for st in statuses if st.steps]
    if not statuses:
        return None
    cited: list[tuple[KnowledgeCitation, str | None]] = []
    notes: list[str] = []
    for st in statuses:
        label = f"{st.paper}" + (f" ({st.title})" if st.title else "")
        notes.append(f"{label}: {current_state(st, lang)}")
        steps = st.steps if numbers else st.steps[-1:]
        cited += [(s.citation, None) for s in steps if s.citation.text]
    return cited_answer(reads.store, analysis.text, lang, cited, "\n".join(notes))


def _statuses_by_topic(question: str, reads: KnowledgeReads, lang: str) -> list[PaperStatus]:
    return papers_found(reads, reads.search(question, 8, lang), _topic_words(question))


def papers_found(
    reads: KnowledgeReads, chunk_ids: list[int], topic: list[str], limit: int = MAX_PAPERS
) -> list[PaperStatus]:
    """Papers whose title names the whole topic, then the papers of the passages found
    for it, then papers whose title names a part of it, each with its known steps (as
    the reader may learn them).

    A title sharing one word with the question ("Digitalisierung") is weak evidence
    in an archive of many papers; the passages retrieval found weigh more."""
    views = load_chunks(reads.store, chunk_ids)
    doc_ids = [views[c].document_id for c in chunk_ids if c in views]
    titled = papers_by_title(reads.store, topic)
    whole = len(set(topic))
    named = [n for n, k in titled if k == whole]
    partly = [n for n, k in titled if k < whole]
    found = papers_for_documents(reads.store, doc_ids)
    statuses: list[PaperStatus] = []
    for n in dict.fromkeys([*named, *found, *partly]):
        st = status_for(reads.store, n, reads.audience)
        if st.found and st.steps:
            statuses.append(st)
        if len(statuses) >= limit:
            break
    return statuses


_QUESTION_WORDS = re.compile(
    r"\b(?:was|wie|wo|ist|sind|der|die|das|des|stand|status|sachstand|steht|what|is|the|of|"
    r"where|does|stand|state|wurde|beschlossen|zum|zur|von|vom|beim|bei|im|in|am|liegt|jetzt|"
    r"derzeit|aktuell|aktuelle|gerade|inzwischen|geworden|aus|happened|to|current)\b",
    re.I,
)


def _topic_words(question: str) -> list[str]:
    return tokenize(_QUESTION_WORDS.sub(" ", question))


def papers_named(question: str, analysis: QuestionAnalysis, store: Store) -> list[str] | None:
    """The papers a status question names: ``[]`` when it names them by number (the
    analysis holds them), the one its title names, or None (not a status question, or
    no paper named: the passages answer)."""
    if not is_status_question(question):
        return None
    if analysis.references:
        return []
    by_title = paper_named(question, store)
    return [by_title] if by_title else None


def figure_first(answer: Answer, found: Sequence[FigureItem]) -> None:
    """ "Wie viele Stellen …?": the figure of the quoted sentence, named first.

    ``found`` are the figures of the answer's sources; only those extracted from the
    very sentences quoted are shown, so the figure line can never say more than the
    quotes below it.
    """
    lines: list[str] = []
    lead: list[Quote] = []
    for q in answer.quotes:
        mine = [f for f in found if f.citation.text and f.citation.text in q.text]
        if mine:
            lines += [figure_line(f) for f in mine[:2]]
            lead.append(q)
    if not lines:
        return
    answer.quotes = lead + [q for q in answer.quotes if q not in lead]
    answer.notice = "\n".join(n for n in (answer.notice, *dict.fromkeys(lines)) if n)


NAMED_TITLE_SHARE = 0.5  # a question naming a paper holds at least this share of its title


def paper_named(question: str, store: Store) -> str | None:
    """The one paper a status question names by its title: "Stand Masterplan Digitale
    Verwaltung?" names "Masterplan Digitale Verwaltung – Arbeiten 4.0".

    Every topic word (two at least) stands in the title, and they make at least half
    of it: "Stand der E-Akte in Karlsruhe?" names a project, not the paper "Sachstand
    zur Einführung der E-Akte in der Stadtverwaltung Karlsruhe", and is answered
    from what the passages say about it."""
    topic = set(_topic_words(question))
    if len(topic) < 2:
        return None
    named = []
    for number, words in paper_title_words(store).items():
        wordy = sum(1 for w in words if not w.isdigit())  # "Arbeiten 4.0": one word, not three
        if topic <= words and len(topic) >= NAMED_TITLE_SHARE * wordy:
            named.append(number)
    return named[0] if len(named) == 1 else None


def figures_answer(
    question: str,
    reads: KnowledgeReads,
    language: str | None = None,
    within_chunks: set[int] | None = None,
) -> Answer | None:
    """Figures that answer "how many / how much": the figure first, then its quote.

    ``within_chunks`` keeps only figures from those passages (the ones retrieval
    found for the question), so a figure is never offered for a question the
    documents do not cover. Figures come from public documents only, whoever asks.
    """
    if not FIGURE_CUE.search(question):
        return None
    lang = language or detect_language(question)
    kind = wanted_kind(question) or "anzahl"
    found = figures(reads.store, None, kind).figures
    if within_chunks is not None:
        found = [f for f in found if f.citation.chunk_id in within_chunks]
    if not found:
        return None
    words = set(tokenize(FIGURE_CUE.sub(" ", question)))
    ranked = sorted(found, key=lambda f: -_overlap(words, f))
    best = [f for f in ranked if _overlap(words, f) == _overlap(words, ranked[0])][:MAX_FIGURES]
    lines = [figure_line(f) for f in best]
    cited = list({f.citation.text: (f.citation, f.speaker) for f in best}.values())
    return cited_answer(reads.store, question, lang, cited, "\n".join(lines))


def _overlap(words: set[str], f: FigureItem) -> int:
    return len(words & set(tokenize(f"{f.about} {f.citation.text}")))


def cited_answer(
    store: Store,
    question: str,
    lang: str,
    cited: list[tuple[KnowledgeCitation, str | None]],
    notice: str,
) -> Answer:
    """Quotes from the citations; sources are the quoted passages (chunks), in order."""
    chunk_ids = list(dict.fromkeys(c.chunk_id for c, _sp in cited if c.chunk_id is not None))
    views = load_chunks(store, chunk_ids)
    sources: list[Source] = []
    rank_of: dict[int, int] = {}
    for cid in chunk_ids:
        v = views.get(cid)
        if v is None:
            continue
        rank_of[cid] = len(sources) + 1
        sources.append(source_from_view(v, len(sources) + 1, 1.0))
    quotes = [
        Quote(c.text, speaker, citation_of(c), rank_of.get(c.chunk_id or -1, 0))
        for c, speaker in cited
    ]
    return Answer(question, lang, abstained=False, quotes=quotes, sources=sources, notice=notice)
