"""Grounded, extractive answers: the sentences that answer, quoted, each cited.

Sentences of the best passages are scored against the question (their own
vectors, computed at ingest, plus word overlap and the passage's rank), the
best one to three are quoted verbatim with the citation of exactly where they
stand: the page of their block, the speaker of their block, the paper numbers
they name. The answer step is a function of (question, retrieved passages), so
an on-premises generative model could later replace ``select_sentences``
without touching retrieval or rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bot.answer.abstain import (
    AbstainModel,
    Evidence,
    SparseVec,
    sparse_cosine,
    subject_evidence,
)
from bot.answer.cues import answer_type, has_type
from bot.answer.model import Answer, Citation, Quote, Source
from bot.answer.source_lines import follow_quotes
from bot.answer.units import is_list_item, quote_unit, unit_text
from index.embed import Embedder
from index.facts import find_references
from index.query import named_keys, speaker_keys, term_groups, tokenize
from index.retrieval import SearchResult, one_thread
from index.store import ChunkView, Store, load_chunks, text_hash

MAX_QUOTES = 3
SENTENCE_POOL = 4  # passages whose sentences compete for the quote
EVIDENCE_SENTENCES = 5  # sentences most like the question, checked for abstention
QUOTE_MARGIN = 1.0  # quotes scoring this much below the best are left out
RESTATEMENT_SHARE = 0.6  # a "?" sentence holding this share of the question's terms restates it
# How a sentence's quote score is made (see choose_quotes); chosen on the eval questions
QUOTE_WEIGHTS = {
    "sparse": 0.0,
    "lex_de": 2.5,
    "lex_en": 2.5,
    "prior": 1.5,
    "typed": 0.7,
    "diversity": 0.0,
    "speaker": 0.7,
    "asks": 1.5,  # a sentence that is itself a question ("1.6. Welche Hürden …?") answers nothing
}


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


def source_from_view(v: ChunkView, rank: int, score: float) -> Source:
    """A whole passage as a source, cited at its first page."""
    return Source(
        rank=rank,
        chunk_id=v.id,
        document_id=v.document_id,
        title=v.title or v.source_path,
        citation=Citation(v.own_numbers, v.gremium, v.meeting_date, v.top, v.page),
        speaker=(v.speaker + (f" ({v.faction})" if v.faction else "")) if v.speaker else None,
        text=v.text,
        score=score,
        source_path=v.source_path,
    )


def make_sources(result: SearchResult, views: dict[int, ChunkView], k: int) -> list[Source]:
    sources = []
    for h in result.hits:
        v = views.get(h.chunk_id)
        if v is None:
            continue
        sources.append(source_from_view(v, len(sources) + 1, h.score))
        if len(sources) >= k:
            break
    return sources


class QuoteSelector(Protocol):
    """The replaceable answer step: passages in, verbatim quotes with citations out.

    ``choose_quotes`` is the bundled extractive one. An operator's on-premises
    language model would implement this too (e.g. ask it which sentences of the
    numbered passages answer, then return those sentences with
    ``citation_for``), so retrieval, abstention, citations and rendering stay as
    they are and every quote stays verbatim.
    """

    def __call__(
        self,
        result: SearchResult,
        views: dict[int, ChunkView],
        sources: list[Source],
        scored: ScoredSentences,
    ) -> list[Quote]: ...


def compose(
    store: Store,
    embedder: Embedder,
    result: SearchResult,
    *,
    k: int = 5,
    model: AbstainModel | None = None,
    selector: QuoteSelector | None = None,
) -> Answer:
    """Quote the sentences that answer ``result.question``, or abstain."""
    with one_thread():  # index/threads.py: spinning BLAS workers slowed the embedding
        return _compose(store, embedder, result, k, model or AbstainModel(), selector)


def _compose(
    store: Store, embedder: Embedder, result: SearchResult, k: int, model: AbstainModel,
    selector: QuoteSelector | None,
) -> Answer:  # fmt: skip
    selector = selector or choose_quotes
    views = load_chunks(store, [h.chunk_id for h in result.hits[: max(k, SENTENCE_POOL)]])
    sources = make_sources(result, views, k)
    answer = Answer(result.question, result.language, abstained=True, sources=sources)
    if not sources:
        return answer
    scored = score_sentences(store, embedder.info.key, result, views, sources, embedder)
    answer.evidence = evidence_for(result, scored, sources, embedder)
    # a paper number asked for by name is answered from that paper's passages
    if not result.references and model.abstain(answer.evidence):
        return answer
    quotes = selector(result, views, sources, scored)
    if quotes:
        answer.abstained = False
        answer.quotes = quotes
        answer.sources = follow_quotes(sources, quotes)
    return answer


@dataclass
class ScoredSentences:
    cands: list[tuple[int, int, int]]  # (source index, rel_start, rel_end)
    texts: list[str]
    dense: np.ndarray  # cosine with the question
    sparse: list[SparseVec | None]


def score_sentences(
    store: Store,
    embedder_key: str,
    result: SearchResult,
    views: dict[int, ChunkView],
    sources: list[Source],
    embedder: Embedder | None = None,
) -> ScoredSentences:
    """Every sentence of the top passages with its cached vectors' similarity.

    Minutes uploaded a moment ago may have no vectors at all yet (found by BM25,
    index/sentence_fill.py): ``embedder`` then embeds their few candidate
    sentences here, so quotes and the abstention evidence stay fair.
    """
    cands: list[tuple[int, int, int]] = []
    for si, src in enumerate(sources[:SENTENCE_POOL]):
        v = views[src.chunk_id]
        if v.kind == "header":  # the metadata block is cited, never quoted
            continue
        cands.extend((si, a, b) for a, b in v.sentences if len(v.text[a:b].split()) >= 3)
    texts = [views[sources[si].chunk_id].text[a:b] for si, a, b in cands]
    vecs = store.load_embeddings(embedder_key, [text_hash(t) for t in texts])
    # new minutes whose sentence vectors are still being made (index/sentence_fill.py):
    # their chunk's vector stands in, as it does in the sentence index
    waiting = {sources[si].chunk_id for (si, _a, _b), t in zip(cands, texts, strict=True)}
    waiting -= {
        sources[si].chunk_id
        for (si, _a, _b), t in zip(cands, texts, strict=True)
        if text_hash(t) in vecs
    }
    stand_in = store.chunk_vectors(embedder_key, sorted(waiting)) if waiting else {}
    bare = {
        i
        for i, ((si, _a, _b), t) in enumerate(zip(cands, texts, strict=True))
        if text_hash(t) not in vecs and sources[si].chunk_id not in stand_in
    }
    if bare and embedder is not None:
        order = sorted(bare)
        made = embedder.embed([texts[i] for i in order], query=False)
        vecs.update({text_hash(texts[i]): (v, None) for i, v in zip(order, made, strict=True)})
    qv = result.query_vector
    dense, sparse = [], []
    for (si, _a, _b), t in zip(cands, texts, strict=True):
        hit = vecs.get(text_hash(t))
        vec = hit[0] if hit is not None else stand_in.get(sources[si].chunk_id)
        dense.append(float(vec @ qv) if vec is not None and qv is not None else 0.0)
        sparse.append(hit[1] if hit is not None else None)
    return ScoredSentences(cands, texts, np.array(dense, dtype=np.float32), sparse)


def evidence_for(
    result: SearchResult, scored: ScoredSentences, sources: list[Source], embedder: Embedder
) -> Evidence:
    """The abstention features (sparse vectors of sentences are made at ingest; older
    stores without them get them here)."""
    sent_sparse = None
    if result.query_sparse is not None and len(scored.texts):
        top = [int(i) for i in np.argsort(-scored.dense)[:EVIDENCE_SENTENCES]]
        missing = [i for i in top if scored.sparse[i] is None]
        if missing and embedder.has_sparse:
            for i, vec in zip(
                missing, embedder.sparse([scored.texts[i] for i in missing]), strict=True
            ):
                scored.sparse[i] = vec
        sent_sparse = max(
            (
                sparse_cosine(result.query_sparse, scored.sparse[i])
                for i in top
                if scored.sparse[i] is not None
            ),
            default=0.0,
        )
    if result.lexical is None:
        return Evidence(result.language, sent_sparse, 0.0)
    coverage = result.lexical.coverage(
        result.question, [s.text for s in sources[:3]], result.language
    )
    missing, covered = subject_evidence(
        result.question, result.language, result.lexical.vocabulary, sources
    )
    return Evidence(result.language, sent_sparse, coverage, missing, covered)


def choose_quotes(
    result: SearchResult,
    views: dict[int, ChunkView],
    sources: list[Source],
    scored: ScoredSentences,
) -> list[Quote]:
    """The best one to three sentences: similarity, word overlap and passage rank."""
    if not scored.texts:
        return []
    cands, texts, dense = scored.cands, scored.texts, scored.dense
    w = QUOTE_WEIGHTS
    z = _standardise(dense)
    if result.query_sparse is not None and w["sparse"]:  # latent terms cross languages
        q = result.query_sparse
        z = z + w["sparse"] * _standardise(
            np.array([sparse_cosine(q, sv) if sv is not None else 0.0 for sv in scored.sparse])
        )
    vocabulary = result.lexical.vocabulary if result.lexical is not None else frozenset()
    groups = term_groups(result.question, result.language, vocabulary)
    # rare terms ("Planstellen") weigh more than the words every passage shares
    weights = [
        min(result.lexical.idf(t) for t in g) if result.lexical is not None else 1.0 for g in groups
    ]
    lex = np.array(
        [
            _overlap(
                groups, weights, set(tokenize(t)) | _speaker_tokens(views[sources[si].chunk_id], a)
            )
            for (si, a, _b), t in zip(cands, texts, strict=True)
        ]
    )
    prior = np.array([1.0 / (1 + si) for si, _a, _b in cands])
    wanted = answer_type(result.question)
    typed = np.array([w["typed"] if wanted and has_type(t, wanted) else 0.0 for t in texts])
    lex_w = w["lex_de"] if result.language == "de" else w["lex_en"]
    named = named_keys(result.question)
    voiced = np.array(
        [
            w["speaker"] if named and _speaker_named(views[sources[si].chunk_id], a, named) else 0.0
            for si, a, _b in cands
        ]
    )
    asks = np.array([w["asks"] if t.rstrip(' "“”»«)').endswith("?") else 0.0 for t in texts])
    score = z + lex_w * lex + w["prior"] * prior + typed + voiced - asks
    score[_unquotable(result.question, views, sources, scored)] = -np.inf
    order = np.argsort(-score)
    best = score[order[0]]
    if not np.isfinite(best):
        return []
    chosen: list[int] = []
    for i in order:
        if len(chosen) >= MAX_QUOTES or score[i] < best - QUOTE_MARGIN:
            break
        if any(_overlaps(cands[i], cands[j], views, sources) for j in chosen):
            continue  # already inside a chosen quote's unit (a lead-in, an announced text)
        if any(_words(texts[i]) == _words(texts[j]) for j in chosen):
            continue  # the same sentence in two passages (Anfrage and Stellungnahme)
        same_source = sum(1 for j in chosen if cands[j][0] == cands[i][0])
        if same_source and score[i] - w["diversity"] * same_source < best - QUOTE_MARGIN:
            continue  # a second quote from the same passage must be clearly good
        chosen.append(int(i))
    chosen.sort(key=lambda i: (cands[i][0], cands[i][1]))
    return [_quote(views[sources[cands[i][0]].chunk_id], cands[i], sources) for i in chosen]


def _unquotable(
    question: str, views: dict[int, ChunkView], sources: list[Source], scored: ScoredSentences
) -> list[int]:
    """Sentences that are never a quote: an announcement of something the passage
    does not hold, and a restatement of the question (a Stellungnahme repeats the
    numbered question before it answers)."""
    asked = set(tokenize(question))
    out = []
    for i, ((si, a, b), t) in enumerate(zip(scored.cands, scored.texts, strict=True)):
        v = views[sources[si].chunk_id]
        if _restates(asked, t) or quote_unit(v.text, v.sentences, a, b) is None:
            out.append(i)
    return out


def _overlaps(
    a: tuple[int, int, int],
    b: tuple[int, int, int],
    views: dict[int, ChunkView],
    sources: list[Source],
) -> bool:
    """Whether two candidates' quote units share text."""
    if a[0] != b[0]:
        return False
    v = views[sources[a[0]].chunk_id]
    ua = quote_unit(v.text, v.sentences, a[1], a[2]) or [(a[1], a[2])]
    ub = quote_unit(v.text, v.sentences, b[1], b[2]) or [(b[1], b[2])]
    return any(x0 < y1 and y0 < x1 for x0, x1 in ua for y0, y1 in ub)


