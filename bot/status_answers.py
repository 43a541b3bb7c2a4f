"""Free-text questions about a paper's state or about figures, answered from knowledge.

"Was ist der Stand der Drucksache 18828-20?" and "Wie viele Stellen …?" are
answered better by the extracted steps and figures than by passage retrieval:
the answer is the outcome sentence or the figure's sentence, quoted and cited
like any other answer. Both functions return ``None`` when the question is not
of their kind or nothing fits, so ``Ratsbot.ask`` can fall through to normal
retrieval.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.answer import Answer, Quote, Source
from bot.compose import source_from_view
from bot.knowledge_data import FigureItem, KnowledgeCitation, PaperStatus
from bot.knowledge_queries import papers_by_title, papers_for_documents
from index.figures import FIGURE_CUE, wanted_kind
from index.language import detect_language
from index.lexical import tokenize
from index.references import find_references
from index.views import load_chunks

if TYPE_CHECKING:
    from bot.service import Ratsbot

_STATUS_CUE = re.compile(
    r"\b(?:stand\s+(?:der|des|von|beim?|zur?)|status|sachstand|wo\s+steht|wie\s+steht|"
    r"where\s+does|what\s+(?:is|was)\s+the\s+(?:state|status)|beratungsfolge|"
    r"was\s+(?:wurde|hat\s+(?:der|die|das)\s+\w+)\s+.*beschlossen|wie\s+wurde\s+.*entschieden|"
    r"what\s+did\s+the\s+\w+\s+decide|what\s+was\s+decided)\b",
    re.I,
)
MAX_PAPERS = 3
MAX_FIGURES = 3


def is_status_question(question: str) -> bool:
    return bool(_STATUS_CUE.search(question))


def status_answer(bot: Ratsbot, question: str, language: str | None = None) -> Answer | None:
    """The paths of the paper the question names, or of the papers its topic finds."""
    if not is_status_question(question):
        return None
    lang = language or detect_language(question)
    numbers = list(dict.fromkeys(n for _r, n, _s, _e in find_references(question)))
    statuses: list[PaperStatus] = []
    if numbers:
        statuses = [st for n in numbers if (st := bot.status(n)).found]
    else:
        bot.ensure_index()
        result = bot.searcher.search(question, k=8, language=lang)
        views = load_chunks(bot.store, [h.chunk_id for h in result.hits])
        doc_ids = [views[h.chunk_id].document_id for h in result.hits if h.chunk_id in views]
        titled = papers_by_title(bot.store, _topic_words(question))
        for n in dict.fromkeys([*titled, *papers_for_documents(bot.store, doc_ids)]):
            st = bot.status(n)
            if st.found and st.steps:
                statuses.append(st)
            if len(statuses) >= MAX_PAPERS:
                break
    statuses = [st for st in statuses if st.steps]
    if not statuses:
        return None
    cited: list[tuple[KnowledgeCitation, str | None]] = []
    notes: list[str] = []
    for st in statuses:
        label = f"{st.paper}" + (f" ({st.title})" if st.title else "")
        notes.append(f"{label}: {st.current(lang)}")
        steps = st.steps if numbers else st.steps[-1:]
        cited += [(s.citation, None) for s in steps if s.citation.text]
    return _answer(bot, question, lang, cited, "\n".join(notes))


_QUESTION_WORDS = re.compile(
    r"\b(?:was|wie|wo|ist|sind|der|die|das|des|stand|status|sachstand|steht|what|is|the|of|"
    r"where|does|stand|state|wurde|beschlossen|zum|zur|von|vom)\b",
    re.I,
)


def _topic_words(question: str) -> list[str]:
    return tokenize(_QUESTION_WORDS.sub(" ", question))


def figures_answer(
    bot: Ratsbot,
    question: str,
    language: str | None = None,
    within_chunks: set[int] | None = None,
) -> Answer | None:
    """Figures that answer "how many / how much": the figure first, then its quote.

    ``within_chunks`` keeps only figures from those passages (the ones retrieval
    found for the question), so a figure is never offered for a question the
    documents do not cover.
    """
    if not FIGURE_CUE.search(question):
        return None
    lang = language or detect_language(question)
    kind = wanted_kind(question) or "anzahl"
    found = bot.figures(None, kind).figures
    if within_chunks is not None:
        found = [f for f in found if f.citation.chunk_id in within_chunks]
    if not found:
        return None
    words = set(tokenize(FIGURE_CUE.sub(" ", question)))
    ranked = sorted(found, key=lambda f: -_overlap(words, f))
    best = [f for f in ranked if _overlap(words, f) == _overlap(words, ranked[0])][:MAX_FIGURES]
    lines = [figure_line(f) for f in best]
    cited = list({f.citation.text: (f.citation, f.speaker) for f in best}.values())
    return _answer(bot, question, lang, cited, "\n".join(lines))


def figure_line(f: FigureItem) -> str:
    """ "38,5 Planstellen – weitere Planstellen für Digitalisierung (Drs. 19027-20), 03.12.2020"."""
    when = f.date.strftime("%d.%m.%Y") if f.date else "–"
    period = f" {f.period}" if f.period else ""
    mention = f" (Drs. {', '.join(f.mentions)})" if f.mentions else ""
    return f"{f.display_value()}{period} – {f.about or f.text}{mention}, {when}"


def _overlap(words: set[str], f: FigureItem) -> int:
    return len(words & set(tokenize(f"{f.about} {f.citation.text}")))


def _answer(
    bot: Ratsbot,
    question: str,
    lang: str,
    cited: list[tuple[KnowledgeCitation, str | None]],
    notice: str,
) -> Answer:
    """Quotes from the citations; sources are the quoted passages (chunks), in order."""
    chunk_ids = list(dict.fromkeys(c.chunk_id for c, _sp in cited if c.chunk_id is not None))
    views = load_chunks(bot.store, chunk_ids)
    sources: list[Source] = []
    rank_of: dict[int, int] = {}
    for cid in chunk_ids:
        v = views.get(cid)
        if v is None:
            continue
        rank_of[cid] = len(sources) + 1
        sources.append(source_from_view(v, len(sources) + 1, 1.0))
    quotes = [
        Quote(c.text, speaker, c.as_citation(), rank_of.get(c.chunk_id or -1, 0))
        for c, speaker in cited
    ]
    return Answer(question, lang, abstained=False, quotes=quotes, sources=sources, notice=notice)
