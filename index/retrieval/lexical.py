"""BM25 over German text with Snowball stemming and compound parts.

Terms come from index/query/terms.py. bm25s cannot add documents, so each
index segment (see index/retrieval/segments.py) has its own bm25s index and
scores are made comparable by a shared IDF: bm25s stores idf·tf-part per
posting, so a segment's postings are rescaled by idf(all segments) /
idf(this segment). Scores are computed from the postings of the query's terms
only, and the top rows found by MaxScore (index/retrieval/postings.py), so a
query costs what its posting lists cost, not what the corpus size costs
(bm25s's own top-k scans every document).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import bm25s
import numpy as np

from index.query import closest_stem, memo_tokenizer, query_terms, search_tokens, tokenize
from index.retrieval.postings import TermPostings


class LexicalIndex:
    """BM25 scores for all chunks; rows map to chunk ids in ``ids``."""

    def __init__(self, ids: np.ndarray, retriever: bm25s.BM25, vocabulary: frozenset[str]) -> None:
        self.ids = ids
        self.retriever = retriever
        self.vocabulary = vocabulary

    @classmethod
    def build(
        cls, ids: Sequence[int], texts: Sequence[str], known: frozenset[str] = frozenset()
    ) -> LexicalIndex:
        """Index ``texts``; ``known`` adds other segments' words for compound tails."""
        seen: set[str] = set()  # streamed: a million token lists held twice cost gigabytes
        stems = memo_tokenizer(None)
        for t in texts:
            seen.update(stems(t))
        vocab = frozenset(seen)
        tails = vocab | known if known else vocab
        tok = memo_tokenizer(tails)
        corpus = [tok(t) for t in texts]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(corpus if corpus else [[""]], show_progress=False)
        return cls(np.asarray(ids, dtype=np.int64), retriever, vocab)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row (zeros when no query term is known)."""
        toks = [t for t in tokenize(query, self.vocabulary) if t in self.retriever.vocab_dict]
        if not toks or len(self.ids) == 0:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.retriever.get_scores(toks), dtype=np.float32)[: len(self.ids)]

    @property
    def size(self) -> int:
        return len(self.ids)

    def doc_freq(self, term: str) -> int:
        j = self.retriever.vocab_dict.get(term)
        if j is None:
            return 0
        indptr = self.retriever.scores["indptr"]
        return int(indptr[j + 1] - indptr[j])

    def postings(self, terms: Sequence[str], idf: dict[str, float]) -> TermPostings:
        """The posting lists of ``terms`` (repeats count), each scaled to its IDF in ``idf``.

        With ``idf`` computed from this segment alone the scores equal bm25s's
        ``get_scores``; with an IDF over all segments scores become comparable.
        """
        sc = self.retriever.scores
        data, indices, indptr = sc["data"], sc["indices"], sc["indptr"]
        lists = []
        for t, times in Counter(terms).items():
            j = self.retriever.vocab_dict.get(t)
            if j is None:
                continue
            a, b = int(indptr[j]), int(indptr[j + 1])
            if a == b:
                continue
            factor = np.float32(times * idf[t] / lucene_idf(b - a, self.size))
            lists.append((np.asarray(indices[a:b]), np.asarray(data[a:b], np.float32) * factor))
        return TermPostings(lists, self.size)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.retriever.save(str(folder / "bm25"), show_progress=False)
        np.save(folder / "bm25_ids.npy", self.ids)
        (folder / "bm25_vocab.json").write_text(json.dumps(sorted(self.vocabulary)))

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        retriever = bm25s.BM25.load(
            str(folder / "bm25"), show_progress=False, verbosity=0, mmap=True
        )
        ids = np.load(folder / "bm25_ids.npy")
        vocab = frozenset(json.loads((folder / "bm25_vocab.json").read_text()))
        return cls(ids, retriever, vocab)


def lucene_idf(df: int, n: int) -> float:
    """bm25s's default ("lucene") IDF."""
    return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))


