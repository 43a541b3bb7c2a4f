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

import numpy as np

from bot.answer import Answer, Citation, Quote, Source
from index.lexical import tokenize
from index.references import find_references
from index.search import SearchResult
from index.store import Store, text_hash
from index.views import ChunkView, load_chunks

MAX_QUOTES = 3
SENTENCE_POOL = 4  # passages whose sentences compete for the quote
_ANAPHOR = re.compile(r"^(Die Kosten hierfür|Dies|Diese[rsm]?|Hierfür|Dazu|Damit)\b")


@dataclass(frozen=True)
class AbstainPolicy:
    """Abstain unless the evidence is strong enough; thresholds calibrated on eval data.

    ``min_dense`` is the cosine of the best passage; ``min_support`` asks that
    at least one other retriever (sparse or BM25) puts the fused best passage in
    its top five, so one retriever's noise alone never answers.
    """

    min_dense: float = 0.80
    min_sparse: float = 0.0
    min_support: int = 2
    strong_dense: float = 0.86

    def abstain(self, result: SearchResult) -> bool:
        ev = result.evidence
        if not result.hits or ev.get("empty"):
            return True
        if result.references and result.hits:
            return False  # a known paper number was asked for: its passages answer
        dense = ev.get("dense_top", 0.0)
        if dense >= self.strong_dense:
            return False
        return dense < self.min_dense or ev.get("agree", 0) < self.min_support


def citation_for(view: ChunkView, rel_start: int, rel_end: int) -> tuple[Citation, str | None]:
    """The citation and speaker of the text at ``view.text[rel_start:rel_end]``."""
    span = view.span_at(rel_start)
    page = span[2] if span else view.page
    speaker = None
    if span and span[3]:
        speaker = span[3] + (f" ({span[4]})" if span[4] else "")
    mentioned = tuple(
        n
        for _r, n, _s, _e in find_references(view.text[rel_start:rel_end])
        if n not in view.own_numbers
    )
    return (
        Citation(view.own_numbers, view.gremium, view.meeting_date, view.top, page, mentioned),
        speaker,
    )


def make_sources(result: SearchResult, views: dict[int, ChunkView], k: int) -> list[Source]:
    sources = []
    for h in result.hits:
        v = views.get(h.chunk_id)
        if v is None:
            continue
        cit, _ = citation_for(v, 0, len(v.text))
        sources.append(
            Source(
                rank=len(sources) + 1,
                chunk_id=v.id,
                document_id=v.document_id,
                title=v.title or v.source_path,
                citation=Citation(cit.drucksachen, cit.gremium, cit.date, cit.top, v.page),
                speaker=(v.speaker + (f" ({v.faction})" if v.faction else ""))
                if v.speaker
                else None,
                text=v.text,
                score=h.score,
                source_path=v.source_path,
            )
        )
        if len(sources) >= k:
            break
    return sources


def compose(
    store: Store,
    embedder_key: str,
    result: SearchResult,
    *,
    k: int = 5,
    policy: AbstainPolicy | None = None,
) -> Answer:
    policy = policy or AbstainPolicy()
    views = load_chunks(store, [h.chunk_id for h in result.hits[: max(k, SENTENCE_POOL)]])
    sources = make_sources(result, views, k)
    answer = Answer(result.question, result.language, abstained=True, sources=sources)
    if not sources or policy.abstain(result):
        return answer
    quotes = select_sentences(store, embedder_key, result, views, sources)
    if not quotes:
        return answer
    answer.abstained = False
    answer.quotes = quotes
    return answer


def select_sentences(
    store: Store,
    embedder_key: str,
    result: SearchResult,
    views: dict[int, ChunkView],
    sources: list[Source],
) -> list[Quote]:
    """Score every sentence of the top passages; quote the best one to three."""
    cands: list[tuple[int, int, int]] = []  # (source index, rel_start, rel_end)
    for si, src in enumerate(sources[:SENTENCE_POOL]):
        v = views[src.chunk_id]
        cands.extend((si, a, b) for a, b in v.sentences if len(v.text[a:b].split()) >= 3)
    if not cands:
        return []
    texts = [views[sources[si].chunk_id].text[a:b] for si, a, b in cands]
    vecs = store.load_embeddings(embedder_key, [text_hash(t) for t in texts])
    qv = result.query_vector
    dense = np.array(
        [
            float(vecs[text_hash(t)][0] @ qv) if qv is not None and text_hash(t) in vecs else 0.0
            for t in texts
        ]
    )
    z = (dense - dense.mean()) / (dense.std() + 1e-6)
    q_terms = set(tokenize(result.question))
    lex = np.array([len(q_terms & set(tokenize(t))) / max(len(q_terms), 1) for t in texts])
    prior = np.array([1.0 / (1 + si) for si, _a, _b in cands])
    score = z + (1.5 * lex if result.language == "de" else 0.5 * lex) + 0.8 * prior
    order = np.argsort(-score)
    best = score[order[0]]
    chosen: list[int] = []
    for i in order:
        if len(chosen) >= MAX_QUOTES or score[i] < best - 0.6:
            break
        if any(texts[i] == texts[j] for j in chosen):
            continue
        chosen.append(int(i))
    chosen.sort(key=lambda i: (cands[i][0], cands[i][1]))
    return [_quote(views[sources[cands[i][0]].chunk_id], cands[i], sources) for i in chosen]


def _quote(v: ChunkView, cand: tuple[int, int, int], sources: list[Source]) -> Quote:
    si, a, b = cand
    # an anaphoric next sentence ("Die Kosten hierfür …") belongs to the quote
    for na, nb in v.sentences:
        if na >= b and na - b <= 2 and _ANAPHOR.match(v.text[na:nb]):
            b = nb
            break
    cit, speaker = citation_for(v, a, b)
    return Quote(v.text[a:b], speaker, cit, sources[si].rank)
