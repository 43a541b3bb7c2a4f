"""Which sentences of the retrieved passages are quoted, and how each is cited.

Every candidate sentence gets one score: its similarity to the question (or to
the question's topic without the speaker it names), the IDF-weighted share of
the question's terms it holds, its passage's rank, whether it holds the kind of
thing asked for (a date, a figure), whether its speaker is the one named, and
whether it follows the document's own restatement of the question. Sentences
that can never answer (a heading, an announcement of text the passage lacks,
a restatement of the question) are left out; the best one to three within a
margin of the best are quoted as whole units (bot/answer/units.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from bot.answer.abstain import SparseVec, sparse_cosine
from bot.answer.cues import (
    SAYING,
    about_asking,
    answer_type,
    has_type,
    only_asks,
    wants_the_asking,
)
from bot.answer.echoes import answers_after_echo, complete_answer, is_heading
from bot.answer.model import Citation, Quote, Source
from bot.answer.units import (
    Span,
    announces,
    is_question,
    is_request,
    merge_adjacent,
    quote_unit,
    restates,
    unit_text,
    with_elaboration,
    with_wanted_kind,
)
from index.facts import find_references
from index.query import speaker_keys, tokenize
from index.retrieval import SearchResult, held
from index.store import ChunkView

MAX_QUOTES = 3
# quotes scoring this much below the best are left out; a wider margin quotes more
# (bench/RESULTS.md, answers: 1.0 / 1.5 / 2.0 / 3.0 against length)
QUOTE_MARGIN = 2.0
# How a sentence's quote score is made (see choose_quotes); chosen on the eval questions
QUOTE_WEIGHTS = {
    "sparse": 0.0,
    "lex_de": 2.5,
    "lex_en": 2.5,
    "prior": 1.5,
    "typed": 0.7,
    "diversity": 0.0,
    "speaker": 0.7,
    "answers": 2.0,  # the sentence after the document's own restatement of the question
    "asker": 1.5,  # a sentence of the Anfrage itself, where its Stellungnahme answers
}


class Candidate(NamedTuple):
    """A sentence that may be quoted: ``text[start:end]`` of the source at ``source``."""

    source: int  # index into the sources
    start: int
    end: int


@dataclass
class ScoredSentences:
    cands: list[Candidate]
    texts: list[str]
    dense: np.ndarray  # cosine with the question
    sparse: list[SparseVec | None]
    topic: np.ndarray | None = None  # cosine with the question without the speaker it names

    @cached_property
    def words(self) -> list[set[str]]:
        """Each sentence's search terms (word overlap reads them more than once)."""
        return [set(tokenize(t)) for t in self.texts]


def citation_for(view: ChunkView, rel_start: int, rel_end: int) -> tuple[Citation, str | None]:
    """The citation and speaker of the text at ``view.text[rel_start:rel_end]``."""
    span = view.span_at(rel_start)
    page = span.page if span else view.page
    speaker = span.voice if span else None
    mentioned = tuple(
        r.number
        for r in find_references(view.text[rel_start:rel_end])
        if r.number not in view.own_numbers
    )
    return (
        Citation(view.own_numbers, view.gremium, view.meeting_date, view.top, page, mentioned),
        speaker,
    )


def choose_quotes(
    result: SearchResult,
    views: dict[int, ChunkView],
    sources: list[Source],
    scored: ScoredSentences,
) -> list[Quote]:
    """The best one to three sentences: similarity, word overlap and passage rank."""
    if not scored.texts:
        return []
    cands = scored.cands
    answers = answers_after_echo(result.question, views, sources, cands)
    wanted = answer_type(result.question)
    units = [
        _unit(views[sources[c.source].chunk_id], c, a, wanted)
        for c, a in zip(cands, answers, strict=True)
    ]  # once per sentence
    weights = np.array([a[0] if a else 0.0 for a in answers])
    groups = _spelled_groups(result)
    score = _quote_scores(result, views, sources, scored, weights, groups, wanted)
    score[_unquotable(result.question, views, sources, scored, units)] = -np.inf
    chosen = _pick(score, scored, units)
    for i in chosen:
        units[i] = _with_announced_match(i, views, sources, scored, units, groups)
    return [
        _quote(views[sources[cands[i].source].chunk_id], cands[i], units[i] or [], sources)
        for i in chosen
    ]


