"""Metadata votes: who said it, at which meeting, which figure — what no text retriever sees.

Who: council questions are often about a person or a party ("Was schlägt die
SPD vor?", "What did Herr Gebel say about accessibility?"). The speaker label
is metadata of the passage, often not in its words. Passages whose speaker's
surname or faction the question names get an extra reciprocal-rank vote.

Where: in a store that holds the papers of several councils, a question naming
one of their cities ("Stand der E-Akte in Karlsruhe?") favours that council's
papers, which rarely say their own city's name in the passage that answers.

When: a question naming a meeting day or month ("am 17.12.2020") favours the
passages of a meeting then; the date is in the minutes' header, not in the
passage.

How many: "How many measures were identified in the master plan?" is answered
by a passage saying "24 Maßnahmen", but the passages around it speak of the
master plan and its measures at greater length, so the text retrievers rank
them alike. Ingest extracts every figure with what it counts (the ``figures``
table, index/facts/figures.py); a figure question votes for the candidates that
state a figure whose unit or subject shares a term with the question, or whose
kind (posts, euros, per cent) the question asks for.

Every vote is cast only among the first ``VOTE_DEPTH`` fused hits: the
candidates the retrievers already found.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from index.query import NamedDate, QuestionAnalysis, speaker_keys, tokenize
from index.retrieval.fusion import Hit, vote
from index.retrieval.snapshot import Snapshot
from index.store import (
    Store,
    document_cities,
    figure_rows,
    in_documents,
    speakers,
    spoken_by,
)

VOTE_DEPTH = 100  # fused hits the speaker, city, meeting and figure votes look at


class NameLookup:
    """Question words → the speakers and the councils' cities they name, reloaded when
    the store's generation moves."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._generation = -1
        self._by_key: dict[str, set[int]] = {}
        self._cities: dict[str, set[int]] = {}
        self._lock = threading.Lock()

    def _load(self) -> None:
        gen = self.store.generation()
        if gen == self._generation:
            return
        with self._lock:
            by_key: dict[str, set[int]] = {}
            for sp in speakers(self.store):
                for key in speaker_keys(sp.name, sp.faction):
                    by_key.setdefault(key, set()).add(sp.id)
            self._cities = councils(document_cities(self.store))
            self._by_key, self._generation = by_key, gen

    def chunks_for(self, named: frozenset[str], candidates: list[int]) -> set[int]:
        """Which of ``candidates`` are spoken by someone the question names.

        ``named``: the question's words as speaker keys (``QuestionAnalysis.named``).
        """
        self._load()
        voices = set().union(*(self._by_key.get(w, set()) for w in named))
        if not voices or not candidates:
            return set()
        return spoken_by(self.store, candidates, voices)

    def city_chunks(self, named: frozenset[str], candidates: list[int]) -> set[int]:
        """Which of ``candidates`` come from the papers of a city the question names
        (``named``: its words, lower case, as ``QuestionAnalysis.named`` holds them)."""
        self._load()
        docs = set().union(*(self._cities.get(w, set()) for w in named))
        if not docs or not candidates:
            return set()
        return in_documents(self.store, candidates, docs)


CITY_MIN_DOCUMENTS = 2  # a city named by fewer papers is a misread header, not a council
CITY_MIN_SHARE = 0.01  # ... or by fewer than this share of the papers that name one


def councils(cities: dict[str, set[int]]) -> dict[str, set[int]]:
    """The cities whose councils' papers the store holds, when it holds several.

    The city of a paper is read from its header, and a few headers are misread
    ("Abstimmung", "Kontakt"): those name one or two papers among hundreds, and a
    vote for them would lift papers of no council. One council's papers alone get
    no vote at all: naming its city tells none of its passages from another."""
    total = sum(len(docs) for docs in cities.values())
    kept = {
        city: docs
        for city, docs in cities.items()
        if len(docs) >= CITY_MIN_DOCUMENTS and len(docs) >= CITY_MIN_SHARE * total
    }
    return kept if len(kept) > 1 else {}


def cast_votes(
    hits: list[Hit],
    a: QuestionAnalysis,
    dated: Callable[[list[NamedDate], list[int]], set[int]],
    store: Store,
    lookup: NameLookup,
    tokens: Sequence[str],
    w: dict[str, float],
) -> None:
    """The speaker, city, meeting and figure votes, each among the hits ranked so far.

    ``dated(named, candidates)``: the candidates from a meeting the question names
    (``dated_chunks`` over a snapshot, or the search tables' dates).
    """
    voiced = lookup.chunks_for(a.named, _ids(hits[:VOTE_DEPTH]))
    vote(hits, voiced, "speaker", w)
    vote(hits, lookup.city_chunks(a.named, _ids(hits[:VOTE_DEPTH])), "city", w)
    named = list(a.dates)
    chosen = dated(named, _ids(hits[:VOTE_DEPTH])) if named else set()
    vote(hits, chosen, "meeting", w)
    counted = figure_chunks(store, a, tokens, _ids(hits[:VOTE_DEPTH]))
    vote(hits, counted, "figure", w)


def dated_chunks(snap: Snapshot, named: list[NamedDate], candidates: list[int]) -> set[int]:
    """Which ``candidates`` come from a meeting on a day (or in a month) ``named``."""
    docs = {d for d, facts in snap.docs.items() if any(n.matches(facts.date) for n in named)}
    if not docs or not candidates:
        return set()
    ids = np.asarray(candidates, dtype=np.int64)
    wanted = np.fromiter(docs, dtype=np.int64)
    out: set[int] = set()
    for seg, alive in zip(snap.segments, snap.alive, strict=True):
        rows = seg.rows(ids)
        found = rows >= 0
        if alive is not None:
            found[found] = alive[rows[found]]
        hit = found.copy()
        hit[found] = np.isin(seg.doc_of[rows[found]], wanted)
        out.update(ids[hit].tolist())
    return out


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


def _ids(hits: list[Hit]) -> list[int]:
    return [h.chunk_id for h in hits]
