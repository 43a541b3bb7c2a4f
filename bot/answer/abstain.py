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

Three word rules come before the model (index/query/subject.py says why): a
question whose specific subject the corpus never mentions is refused, and so is
one whose most specific word (``absent_rare_term``) stands in none of the top
passages; one whose every content word stands in the top passage is answered,
however low its similarity scores.
"""

from __future__ import annotations

import math
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

    def as_dict(self) -> dict[str, float | str | bool | list[str] | None]:
        return {
            "language": self.language,
            "sentence_sparse": self.sentence_sparse,
            "lexical_coverage": self.lexical_coverage,
            "missing_subject": list(self.missing_subject),
            "top_covers_all": self.top_covers_all,
            "rare_absent": self.rare_absent,
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
        if ev.missing_subject or ev.rare_absent:
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
    vocabulary = lexicon.vocabulary
    specific = []
    for term in terms:
        own = written_stems(term.word, vocabulary)
        count = pieces(term.word[:1].upper() + term.word[1:]) if own and term.specific else None
        if count is not None and count > GENERAL_PIECES:
            specific.append((max(lexicon.idf(t) for t in own), own, term))
    if not specific:
        return None
    _idf, own, rarest = max(specific, key=lambda found: found[0])
    held = {t for src in sources[:RARE_SOURCES] for t in tokenize(_context(src), vocabulary)}
    if rarest.stems & held or any(t.startswith(s) for s in own for t in held):
        return None
    return rarest.word


def _context(src: Source) -> str:
    """A passage's text with the metadata its citation shows (body, date, speaker)."""
    c = src.citation
    parts = [src.text, src.title, src.speaker, c.gremium, " ".join(c.drucksachen)]
    if c.date:
        parts.append(c.date.strftime("%d.%m.%Y %Y"))
    return " ".join(p for p in parts if p)
