"""BM25 over German text with Snowball stemming and compound parts.

German glues words together: a question about "Stellen" must find
"Planstellen", and "Akte" must find "E-Akte". Each token is stemmed, hyphenated
tokens also yield their parts, and long words also yield a known word they end
in (checked against the corpus vocabulary, so "Planstellen" → "stell" but no
random word tails). bm25s cannot add documents, so each index segment (see
index/segments.py) has its own bm25s index and scores are made comparable by a
shared IDF: bm25s stores idf·tf-part per posting, so a segment's postings are
rescaled by idf(all segments) / idf(this segment). Scores are computed from the
postings of the query's terms only, and the top rows found by MaxScore
(index/postings.py), so a query costs what its posting lists cost, not what the
corpus size costs (bm25s's own top-k scans every document).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from index.glossary import expand
from index.postings import TermPostings

_TOKEN = re.compile(r"[A-Za-zÄÖÜäöüß0-9]+(?:-[A-Za-zÄÖÜäöüß0-9]+)*")

STOPWORDS_DE = frozenset(
    """
    aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
    anderes auch auf aus bei bin bis bist da damit dann der den des dem die das dass daß du
    durch ein eine einem einen einer eines er es für gegen hat hatte haben hier hin hinter
    ich ihr ihre im in ist ja jede jedem jeden jeder jedes kann kein keine mit muss nach
    nicht nichts noch nun nur ob oder ohne sehr sein seine sich sie sind so solche soll
    sollen über um und uns unser unter vom von vor war waren was weil welche welchem welchen
    welcher welches wenn wer werde werden wie wieder will wir wird wo wurde wurden zu zum
    zur zwar zwischen sei seien habe wäre würde gibt gab
    """.split()
)
STOPWORDS_EN = frozenset(
    """
    a an the of to in on for and or is are was were be been by with at from as that this
    which what who whom when where why how did does do has have had it its about
    """.split()
)

_stemmer = Stemmer.Stemmer("german")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


def _words(text: str) -> Iterable[str]:
    for m in _TOKEN.finditer(text.lower()):
        tok = m.group(0)
        if "-" in tok:
            yield tok.replace("-", "")
            yield from (p for p in tok.split("-") if p)
        else:
            yield tok


def tokenize(text: str, vocabulary: frozenset[str] | None = None) -> list[str]:
    """Stems of ``text`` plus compound parts found in ``vocabulary`` (a set of stems)."""
    out: list[str] = []
    for w in _words(text):
        out.extend(_word_tokens(w, vocabulary))
    return out


def _word_tokens(w: str, vocabulary: frozenset[str] | None) -> tuple[str, ...]:
    if w in STOPWORDS_DE or w in STOPWORDS_EN or (len(w) < 2 and not w.isdigit()):
        return ()
    st = _stem(w)
    if vocabulary and len(w) >= 9 and not w.isdigit():
        return (st, *_tail(w, vocabulary))
    return (st,)


def _memo_tokenizer(vocabulary: frozenset[str] | None) -> Callable[[str], list[str]]:
    """``tokenize`` with each distinct word's tokens worked out once.

    Indexing looks up every long word's compound tail (up to a dozen stems and
    set lookups a word); a corpus repeats its words, so a build that memoises
    them per vocabulary tokenises several times faster. The memo lives as long
    as the build.
    """
    memo: dict[str, tuple[str, ...]] = {}

    def tok(text: str) -> list[str]:
        out: list[str] = []
        for w in _words(text):
            t = memo.get(w)
            if t is None:
                t = memo[w] = _word_tokens(w, vocabulary)
            out.extend(t)
        return out

    return tok


def query_terms(query: str, vocabulary: frozenset[str]) -> list[str]:
    """Content stems of a question; an unknown compound stands for its known tail."""
    terms = []
    for w in _words(query):
        if w in STOPWORDS_DE or w in STOPWORDS_EN or len(w) < 2:
            continue
        st = _stem(w)
        if st not in vocabulary and len(w) >= 9:
            tail = _tail(w, vocabulary)
            st = tail[0] if tail else st
        terms.append(st)
    return list(dict.fromkeys(terms))


def term_groups(query: str, language: str, vocabulary: frozenset[str]) -> list[frozenset[str]]:
    """The question's terms as groups of German stems, any of which counts as the term.

    German questions: one stem per term. English questions: each English term's
    German alternatives from the council glossary plus the word itself (names and
    shared words like "Databox" or "SPD" match as they are).
    """
    if language != "en":
        return [frozenset([t]) for t in query_terms(query, vocabulary)]
    groups: list[frozenset[str]] = []
    for english, german in expand(query):
        alternatives = {st for word in german for st in tokenize(word)}  # no compound tails
        alternatives.update(query_terms(english, vocabulary))
        group = frozenset(alternatives)
        if group and group not in groups:
            groups.append(group)
    return groups


def _tail(word: str, vocabulary: frozenset[str]) -> list[str]:
    """The longest known word that ``word`` ends in (at least 4 letters, not the whole)."""
    for i in range(3, len(word) - 3):
        tail = _stem(word[i:])
        if len(tail) >= 4 and tail in vocabulary:
            return [tail]
    return []


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
        stems = _memo_tokenizer(None)
        for t in texts:
            seen.update(stems(t))
        vocab = frozenset(seen)
        tails = vocab | known if known else vocab
        tok = _memo_tokenizer(tails)
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


class LexicalView:
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
        return tokenize(query, self.vocabulary)

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

    def coverage(self, query: str, texts: Sequence[str], language: str = "de") -> float:
        """IDF-weighted share of the question's terms that occur in ``texts``.

        A term of an English question counts when any of its German glossary
        alternatives occurs; its weight is that of its most common alternative.
        """
        groups = term_groups(query, language, self.vocabulary)
        if not groups:
            return 0.0
        seen = {t for text in texts for t in tokenize(text, self.vocabulary)}
        weights = [(g, min(self.idf(t) for t in g)) for g in groups]
        total = sum(w for _g, w in weights)
        return sum(w for g, w in weights if g & seen) / total if total else 0.0