def _restates(asked: set[str], sentence: str) -> bool:
    """Whether the sentence is the question again: a question sentence holding most of
    its terms, or a numbered item ("1. In welcher Form … genutzt werden.") made of
    little but the question's terms."""
    said = set(tokenize(sentence))
    if not asked or not said:
        return False
    covers = len(asked & said) / len(asked) >= RESTATEMENT_SHARE
    if sentence.rstrip(' "“”»«)*').endswith("?"):
        return covers
    return covers and is_list_item(sentence) and len(asked & said) / len(said) >= RESTATEMENT_SHARE


def _words(sentence: str) -> tuple[str, ...]:
    """A sentence's words, case folded: quoted twice it would say nothing new."""
    return tuple(re.findall(r"\w+", sentence.casefold()))


def _overlap(groups: list[frozenset[str]], weights: list[float], tokens: set[str]) -> float:
    """IDF-weighted share of the question's terms (any alternative of each) in ``tokens``."""
    total = sum(weights)
    found = sum(w for g, w in zip(groups, weights, strict=True) if g & tokens)
    return found / total if total > 0 else 0.0


def _speaker_tokens(view: ChunkView, rel_start: int) -> set[str]:
    """The words of the sentence's speaker label: "Er schlägt vor …" said by Herr Heymann
    (SPD-Fraktion) answers a question about the SPD's proposal."""
    span = view.span_at(rel_start)
    if not span or not span.speaker:
        return set()
    return set(tokenize(f"{span.speaker} {span.faction or ''}"))


def _speaker_named(view: ChunkView, rel_start: int, named: set[str]) -> bool:
    """Whether the sentence's speaker (surname or faction) is named in the question."""
    span = view.span_at(rel_start)
    if not span or not span.speaker:
        return False
    return bool(speaker_keys(span.speaker, span.faction or "") & named)


def _standardise(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() + 1e-6)


def _quote(v: ChunkView, cand: tuple[int, int, int], sources: list[Source]) -> Quote:
    si, a, b = cand
    spans = quote_unit(v.text, v.sentences, a, b) or [(a, b)]
    cit, speaker = citation_for(v, spans[0][0], spans[-1][1])
    text = unit_text(v.text, spans)
    if speaker and text.startswith(speaker.split(" (")[0]):
        speaker = None  # the quote names its speaker itself: "Herr Zilian (10/FBL) bezieht sich …"
    return Quote(text, speaker, cit, sources[si].rank)