def _with_announced_match(
    i: int,
    views: dict[int, ChunkView],
    sources: list[Source],
    scored: ScoredSentences,
    units: list[list[Span] | None],
    groups: list[frozenset[str]],
) -> list[Span] | None:
    """An announcement whose announced text runs on past the quote ("Diese teilen sich
    auf die Dienststellen wie folgt auf:" before a table of 40 rows) takes the later
    line of its passage that holds the most of the question's terms the quote lacks
    ("Sozial- und Jugendbehörde 32"), joined with " … "."""
    unit, cand = units[i], scored.cands[i]
    if not unit:
        return unit
    text = views[sources[cand.source].chunk_id].text
    if not announces(scored.texts[i]) and not announces(text[slice(*unit[-1])]):
        return unit  # neither announces, nor ends in an announcement ("Diese teilen sich …:")
    quoted = set(tokenize(unit_text(text, unit)))
    lacking = [g for g in groups if not held(g, quoted)]
    best, best_found = None, 0
    for j, other in enumerate(scored.cands):
        if other.source != cand.source or other.start < unit[-1][1]:
            continue
        found = sum(1 for g in lacking if held(g, scored.words[j]))
        if found > best_found:
            best, best_found = (other.start, other.end), found
    return unit if best is None else merge_adjacent(text, [*unit, best])


def _unit(
    view: ChunkView, cand: Candidate, answers: tuple[float, int] | None, wanted: str | None
) -> list[Span] | None:
    unit = quote_unit(view.text, view.sentences, cand.start, cand.end)
    if unit is None:
        return None
    if answers is not None:
        return complete_answer(view.text, view.sentences, unit, answers[1])
    if wanted is not None:
        unit = with_wanted_kind(view.text, view.sentences, unit, lambda t: has_type(t, wanted))
    if len(unit) > 1 or unit[-1][1] > cand.end:
        return unit  # it already runs on past the sentence
    return with_elaboration(view.text, view.sentences, unit)


def _quote_scores(
    result: SearchResult,
    views: dict[int, ChunkView],
    sources: list[Source],
    scored: ScoredSentences,
    answers: np.ndarray,
    groups: list[frozenset[str]],
    wanted: str | None,
) -> np.ndarray:
    """Each candidate sentence's quote score (weights in QUOTE_WEIGHTS); ``answers``
    marks the sentences after the document's own restatement of the question,
    ``groups`` are its terms as the corpus spells them, ``wanted`` its answer type."""
    cands, texts = scored.cands, scored.texts
    dense = scored.dense if scored.topic is None else scored.topic
    w = QUOTE_WEIGHTS
    z = _standardise(dense)
    if result.query_sparse is not None and w["sparse"]:  # latent terms cross languages
        q = result.query_sparse
        z = z + w["sparse"] * _standardise(
            np.array([sparse_cosine(q, sv) if sv is not None else 0.0 for sv in scored.sparse])
        )
    # rare terms ("Planstellen") weigh more than the words every passage shares
    weights = [
        min(result.lexical.idf(t) for t in g) if result.lexical is not None else 1.0 for g in groups
    ]
    lex = np.array(
        [
            _overlap(groups, weights, said | _speaker_tokens(views[sources[si].chunk_id], a))
            for (si, a, _b), said in zip(cands, scored.words, strict=True)
        ]
    )
    prior = np.array([1.0 / (1 + si) for si, _a, _b in cands])
    typed = np.array([w["typed"] if wanted and has_type(t, wanted) else 0.0 for t in texts])
    lex_w = w["lex_de"] if result.language == "de" else w["lex_en"]
    named = result.analysis.named
    voiced = np.array(
        [
            w["speaker"] if named and _speaker_named(views[sources[si].chunk_id], a, named) else 0.0
            for si, a, _b in cands
        ]
    )
    asking = w["asker"] * (not wants_the_asking(result.question))
    asker = np.array(
        [
            asking if asking and only_asks(views[sources[si].chunk_id].doc_kind, t) else 0.0
            for (si, _a, _b), t in zip(cands, texts, strict=True)
        ]
    )
    score = z + lex_w * lex + w["prior"] * prior + typed + voiced - asker
    return np.asarray(score + w["answers"] * answers)


def _spelled_groups(result: SearchResult) -> list[frozenset[str]]:
    """The question's terms as the corpus spells them, as coverage counts them: "downlods"
    is "download", so the sentence with the downloads is the one that holds it."""
    groups = [g for g in result.term_groups if not g <= SAYING]
    if result.lexical is None:
        return groups
    return [result.lexical.spelled(g) for g in groups]


