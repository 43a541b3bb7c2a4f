"""How many: a question asking for a figure favours passages that state one about it.

"How many measures were identified in the master plan?" is answered by a
passage saying "24 Maßnahmen", but the passages around it speak of the master
plan and its measures at greater length, so the text retrievers rank them
alike. Ingest already extracts every figure with what it counts (the
``figures`` table, index/figures.py). A figure question gives an extra
reciprocal-rank vote to the candidates that state a figure whose unit or
subject shares a term with the question, or whose kind (posts, euros, per
cent) the question asks for, as the speaker and meeting votes do for
metadata the words do not show.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from index.query import QuestionAnalysis, tokenize
from index.store import Store, figure_rows


def figure_chunks(
    store: Store, question: QuestionAnalysis, terms: Sequence[str], candidates: Sequence[int]
) -> set[int]:
    """The ``candidates`` that state a figure the question asks for; empty if it asks none.

    ``terms`` are the question's BM25 tokens (for an English question they include
    its German glossary words), so "measures" meets "Maßnahmen".
    """
    if not candidates or not question.figure_question:
        return set()
    wanted = set(terms)
    kind = question.figure_kind
    out: set[int] = set()
    for f in figure_rows(store, candidates):
        if f.chunk_id in out:
            continue
        if (kind and f.kind == kind) or wanted & _terms(f"{f.unit} {f.about}"):
            out.add(f.chunk_id)
    return out


@lru_cache(maxsize=8192)
def _terms(text: str) -> frozenset[str]:
    """A figure's unit and subject as BM25 terms, tokenised once: the same ones recur in
    every pool ("Euro", "Stellen"), and tokenising takes about 12 µs a row."""
    return frozenset(tokenize(text))