COMPOUND_TAIL_MIN = 5  # stems shorter than this end too many unrelated words
# stems of question words a telegraphic question keeps ("wieviele stellen …")
QUESTION_WORDS = frozenset(tokenize("wieviel wieviele wie viele welche welcher welches"))


class Lexicon:
    """What the answer step asks of the corpus's words: the vocabulary, IDFs, coverage."""

    vocabulary: frozenset[str]

    def idf(self, term: str) -> float:
        raise NotImplementedError

    def coverage(self, groups: Sequence[frozenset[str]], texts: Sequence[str]) -> float:
        """IDF-weighted share of the question's terms (``QuestionAnalysis.term_groups``)
        that occur in ``texts``.

        A term of an English question counts when any of its German glossary
        alternatives occurs; its weight is that of its most common alternative. A
        term the corpus never uses stands for its closest corpus spelling
        ("geplannt" for "geplant"); a question word ("wieviel") is no term.
        """
        known = [self.spelled(g) for g in groups if g - QUESTION_WORDS]
        if not known:
            return 0.0
        seen = {t for text in texts for t in tokenize(text, self.vocabulary)}
        weights = [(g, min(self.idf(t) for t in g)) for g in known]
        total = sum(w for _g, w in weights)
        return sum(w for g, w in weights if held(g, seen)) / total if total else 0.0

    def spelled(self, group: frozenset[str]) -> frozenset[str]:
        """The group's alternatives the corpus uses, else its closest corpus spelling,
        else the group as asked (a word no passage holds)."""
        if group & self.vocabulary:
            return group & self.vocabulary
        near = {s for t in group if (s := closest_stem(t, self.vocabulary))}
        return frozenset(near) or group


def held(group: frozenset[str], seen: set[str]) -> bool:
    """A term is held by a passage that uses it, or a compound ending in it: a German
    compound names a kind of its last part ("Planstellen" are "Stellen")."""
    if group & seen:
        return True
    tails = [t for t in group if len(t) >= COMPOUND_TAIL_MIN]
    return any(w.endswith(t) and len(w) > len(t) for t in tails for w in seen)


class LexicalView(Lexicon):
    """BM25 over several segments as if they were one index (shared IDF, union vocabulary).

    Scores use document frequencies summed over the segments; tombstoned rows
    still count until the next merge, which shifts IDFs negligibly.
    """

    def __init__(self, parts: Sequence[LexicalIndex]) -> None:
        self.parts = list(parts)
        if len(self.parts) == 1:
            self.vocabulary = self.parts[0].vocabulary
        else:
            self.vocabulary = frozenset().union(*(p.vocabulary for p in self.parts))
        self.n = sum(p.size for p in self.parts)

    def query_tokens(self, query: str) -> list[str]:
        return search_tokens(query, self.vocabulary)

    def idfs(self, terms: Iterable[str]) -> dict[str, float]:
        return {t: lucene_idf(sum(p.doc_freq(t) for p in self.parts), self.n) for t in set(terms)}

    def segment_scores(self, tokens: list[str]) -> list[np.ndarray]:
        """Per segment, the BM25 score of every row (same order as ``parts``)."""
        return [p.dense() for p in self.segment_postings(tokens)]

    def segment_postings(self, tokens: list[str]) -> list[TermPostings]:
        """Per segment, the query terms' postings: its top rows and any rows' scores."""
        idf = self.idfs(tokens)
        return [p.postings(tokens, idf) for p in self.parts]

    def query_terms(self, query: str) -> list[str]:
        return query_terms(query, self.vocabulary)

    def idf(self, term: str) -> float:
        """log(N / df) over all segments; an unknown term gets the highest weight."""
        df = sum(p.doc_freq(term) for p in self.parts)
        return float(np.log((max(self.n, 1) + 1) / (df + 0.5)))