def _pick(score: np.ndarray, scored: ScoredSentences, units: list[list[Span] | None]) -> list[int]:
    """The best candidates within QUOTE_MARGIN of the best, no two saying the same."""
    cands, texts = scored.cands, scored.texts
    order = np.argsort(-score)
    best = score[order[0]]
    if not np.isfinite(best):
        return []
    chosen: list[int] = []
    for i in order:
        if len(chosen) >= MAX_QUOTES or score[i] < best - QUOTE_MARGIN:
            break
        if any(_overlaps(cands[i], cands[j], units[i], units[j]) for j in chosen):
            continue  # already inside a chosen quote's unit (a lead-in, an announced text)
        if any(_words(texts[i]) == _words(texts[j]) for j in chosen):
            continue  # the same sentence in two passages (Anfrage and Stellungnahme)
        same_source = sum(1 for j in chosen if cands[j].source == cands[i].source)
        diversity = QUOTE_WEIGHTS["diversity"]
        if same_source and score[i] - diversity * same_source < best - QUOTE_MARGIN:
            continue  # a second quote from the same passage must be clearly good
        chosen.append(int(i))
    # the best first, the rest as they stand in the passages
    chosen[1:] = sorted(chosen[1:], key=lambda i: (cands[i].source, cands[i].start))
    return chosen


def _unquotable(
    question: str,
    views: dict[int, ChunkView],
    sources: list[Source],
    scored: ScoredSentences,
    units: list[list[Span] | None],
) -> list[int]:
    """Sentences that are never a quote: an announcement of something the passage
    does not hold, a restatement of the question (a Stellungnahme repeats the
    numbered question before it answers), a heading, and any question or request
    ("Bitte … auflisten") unless the question is about what was asked."""
    asked = set(tokenize(question))
    questions_answer = about_asking(question)
    never = []
    for i, (cand, t, unit) in enumerate(zip(scored.cands, scored.texts, units, strict=True)):
        v = views[sources[cand.source].chunk_id]
        heading = is_heading(v.text, cand.start, cand.end, v.title)
        asking = (is_question(t) or is_request(t)) and not questions_answer
        if unit is None or restates(asked, t) or heading or asking:
            never.append(i)
    return never


def _overlaps(
    a: Candidate, b: Candidate, unit_a: list[Span] | None, unit_b: list[Span] | None
) -> bool:
    """Whether two candidates' quote units share text (only within one passage)."""
    if a.source != b.source:
        return False
    one = unit_a or [(a.start, a.end)]
    two = unit_b or [(b.start, b.end)]
    return any(a0 < b1 and b0 < a1 for a0, a1 in one for b0, b1 in two)


def _words(sentence: str) -> tuple[str, ...]:
    """A sentence's words, case folded: quoted twice it would say nothing new."""
    return tuple(re.findall(r"\w+", sentence.casefold()))


def _overlap(groups: list[frozenset[str]], weights: list[float], tokens: set[str]) -> float:
    """IDF-weighted share of the question's terms in ``tokens`` (as coverage counts them)."""
    total = sum(weights)
    found = sum(w for g, w in zip(groups, weights, strict=True) if held(g, tokens))
    return found / total if total > 0 else 0.0


def _speaker_tokens(view: ChunkView, rel_start: int) -> set[str]:
    """The words of the sentence's speaker label: "Er schlägt vor …" said by Herr Heymann
    (SPD-Fraktion) answers a question about the SPD's proposal."""
    span = view.span_at(rel_start)
    if not span or not span.speaker:
        return set()
    return set(tokenize(f"{span.speaker} {span.faction or ''}"))


def _speaker_named(view: ChunkView, rel_start: int, named: frozenset[str]) -> bool:
    """Whether the sentence's speaker (surname or faction) is named in the question."""
    span = view.span_at(rel_start)
    if not span or not span.speaker:
        return False
    return bool(speaker_keys(span.speaker, span.faction or "") & named)


def _standardise(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() + 1e-6)


def _quote(v: ChunkView, cand: Candidate, unit: list[Span], sources: list[Source]) -> Quote:
    si, a, b = cand
    spans = unit or [(a, b)]
    cit, speaker = citation_for(v, spans[0][0], spans[-1][1])
    text = unit_text(v.text, spans)
    if speaker and text.startswith(speaker.split(" (")[0]):
        speaker = None  # the quote names its speaker itself: "Herr Zilian (10/FBL) bezieht sich …"
    return Quote(text, speaker, cit, sources[si].rank)
