"""German text as search terms: Snowball stems, compound parts, stopwords.

German glues words together: a question about "Stellen" must find
"Planstellen", and "Akte" must find "E-Akte". Each token is stemmed, hyphenated
tokens also yield their parts, and long words also yield a known word they end
in (checked against the corpus vocabulary, so "Planstellen" → "stell" but no
random word tails). The BM25 index, the quote scorer and the figure lookup all
see text through these functions, so a term means the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

import Stemmer

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


def memo_tokenizer(vocabulary: frozenset[str] | None) -> Callable[[str], list[str]]:
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


def _tail(word: str, vocabulary: frozenset[str]) -> list[str]:
    """The longest known word that ``word`` ends in (at least 4 letters, not the whole)."""
    for i in range(3, len(word) - 3):
        tail = _stem(word[i:])
        if len(tail) >= 4 and tail in vocabulary:
            return [tail]
    return []
