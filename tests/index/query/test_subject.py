"""A question's specific subject against the corpus vocabulary."""

from __future__ import annotations

from pathlib import Path

from index.query import missing_subject, subject_terms, tokenize, uncovered_terms
from index.query.subject import closest_stem, search_tokens

CORPUS = (
    "Der Rat beschließt 38,5 weitere Planstellen für die Digitalisierung. "
    "Die E-Akte wird in allen Ämtern eingeführt. Die CDU-Fraktion stimmt zu. "
    "Die Akte und die Digitalisierung der Verwaltung kosten drei Millionen Euro. "
    "Die Steuer wird erhöht."
)
VOCABULARY = frozenset(tokenize(CORPUS))


def _missing(question: str, language: str = "de") -> list[str]:
    return missing_subject(subject_terms(question, language, VOCABULARY), VOCABULARY)


def test_a_misspelled_search_term_brings_its_corpus_spelling() -> None:
    tokens = search_tokens("Planstelen digitalisirung wieviel Akte", VOCABULARY)
    assert tokens[: len(tokenize("Planstelen digitalisirung wieviel Akte", VOCABULARY))] == (
        tokenize("Planstelen digitalisirung wieviel Akte", VOCABULARY)
    )  # the words as asked come first, and stay
    assert {"planstell", "digitalisier"} <= set(tokens)
    assert search_tokens("Akte", VOCABULARY) == ["akt"]  # known: nothing added


def test_misspelled_terms_find_their_corpus_spelling() -> None:
    assert closest_stem("digitalisir", VOCABULARY) in VOCABULARY
    assert _missing("Planstelen digitalisirung wieviel") == []


def test_a_subject_the_corpus_never_mentions_is_missing() -> None:
    assert _missing("Wie viele Beschäftigte arbeiten im Homeoffice?") == [
        "Beschäftigte",
        "Homeoffice",
    ]
    assert _missing("Wie hoch ist die Parkgebühr?") == ["Parkgebühr"]


def test_each_part_of_a_hyphenated_word_must_be_known() -> None:
    assert _missing("Wie viele Kita-Plätze fehlen?") == ["Kita-Plätze"]
    assert _missing("Wann kommt die E-Akte?") == []


def test_a_compound_with_a_known_tail_needs_that_tail_in_the_top_passage() -> None:
    terms = subject_terms("Wie hoch ist die Hundesteuer?", "de", VOCABULARY)
    assert missing_subject(terms, VOCABULARY) == ["Hundesteuer"]
    top = set(tokenize("Die Steuer wird erhöht.", VOCABULARY))
    assert missing_subject(terms, VOCABULARY, top) == []


def test_a_known_tail_counts_only_where_the_rest_of_the_subject_stands_with_it() -> None:
    vocabulary = frozenset(
        tokenize(
            "Die Bank auf dem Marktplatz ist aus Holz. Microsoft Teams und die Webex Lösung. "
            "Die Bedeutung der Digitalisierung."
        )
    )
    bench = set(tokenize("Die Bank auf dem Marktplatz ist aus Holz.", vocabulary))
    terms = subject_terms(
        "Wie wird die Bedeutung einer Muttermilchbank beurteilt?", "de", vocabulary
    )
    assert missing_subject(terms, vocabulary, bench) == ["Muttermilchbank"]
    with_rest = bench | set(tokenize("Bedeutung", vocabulary))
    assert missing_subject(terms, vocabulary, with_rest) == []  # the tail meets the rest
    terms = subject_terms(
        "Welche Videokonferenzlösung wird mit Microsoft Teams verglichen?", "de", vocabulary
    )
    webex = set(tokenize("Microsoft Teams und die Webex Lösung.", vocabulary))
    assert missing_subject(terms, vocabulary, webex) == []


def test_misspellings_and_compound_heads_find_the_corpus_word() -> None:
    vocabulary = frozenset(tokenize("Die Auswirkungen und der Bitcomverband, Open Source."))
    terms = subject_terms("Bitcom Auswirkungn Sorce", "de", vocabulary)
    assert missing_subject(terms, vocabulary) == []


def test_generic_words_and_verbs_are_not_evidence_of_absence() -> None:
    assert _missing("Was hat die CDU gesagt?") == []
    assert _missing("was hat die cdu gesagt") == []
    assert _missing("Wann wird die E-Akte eingeführt?") == []


def test_a_compound_of_known_words_needs_its_parts_in_the_top_passage() -> None:
    terms = subject_terms("Wie ist der Stand der Aktendigitalisierung?", "de", VOCABULARY)
    top = set(tokenize("Die Akten werden eingescannt.", VOCABULARY))
    assert missing_subject(terms, VOCABULARY, top) == []
    vocabulary = frozenset(tokenize("Das Fahrrad steht an der Straße. Die Digitalisierung."))
    terms = subject_terms("Wie viele Fahrradstraßen gibt es?", "de", vocabulary)
    elsewhere = set(tokenize("Die Digitalisierung schreitet voran.", vocabulary))
    assert missing_subject(terms, vocabulary, elsewhere) == ["Fahrradstraßen"]


def test_english_glossary_terms_count_and_other_english_words_do_not() -> None:
    assert _missing("How many new posts are planned for digitalisation?", "en") == []
    assert _missing("What does the dog tax cost?", "en") == ["dog tax"]
    assert _missing("Wozu gibt es die E-Akte?") == []


def test_the_top_passage_covers_a_telegraphic_question() -> None:
    terms = subject_terms("e akte stand?", "de", VOCABULARY)
    passage = set(tokenize("Zum Stand: die E-Akte wird eingeführt.", VOCABULARY))
    assert uncovered_terms(terms, passage) == []
    assert uncovered_terms(subject_terms("Homeoffice Stand", "de", VOCABULARY), passage) == [
        "Homeoffice"
    ]


def test_a_compound_head_before_a_dash_is_no_subject_word() -> None:
    question = "Wie hoch sind die Kosten (Sanierung, Um- und Neubau) der Stadthalle?"
    words = [t.word for t in subject_terms(question, "de", frozenset())]
    assert "Um-" not in words and "Neubau" in words


def test_an_election_the_corpus_never_mentions_is_missing_in_english_too() -> None:
    shipped = Path(__file__).resolve().parents[3] / "corpus"
    vocabulary = frozenset(
        tokenize(" ".join(f.read_text(encoding="utf-8") for f in shipped.glob("*.txt")))
    )
    question = "Who won the 2020 mayoral election in Dortmund?"
    terms = subject_terms(question, "en", vocabulary)
    assert missing_subject(terms, vocabulary) == ["mayoral election"]
