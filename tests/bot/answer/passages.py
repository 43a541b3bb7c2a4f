"""Hand-made passages for the answer tests: sentences as ingest splits them, and the
quotes ``choose_quotes`` picks from a passage when the sentence vectors tie."""

from __future__ import annotations

import numpy as np

from bot.answer.quote_choice import Candidate, ScoredSentences, choose_quotes
from bot.answer.source_lines import make_sources
from index.parse import split_sentences
from index.query import analyse
from index.retrieval import Hit, SearchResult
from index.store.passages import ChunkView


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentences split per line, as ingest splits them per block."""
    spans, offset = [], 0
    for line in text.split("\n"):
        spans += [(offset + a, offset + b) for a, b in split_sentences(line)]
        offset += len(line) + 1
    return spans


def quotes_for(view: ChunkView, question: str, language: str = "de") -> list[str]:
    """The quotes for ``question`` from ``view`` alone, every sentence vector equal."""
    result = SearchResult(analyse(question, language), [Hit(view.id, 1.0)], [], {})
    sources = make_sources(result, {view.id: view}, 5)
    cands = [Candidate(0, a, b) for a, b in view.sentences]
    texts = [view.text[a:b] for a, b in view.sentences]
    scored = ScoredSentences(cands, texts, np.zeros(len(texts), np.float32), [None] * len(texts))
    return [q.text for q in choose_quotes(result, {view.id: view}, sources, scored)]
