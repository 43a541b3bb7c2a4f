"""A question's specific subject, and whether the corpus speaks of it at all.

Semantic similarity cannot tell "the documents don't cover this" from "the
documents cover this in other words": multilingual-e5 gives 0.8 to unrelated
text, and a telegraphic or misspelled question ("Planstelen digitalisirung
wieviel") scores low against the very passage that answers it. Words can tell.
A question names its subject with content words; when one of those words (or a
close spelling of it, or its glossary translation) occurs nowhere in the
corpus, no passage can be about it; when all of them occur in the best passage,
that passage is about it.

Which words name the subject:

* German questions: nouns (German capitalises them, so "Homeoffice" and
  "Oberbürgermeisterwahl" stand out from "arbeiten" or "gewonnen"), and in a
  question typed all in lower case, every long word. Verbs and adjectives are
  too often phrased differently from the minutes to be evidence of absence.
* English questions: terms the council glossary translates to German nouns (a
  "dog tax" the corpus never mentions is absent; "planned" is a verb however it
  is translated); other English words say nothing about a German corpus and
  are left to the semantic evidence.
* Generic words ("Dortmund", "2020", "Stadt", "CDU") are in any council
  corpus, so they can never be missing; matching them proves nothing alone,
  which is why coverage of the top passage asks for every word of the question.

Spelling variants are found with rapidfuzz among vocabulary stems of similar
length that share the first letter, so "digitalisirung" finds "digitalisier".
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from index.query.glossary import expand
from index.query.terms import STOPWORDS_DE, STOPWORDS_EN, _stem, _tail, tokenize

# question words and fillers a telegraphic question adds, never its subject
_FILLERS = frozenset(
    """
    wieviel wieviele viele viel welche welcher welches welchem welchen wann warum weshalb
    wieso womit wohin woher worum wozu wofür wodurch woran worauf worüber inwiefern
    inwieweit gibt gab gesagt sagt sagen stand status thema frage bitte
    what which how many much when where why who please tell about there
    """.split()
)
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß0-9-]*")
LOWERCASE_MIN_LEN = 6  # in an all-lower-case question, shorter words are not taken as nouns


@dataclass(frozen=True)
class SubjectTerm:
    """One word of the question's subject, with the stems that count as it."""

    word: str
    stems: frozenset[str]
    specific: bool  # absent from the corpus → the question is not covered


def subject_terms(question: str, language: str, vocabulary: frozenset[str]) -> list[SubjectTerm]:
    """The question's content words, each with the corpus stems that stand for it."""
    if language == "en":
        return _english_terms(question, vocabulary)
    lower_case = question == question.lower()
    terms: list[SubjectTerm] = []
    for match in _WORD.finditer(question):
        word = match.group(0)
        key = word.lower()
        if key in STOPWORDS_DE or key in STOPWORDS_EN or key in _FILLERS or len(key) < 2:
            continue
        if word.endswith("-"):
            continue  # "Um- und Neubau": a compound's head whose tail the next word carries
        specific = len(key) >= LOWERCASE_MIN_LEN if lower_case else word[0].isupper()
        terms.append(SubjectTerm(word, _stems_for(key, vocabulary), specific))
    return terms


def _english_terms(question: str, vocabulary: frozenset[str]) -> list[SubjectTerm]:
    terms: list[SubjectTerm] = []
    for english, german in expand(question):
        key = english.lower()
        if key in _FILLERS or key in STOPWORDS_EN:
            continue
        if german:
            stems = frozenset(st for word in german for st in tokenize(word))
            noun = any(w[:1].isupper() for w in german) and not key.endswith("ed")
            terms.append(SubjectTerm(english, stems | _stems_for(key, vocabulary), noun))
        else:
            terms.append(SubjectTerm(english, _stems_for(key, vocabulary), False))
    return terms


def _stems_for(word: str, vocabulary: frozenset[str]) -> frozenset[str]:
    """The word's stem, its hyphen parts, and a close spelling known to the corpus: a
    stem within an edit or two, the stem of the word without a stray last letter
    ("Auswirkungn"), or a corpus compound it opens ("Bitcom" in "Bitcomverband")."""
    stems = set(tokenize(word))
    if not stems or stems & vocabulary:
        return frozenset(stems)
    plain = word.replace("-", "").lower()
    for variant in (_stem(plain), _stem(plain[:-1])):
        if variant in vocabulary:
            return frozenset({*stems, variant})
    near = closest_stem(_stem(plain), vocabulary) or _compound_head(_stem(plain), vocabulary)
    return frozenset({*stems, near}) if near else frozenset(stems)


def written_stems(word: str, vocabulary: frozenset[str]) -> set[str]:
    """The word's stems as the corpus writes them: as asked, or as the head of a
    corpus compound ("Gewerbesteuer" in "Gewerbesteueraufkommen"). Unlike
    ``SubjectTerm.stems`` this never holds a typo's closest spelling."""
    own = set(tokenize(word)) & vocabulary
    if own:
        return own
    head = _compound_head(_stem(word.replace("-", "").lower()), vocabulary)
    return {head} if head else set()


