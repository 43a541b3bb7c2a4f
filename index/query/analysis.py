"""One question, analysed once: what retrieval, the answer and the knowledge answers read of it.

A question passes the service (status or figure answer?), retrieval (paper
numbers restrict it, named speakers and meeting days vote, the glossary's
German words join BM25 for an English question, a figure question favours
passages stating that figure) and the answer composer (term coverage, quote
scoring). Each used to look at the raw text again; a ``QuestionAnalysis``
is made once where the question comes in and handed down, so every step sees
the same reading of it.

What depends on the index is not here: the question's BM25 tokens and term
groups need the corpus vocabulary (compound tails), so they are worked out
from this analysis against a snapshot (``term_groups``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from index.facts import find_references, is_figure_question, wanted_kind
from index.query.dates import NamedDate, dates_in
from index.query.glossary import expand
from index.query.language import detect_language
from index.query.speakers import named_keys
from index.query.terms import query_terms, tokenize

Expansion = tuple[tuple[str, tuple[str, ...]], ...]  # (English term, German alternatives)


@dataclass(frozen=True)
class QuestionAnalysis:
    """The facts one question's text gives, worked out once per question."""

    text: str
    language: str  # "de" | "en"
    references: tuple[str, ...]  # paper numbers named, in text order (repeats kept)
    dates: tuple[NamedDate, ...]  # meeting days or months named
    named: frozenset[str]  # its words as speaker keys (surnames, factions)
    figure_question: bool  # asks "how many / how much"
    figure_kind: str | None  # the kind of figure asked for (stellen, euro, prozent)
    expansion: Expansion  # glossary terms of an English question; empty for German

    @property
    def german_words(self) -> str:
        """The German alternatives of an English question, as text for word-based retrieval."""
        return " ".join(w for _en, german in self.expansion for w in german)

    @property
    def search_text(self) -> str:
        """What BM25 searches: an English question with its glossary's German words.

        BM25 on the English words alone finds only names.
        """
        return f"{self.text} {self.german_words}" if self.language == "en" else self.text

    def term_groups(self, vocabulary: frozenset[str]) -> list[frozenset[str]]:
        """The question's terms as groups of German stems, any of which counts as the term.

        German questions: one stem per term. English questions: each English term's
        German alternatives from the council glossary plus the word itself (names and
        shared words like "Databox" or "SPD" match as they are).
        """
        if self.language != "en":
            return [frozenset([t]) for t in query_terms(self.text, vocabulary)]
        return _glossary_groups(self.expansion, vocabulary)


def analyse(question: str, language: str | None = None) -> QuestionAnalysis:
    """Read ``question`` once; ``language`` overrides the detected language."""
    lang = language or detect_language(question)
    return QuestionAnalysis(
        text=question,
        language=lang,
        references=tuple(r.number for r in find_references(question)),
        dates=tuple(dates_in(question)),
        named=frozenset(named_keys(question)),
        figure_question=is_figure_question(question),
        figure_kind=wanted_kind(question),
        expansion=tuple(expand(question)) if lang == "en" else (),
    )


def as_analysis(question: str | QuestionAnalysis, language: str | None = None) -> QuestionAnalysis:
    """``question`` itself if already analysed, else its analysis (with ``language``)."""
    if isinstance(question, QuestionAnalysis):
        return question
    return analyse(question, language)


def _glossary_groups(
    expansion: Iterable[tuple[str, tuple[str, ...]]], vocabulary: frozenset[str]
) -> list[frozenset[str]]:
    groups: list[frozenset[str]] = []
    for english, german in expansion:
        alternatives = {st for word in german for st in tokenize(word)}  # no compound tails
        alternatives.update(query_terms(english, vocabulary))
        group = frozenset(alternatives)
        if group and group not in groups:
            groups.append(group)
    return groups
