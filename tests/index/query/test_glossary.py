"""The council glossary: English question terms become German alternatives."""

from __future__ import annotations

from index.query import analyse
from index.query.glossary import expand, german_words
from index.retrieval.lexical import LexicalIndex, LexicalView


def test_phrases_win_over_single_words_and_stopwords_vanish() -> None:
    terms = dict(expand("What did the staff council criticise about the finance committee?"))
    assert "Personalrat" in terms["staff council"]
    assert "Finanzausschuss" in terms["finance committee"]
    assert "committee" not in terms and "what" not in terms and "the" not in terms
    assert "kritisiert" in terms["criticise"]


def test_inflected_english_words_find_their_entry() -> None:
    assert "Planstellen" in german_words("How many new posts are planned?")
    assert "Hundesteuer" in german_words("What are the dog taxes?")


def test_hyphenated_words_are_looked_up_as_words_unless_listed_whole() -> None:
    terms = dict(expand("Was the budget-consolidation package one-off or barrier-free?"))
    assert "Haushaltskonsolidierung" in terms["budget consolidation"]
    assert "einmalig" in terms["one-off"] and "barrierefrei" in terms["barrier-free"]
    assert ("covid-19", ()) not in expand("What did covid-19 change?")
    assert ("covid", ()) in expand("What did covid-19 change?")


def test_unknown_words_stand_for_themselves() -> None:
    assert ("databox", ()) in expand("Is the Databox a US cloud provider?")


def test_term_groups_english_and_german() -> None:
    vocab = frozenset({"personalrat", "kritisiert"})
    groups = analyse("What did the staff council criticise?", "en").term_groups(vocab)
    assert any("personalrat" in g for g in groups) and any("kritisiert" in g for g in groups)
    assert analyse("Was kritisiert der Personalrat?", "de").term_groups(vocab) == [
        frozenset({"kritisiert"}),
        frozenset({"personalrat"}),
    ]


def test_english_coverage_counts_german_alternatives() -> None:
    texts = ["Der Personalrat kritisiert die Vorlage.", "Die Hundesteuer steigt."]
    view = LexicalView([LexicalIndex.build([1, 2], texts)])
    staff = analyse("What does the staff council criticise?", "en")
    pool = analyse("What does the swimming pool cost?", "en")
    covered = view.coverage(staff.term_groups(view.vocabulary), texts[:1])
    missing = view.coverage(pool.term_groups(view.vocabulary), texts[:1])
    assert covered == 1.0 and missing == 0.0
