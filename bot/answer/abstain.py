"""When to say "nothing found": a small calibrated model over two kinds of evidence.

Retrieval always returns *something*; the question is whether it answers.
Raw cosine similarities do not tell (multilingual-e5 gives 0.8 to unrelated
text), so the decision uses two signals measured on the candidate answer
itself:

* ``sentence_sparse``: the best cosine, in the model's sparse "latent terms"
  space, between the question and the five sentences most similar to it.
  Latent terms are shared across languages, so this works for English
  questions on German minutes.
* ``lexical_coverage``: the IDF-weighted share of the question's terms found in
  the top passages (for English questions, any German word the council
  glossary gives for a term counts). A question about the "Hundesteuer" (or the
  "dog tax") in a corpus that never says "Hundesteuer" fails here.

The weights are fitted by logistic regression on ``bench/calibration.jsonl``
(answerable and off-topic questions written for calibration, not the dev
questions) with ``python -m bench.calibrate_abstention``, which prints the
constants below. Embedders without a sparse head fall back to lexical coverage.

Word rules come before the model (index/query/subject.py says why): a question
whose specific subject the corpus never mentions is refused, and so is one whose
most specific word (``absent_rare_term``) stands in none of the top passages, or
whose two most specific words of one sentence stand in no top passage together
(``rare_pair_apart``); one whose every content word stands in the top passage is
answered, however low its similarity scores.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.answer.model import Source
from index.query import SubjectTerm, missing_subject, tokenize, uncovered_terms, written_stems
from index.retrieval import Lexicon

SparseVec = tuple[np.ndarray, np.ndarray]
MIN_TERMS_FOR_SPARE = 3  # from this many content words, one non-specific may be absent


@dataclass(frozen=True)
class Evidence:
    language: str
    sentence_sparse: float | None  # None when the embedder has no sparse head
    lexical_coverage: float
    missing_subject: tuple[str, ...] = ()  # specific question words the corpus never uses
    top_covers_all: bool = False  # every content word of the question is in the top passage
    rare_absent: str | None = None  # the question's most specific word, in no top passage
    rare_apart: str | None = None  # its two most specific words, in no top passage together

    def as_dict(self) -> dict[str, float | str | bool | list[str] | None]:
        return {
            "language": self.language,
            "sentence_sparse": self.sentence_sparse,
            "lexical_coverage": self.lexical_coverage,
            "missing_subject": list(self.missing_subject),
            "top_covers_all": self.top_covers_all,
            "rare_absent": self.rare_absent,
            "rare_apart": self.rare_apart,
        }


@dataclass(frozen=True)
class AbstainModel:
    """logit = w_sparse·s + w_lexical·c + w_de·[de] + bias; answer if p ≥ threshold."""

    w_sparse: float = 24.40
    w_lexical: float = 5.02
    w_de: float = -1.83
    bias: float = -7.53
    threshold: float = 0.45
    fallback_min_coverage: float = 0.35  # German, no sparse head

    def p_answerable(self, ev: Evidence) -> float:
        if ev.sentence_sparse is None:
            ok = ev.language != "de" or ev.lexical_coverage >= self.fallback_min_coverage
            return 1.0 if ok else 0.0
        de = 1.0 if ev.language == "de" else 0.0
        z = (
            self.w_sparse * ev.sentence_sparse
            + self.w_lexical * ev.lexical_coverage
            + self.w_de * de
            + self.bias
        )
        return 1.0 / (1.0 + math.exp(-z))

    def abstain(self, ev: Evidence) -> bool:
        if ev.missing_subject or ev.rare_absent or ev.rare_apart:
            return True
        if ev.top_covers_all:
            return False
        return self.p_answerable(ev) < self.threshold


def sparse_cosine(a: SparseVec, b: SparseVec) -> float:
    ai, av = a
    bi, bv = b
    if len(ai) == 0 or len(bi) == 0:
        return 0.0
    common, ia, ib = np.intersect1d(ai, bi, assume_unique=False, return_indices=True)
    if len(common) == 0:
        return 0.0
    dot = float(av[ia] @ bv[ib])
    return dot / (float(np.linalg.norm(av)) * float(np.linalg.norm(bv)) + 1e-9)


def subject_evidence(
    terms: Sequence[SubjectTerm], vocabulary: frozenset[str], sources: Sequence[Source]
) -> tuple[tuple[str, ...], bool]:
    """The word rules' evidence: specific words the corpus lacks, and whether the
    top passage (with its citation: body, date, speaker) holds every content word."""
    if not terms or not sources:
        return tuple(missing_subject(terms, vocabulary)), False
    context = _context(sources[0])
    stems = set(tokenize(context, vocabulary))
    missing = tuple(missing_subject(terms, vocabulary, stems))
    uncovered = set(uncovered_terms(terms, stems))
    specific_uncovered = any(t.specific and t.word in uncovered for t in terms)
    # one plain word may be phrased otherwise ("stand" → "Sachstand") in a longer question
    spare = 1 if len(terms) >= MIN_TERMS_FOR_SPARE else 0
    return missing, not specific_uncovered and len(uncovered) <= spare


GENERAL_PIECES = 1  # a word the model's tokenizer keeps whole is general language
RARE_SOURCES = 3  # the passages that must hold the question's most specific word


def absent_rare_term(
    terms: Sequence[SubjectTerm],
    lexicon: Lexicon,
    sources: Sequence[Source],
    pieces: Callable[[str], int | None],
) -> str | None:
    """The question's most specific word when none of the top passages holds it.

    Corpus IDF alone cannot say which word is the subject: in a few papers
    "Probleme" or "Dezember" are as rare as "Gewerbesteuer". The embedder's
    subword vocabulary, learnt on general text, can (``Embedder.word_pieces``):
    common words are one piece. Of the specific words the corpus uses as written,
    or as the head of its compounds (a typo's fuzzy match is too unsure to
    refuse on), the rarest one cut into
    pieces must stand in a top passage; "Wie ist der aktuelle Status der
    Entwicklung des kommunalen Wärmeplans in Grötzingen?" over papers that never
    name Grötzingen near a Wärmeplan is not answered from a Wärmeplan elsewhere.
    """
    specific = _rarest_first(terms, lexicon, pieces)
    if not specific:
        return None
    own, rarest = specific[0]
    held = _held_stems(sources, lexicon.vocabulary)
    return None if _holds(held, own, rarest) else rarest.word


PAIR_MIN_TERMS = 3  # from this many specific words, the two rarest must meet in one passage


def rare_pair_apart(
    question: str,
    terms: Sequence[SubjectTerm],
    lexicon: Lexicon,
    sources: Sequence[Source],
    pieces: Callable[[str], int | None],
) -> str | None:
    """The question's two most specific words of one sentence when no top passage
    holds both.

    A long question joins its subject from several specific words ("unbeschrankte
    Bahnübergänge für Radfahrer in Durlach"); with many documents loaded each of
    them stands somewhere, and a passage with one of them is about something else.
    The passage that answers names the two rarest together, if one sentence of the
    question asks them together (a question in two parts may be answered in two)."""
    specific = _rarest_first(terms, lexicon, pieces)
    if len(specific) < PAIR_MIN_TERMS:
        return None
    own_a, a = specific[0]
    together = [
        (own, t) for own, t in specific[1:] if _one_sentence_names(question, a.word, t.word)
    ]
    if not together:
        return None
    own_b, b = together[0]
    for src in sources[:RARE_SOURCES]:
        held = set(tokenize(_context(src), lexicon.vocabulary))
        if _holds(held, own_a, a) and _holds(held, own_b, b):
            return None
    return f"{a.word} + {b.word}"


def _one_sentence_names(question: str, first: str, second: str) -> bool:
    return any(first in part and second in part for part in _QUESTION_PARTS.split(question))


_QUESTION_PARTS = re.compile(r"(?<=[?.!])\s+")


def _rarest_first(
    terms: Sequence[SubjectTerm], lexicon: Lexicon, pieces: Callable[[str], int | None]
) -> list[tuple[set[str], SubjectTerm]]:
    """The specific words the corpus uses as written (or as a compound's head), that the
    model's vocabulary cuts into pieces, rarest first, with their corpus stems."""
    vocabulary = lexicon.vocabulary
    specific = []
    for term in terms:
        own = written_stems(term.word, vocabulary)
        count = pieces(term.word[:1].upper() + term.word[1:]) if own and term.specific else None
        if count is not None and count > GENERAL_PIECES:
            specific.append((max(lexicon.idf(t) for t in own), own, term))
    specific.sort(key=lambda found: -found[0])
    return [(own, term) for _idf, own, term in specific]


def _held_stems(sources: Sequence[Source], vocabulary: frozenset[str]) -> set[str]:
    return {t for src in sources[:RARE_SOURCES] for t in tokenize(_context(src), vocabulary)}


def _holds(held: set[str], own: set[str], term: SubjectTerm) -> bool:
    return bool(term.stems & held) or any(t.startswith(s) for s in own for t in held)


def _context(src: Source) -> str:
    """A passage's text with the metadata its citation shows (body, date, speaker)."""
    c = src.citation
    parts = [src.text, src.title, src.speaker, c.gremium, " ".join(c.drucksachen)]
    if c.date:
        parts.append(c.date.strftime("%d.%m.%Y %Y"))
    return " ".join(p for p in parts if p)