def missing_subject(
    terms: Iterable[SubjectTerm], vocabulary: frozenset[str], top_stems: set[str] | None = None
) -> list[str]:
    """Specific words of the question that the corpus never uses, in any spelling.

    A compound the corpus lacks but whose tail it knows ("Videokonferenzlösung"
    where the minutes say "Webex Lösung", "Anwohnerparkausweis" where they speak
    of other passes) counts as present only when that tail, or its head, stands
    in the top passage (``top_stems``) together with every other specific word
    of the question: then the passage is about its kind of thing ("Welche
    Videokonferenzlösung wird mit Microsoft Teams verglichen?"), and the
    semantic evidence decides. A tail alone is any bench, pool or use: "Wie wird
    die Bedeutung einer Muttermilchbank beurteilt?" is not answered from a park
    bench, nor "Hallenbadnutzung" from some other use.
    """
    terms = list(terms)
    top = top_stems or set()
    missing = []
    for term in terms:
        if not term.specific:
            continue
        if not _present(term, vocabulary, top) or (
            _by_tail_only(term, vocabulary) and not _rest_in(term, terms, top)
        ):
            missing.append(term.word)
    return missing


def _by_tail_only(term: SubjectTerm, vocabulary: frozenset[str]) -> bool:
    """Whether the corpus knows the word only as the tail of a compound."""
    parts = [p for p in term.word.lower().split("-") if len(p) >= 3]
    return len(parts) <= 1 and not term.stems & vocabulary


def _rest_in(term: SubjectTerm, terms: list[SubjectTerm], top_stems: set[str]) -> bool:
    """Whether every other specific word of the question stands in the top passage."""
    return all(t.stems & top_stems for t in terms if t.specific and t is not term)


def _present(term: SubjectTerm, vocabulary: frozenset[str], top_stems: set[str]) -> bool:
    """A hyphenated word ("Kita-Plätze") needs each of its parts: every part is a word
    the question chose; another word a known stem, or a compound part in the top passage."""
    word = term.word.lower()
    parts = [p for p in word.split("-") if len(p) >= 3]
    if len(parts) > 1:
        return all(_stems_for(p, vocabulary) & vocabulary for p in parts)
    if term.stems & vocabulary:
        return True
    tail = _tail(word, vocabulary)
    return bool(tail) and (tail[0] in top_stems or _head_in(word, tail[0], top_stems))


def _head_in(word: str, tail: str, top_stems: set[str]) -> bool:
    """Whether the part before a compound's known tail stands in the top passage
    ("Aktendigitalisierung" where it speaks of "Akten"). Two corpus words alone do
    not make the compound's subject: "Fahrrad" and "Straße" somewhere in the papers
    say nothing of "Fahrradstraßen"."""
    for i in range(3, len(word) - 3):
        if _stem(word[i:]) == tail:
            head = _stem(word[:i].rstrip("s"))
            return any(t[:1] == head[:1] and Levenshtein.distance(head, t) <= 1 for t in top_stems)
    return False


def uncovered_terms(terms: Iterable[SubjectTerm], passage_stems: set[str]) -> list[str]:
    """Question words (specific or not) that the passage does not contain."""
    return [t.word for t in terms if t.stems and not t.stems & passage_stems]


def _compound_head(stem: str, vocabulary: frozenset[str]) -> str | None:
    """A corpus stem that starts with ``stem`` (5 letters or more): the word is the
    head of a compound the corpus uses."""
    if len(stem) < 5:
        return None
    ordered = _sorted(vocabulary)
    i = bisect.bisect_left(ordered, stem)
    return ordered[i] if i < len(ordered) and ordered[i].startswith(stem) else None


@lru_cache(maxsize=1)  # the current generation's vocabulary only
def _sorted(vocabulary: frozenset[str]) -> list[str]:
    return sorted(vocabulary)


SPELLING_MIN_LEN = 5  # a shorter unknown stem is an abbreviation more often than a typo


def search_tokens(text: str, vocabulary: frozenset[str]) -> list[str]:
    """The question's BM25 terms, and for each the corpus never uses, its closest corpus
    spelling: "faxnumern" finds the passage that counts "262 Faxnummern", which
    BM25 on the typo alone ranks fifth."""
    tokens = tokenize(text, vocabulary)
    extra: list[str] = []
    for t in tokens:
        if t in vocabulary or t.isdigit() or len(t) < SPELLING_MIN_LEN:
            continue
        near = closest_stem(t, vocabulary)
        if near and near not in tokens and near not in extra:
            extra.append(near)
    return tokens + extra


def closest_stem(stem: str, vocabulary: frozenset[str]) -> str | None:
    """A vocabulary stem within one edit (two for long words), sharing the first letter."""
    if len(stem) < 4 or stem.isdigit():
        return None
    limit = 1 if len(stem) < 8 else 2
    buckets = _buckets(vocabulary)
    candidates = [
        w for n in range(len(stem) - limit, len(stem) + limit + 1) for w in buckets[(stem[0], n)]
    ]
    if not candidates:
        return None
    found = process.extractOne(
        stem, candidates, scorer=Levenshtein.distance, score_cutoff=limit, processor=None
    )
    return found[0] if found else None


@lru_cache(maxsize=1)  # the current generation's vocabulary only
def _buckets(vocabulary: frozenset[str]) -> dict[tuple[str, int], list[str]]:
    """Vocabulary stems by first letter and length: the only ones a typo can be near.
    Sorted, so that of two equally near stems the same one wins in every process
    (a set's order changes with the interpreter's hash seed)."""
    buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
    for w in sorted(vocabulary):
        if w and not w[0].isdigit():
            buckets[(w[0], len(w))].append(w)
    return buckets
