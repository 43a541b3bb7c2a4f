"""Grounded, extractive answers: the sentences that answer, quoted, each cited.

Sentences of the best passages are scored against the question (their own
stand-alone vectors, made at ingest or by the first question that reaches
them, plus word overlap and the passage's rank), the best one to three are
quoted verbatim with the citation of exactly where they stand: the page of
their block, the speaker of their block, the paper numbers they name. The
answer step is a function of (question, retrieved passages), so an
on-premises generative model could later replace ``choose_quotes`` (a
``QuoteSelector``, bot/answer/quote_choice.py) without touching retrieval or
rendering.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from bot.answer.abstain import (
    AbstainModel,
    Evidence,
    absent_rare_term,
    rare_pair_apart,
    sparse_cosine,
    subject_evidence,
)
from bot.answer.model import Answer, Quote, Source
from bot.answer.quote_choice import Candidate, ScoredSentences, choose_quotes
from bot.answer.sentence_vectors import sentence_vectors
from bot.answer.source_lines import follow_quotes, make_sources
from bot.answer.topic import topic_vector
from index.embed import Embedder
from index.query import subject_terms
from index.retrieval import SearchResult
from index.store import ChunkView, Store, load_chunks

SENTENCE_POOL = 4  # passages whose sentences compete for the quote
EVIDENCE_SENTENCES = 5  # sentences most like the question, checked for abstention


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
    """Quote the sentences that answer ``result.question``, or abstain.

    Run it inside ``one_thread()`` (index/retrieval/threads.py), as the service
    does once per question.
    """
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
    scored = score_sentences(store, embedder, result, views, sources)
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


def score_sentences(
    store: Store,
    embedder: Embedder,
    result: SearchResult,
    views: dict[int, ChunkView],
    sources: list[Source],
) -> ScoredSentences:
    """Every sentence of the top passages with its stand-alone vector's similarity
    (bot/answer/sentence_vectors.py: cached, or made here once)."""
    cands: list[Candidate] = []
    for si, src in enumerate(sources[:SENTENCE_POOL]):
        v = views[src.chunk_id]
        if v.kind == "header":  # the metadata block is cited, never quoted
            continue
        cands.extend(Candidate(si, a, b) for a, b in v.sentences if len(v.text[a:b].split()) >= 3)
    texts = [views[sources[si].chunk_id].text[a:b] for si, a, b in cands]
    chunk_of = [sources[si].chunk_id for si, _a, _b in cands]
    vecs, sparse = sentence_vectors(store, embedder, texts, chunk_of)
    scored = ScoredSentences(cands, texts, _cosines(vecs, result.query_vector), sparse)
    topic = topic_vector(embedder, result, views, sources[:SENTENCE_POOL])
    if topic is not None:
        scored.topic = _cosines(vecs, topic)
    return scored


def _cosines(vecs: list[np.ndarray | None], query: np.ndarray | None) -> np.ndarray:
    dense = [float(v @ query) if v is not None and query is not None else 0.0 for v in vecs]
    return np.array(dense, dtype=np.float32)


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
        query = result.query_sparse
        sent_sparse = max(
            (sparse_cosine(query, sv) for i in top if (sv := scored.sparse[i]) is not None),
            default=0.0,
        )
    if result.lexical is None:
        return Evidence(result.language, sent_sparse, 0.0)
    coverage = result.lexical.coverage(result.term_groups, [s.text for s in sources[:3]])
    vocabulary = result.lexical.vocabulary
    terms = subject_terms(result.question, result.language, vocabulary)
    absent, covered = subject_evidence(terms, vocabulary, sources)
    rare = absent_rare_term(terms, result.lexical, sources, embedder.word_pieces)
    apart = rare_pair_apart(result.question, terms, result.lexical, sources, embedder.word_pieces)
    return Evidence(result.language, sent_sparse, coverage, absent, covered, rare, apart)
