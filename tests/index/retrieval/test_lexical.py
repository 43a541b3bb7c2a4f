from __future__ import annotations

from index.query.language import detect_language
from index.query.terms import memo_tokenizer, tokenize
from index.retrieval.lexical import LexicalIndex
from tests.support.paths import CORPUS


def test_compounds_and_hyphens_meet_their_parts() -> None:
    idx = LexicalIndex.build(
        [1, 2, 3],
        [
            "Es werden 38,5 weitere Planstellen beantragt.",
            "Die E-Akte kommt 2021.",
            "Neue Stellen im Hallenbad.",
        ],
    )
    assert idx.scores("Planstellen").argmax() == 0
    s = idx.scores("Akte")
    assert s[1] > 0 and s[0] == 0
    s = idx.scores("Stellen für Digitalisierung")
    assert s[0] > 0 and s[2] > 0  # "Planstellen" yields "stell" via the vocabulary


def test_stopwords_do_not_count() -> None:
    assert tokenize("Wie ist der Stand der") == ["stand"]


def test_language() -> None:
    assert detect_language("Wie ist der Stand der E-Akte?") == "de"
    assert detect_language("What is the status of the e-file?") == "en"
    assert detect_language("How many new posts for digitalisation were discussed?") == "en"
    assert detect_language("Wann öffnet das Hallenbad?") == "de"


def test_the_build_tokeniser_gives_what_tokenize_gives() -> None:
    # the build memoises each word's stems and compound tail; it must not change them
    texts = [p.read_text() for p in sorted(CORPUS.glob("*.txt"))]
    texts += ["Planstellen, E-Akte und Digitalisierungsstrategie: Planstellen!", "a 1 x-y"]
    vocab = frozenset(w for t in texts for w in tokenize(t))
    for vocabulary in (None, vocab):
        memo = memo_tokenizer(vocabulary)
        for t in texts + texts:  # the second time from the memo
            assert memo(t) == tokenize(t, vocabulary)
    assert "stell" in memo_tokenizer(vocab)("Planstellen")
