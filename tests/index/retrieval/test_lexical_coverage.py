"""Typos count as their corpus spelling: in the lexical coverage the abstention reads,
and in the BM25 search."""

from __future__ import annotations

from bot.service import Ratsbot
from index.retrieval.lexical import Lexicon
from index.store import load_chunks


def test_a_misspelled_word_counts_as_its_corpus_spelling_in_the_coverage() -> None:
    class Words(Lexicon):
        vocabulary = frozenset({"stell", "digitalisier", "geplant"})

        def idf(self, term: str) -> float:
            return 1.0

    lex = Words()
    groups = [frozenset({"stell"}), frozenset({"geplannt"}), frozenset({"wieviel"})]
    # "geplannt" stands for "geplant"; "wieviel" asks, it is no term
    assert lex.coverage(groups, ["Es sind Stellen geplant."]) == 1.0
    assert lex.coverage(groups, ["Es sind Stellen."]) == 0.5
    # a word no passage holds, in no spelling, counts against the coverage
    assert lex.coverage([frozenset({"stell"}), frozenset({"verstoss"})], ["Stellen."]) == 0.5


def test_a_compound_ending_in_the_word_covers_it() -> None:
    class Words(Lexicon):
        vocabulary = frozenset({"stell", "planstell", "digitalisier"})

        def idf(self, term: str) -> float:
            return 1.0

    groups = [frozenset({"stell"}), frozenset({"digitalisier"})]
    # "Planstellen" are "Stellen"; a word merely starting with it is not
    assert Words().coverage(groups, ["38,5 Planstellen für die Digitalisierung."]) == 1.0
    assert Words().coverage(groups, ["Die Stellvertretung der Digitalisierung."]) == 0.5


def test_a_misspelled_word_searches_its_corpus_spelling(bot: Ratsbot) -> None:
    res = bot.searcher.search("Planstelen", k=5)
    first = [h.chunk_id for h in res.hits if h.ranks.get("bm25") == 0]
    assert first
    assert "Planstellen" in load_chunks(bot.store, first)[first[0]].text
