"""The rarest specific word of a question must stand in a top passage."""

from __future__ import annotations

import datetime as dt

from bot.answer.abstain import AbstainModel, Evidence, absent_rare_term, rare_pair_apart
from bot.answer.model import Citation, Source
from index.query import SubjectTerm, subject_terms, tokenize
from index.retrieval import Lexicon

# pieces a general tokenizer cuts these words into: common words stay whole
PIECES = {"Wärmeplans": 3, "Grötzingen": 3, "Status": 1, "Entwicklung": 1, "Probleme": 1}
PIECES |= {"Serviceportal": 2, "Ziel": 1}


class Corpus(Lexicon):
    def __init__(self, texts: list[str]) -> None:
        self.docs = [set(tokenize(t)) for t in texts]
        self.vocabulary = frozenset().union(*self.docs)

    def idf(self, term: str) -> float:
        return 1.0 / (1 + sum(term in d for d in self.docs))


def _source(text: str) -> Source:
    cit = Citation(("2023/0455",), "Gemeinderat", dt.date(2023, 5, 2), "3", 1)
    return Source(1, 1, 1, "Wärmeplanung", cit, None, text, 1.0)


CORPUS_TEXT = [
    "Der Status der Entwicklung des kommunalen Wärmeplans wird berichtet.",
    "In Grötzingen wird eine Sporthalle gebaut.",
    "Der Wärmeplans Entwurf liegt vor.",  # the Wärmeplan is a commoner word here than Grötzingen
    "Probleme mit dem Serviceportal werden behoben.",
]
CORPUS = Corpus(CORPUS_TEXT)


def _terms(question: str) -> list[SubjectTerm]:
    return subject_terms(question, "de", CORPUS.vocabulary)


def _rare(question: str, top: list[str]) -> str | None:
    return absent_rare_term(_terms(question), CORPUS, [_source(t) for t in top], PIECES.get)


def test_a_question_whose_most_specific_word_no_top_passage_holds_is_refused() -> None:
    question = "Wie ist der Status der Entwicklung des kommunalen Wärmeplans in Grötzingen?"
    # Grötzingen is in the corpus, but not in the passages about the Wärmeplan
    assert _rare(question, [CORPUS_TEXT[0]]) == "Grötzingen"
    assert _rare(question, [CORPUS_TEXT[0], CORPUS_TEXT[1]]) is None
    assert AbstainModel().abstain(Evidence("de", 0.9, 1.0, rare_absent="Grötzingen"))


def test_general_words_are_never_the_subject_the_rule_asks_for() -> None:
    # "Probleme" is as rare as "Serviceportal" here, but a tokenizer keeps it whole
    assert _rare("Probleme mit dem Serviceportal?", ["Das Serviceportal wird ausgebaut."]) is None
    assert _rare("Was ist das Ziel?", ["Der Status wird berichtet."]) is None


def test_without_a_tokenizer_the_rule_stays_silent() -> None:
    question = "Wie ist der Status des Wärmeplans in Grötzingen?"
    assert (
        absent_rare_term(_terms(question), CORPUS, [_source(CORPUS_TEXT[0])], lambda w: None)
        is None
    )


def test_a_word_the_corpus_writes_only_inside_compounds_is_asked_for_too() -> None:
    corpus = Corpus(["Das Gewerbesteueraufkommen stieg.", "Die Stadt Dortmund plant."])
    terms = subject_terms("Wie hoch war die Gewerbesteuer in Dortmund?", "de", corpus.vocabulary)
    pieces = {"Gewerbesteuer": 3, "Dortmund": 2}.get
    elsewhere = [_source("Die Stadt Dortmund plant.")]
    assert absent_rare_term(terms, corpus, elsewhere, pieces) == "Gewerbesteuer"
    held = [_source("Das Gewerbesteueraufkommen stieg in Dortmund.")]
    assert absent_rare_term(terms, corpus, held, pieces) is None


def test_the_two_rarest_words_of_a_long_question_must_meet_in_one_passage() -> None:
    texts = [
        "Es gibt unbeschrankte Bahnübergänge an der Albtalbahn.",
        "In Durlach werden Radwege gebaut.",
        "Die Radwege in Karlsruhe werden saniert.",
        "Der Bahnhof hat neue Gleise.",
    ]
    corpus = Corpus(texts)
    pieces = {"Bahnübergänge": 3, "Durlach": 3, "Radwege": 2}.get

    def apart(question: str, top: list[str]) -> str | None:
        terms = subject_terms(question, "de", corpus.vocabulary)
        return rare_pair_apart(question, terms, corpus, [_source(t) for t in top], pieces)

    one = "Wie viele Bahnübergänge und Radwege gibt es in Durlach?"
    # each word stands somewhere, but no passage speaks of Bahnübergänge in Durlach
    assert apart(one, texts[:2]) == "Bahnübergänge + Durlach"
    assert apart(one, ["In Durlach gibt es zwei Bahnübergänge.", texts[2]]) is None
    # asked in two sentences, the words may be answered in two passages
    two = "Wie viele Bahnübergänge gibt es? Welche Radwege werden in Durlach gebaut?"
    assert apart(two, texts[:2]) is None
    assert apart("Bahnübergänge in Durlach?", texts[:2]) is None  # two words: too few to ask
    assert AbstainModel().abstain(Evidence("de", 0.9, 1.0, rare_apart="Bahnübergänge + Durlach"))
