"""Property: whatever text sits in a question, a quote or a source, the Telegram HTML
is valid, shows the text literally and every message fits Telegram's limit."""

from __future__ import annotations

import datetime as dt
import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer.model import Answer, Citation, Quote, Source
from bot.telegram.html import render_answer, render_source
from tests.bot.telegram.html_check import telegram_html_errors

_NASTY = st.sampled_from(
    ["<b>", "</a>", "&", "&amp;", "<", ">", '"', "*", "_", "[", "]", "`", "~", "|", "\\",
     "\u202e", "\u200f", "\x00", "\x1b", "🙂", "\n", "a" * 50, "Planstellen", " "]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_NASTY, st.text(max_size=20)), min_size=1, max_size=40).map("".join)


def _answer(question: str, texts: list[str], abstained: bool) -> Answer:
    cit = Citation(("18828-20",), texts[0][:80], dt.date(2020, 12, 3), "4.1.1", 2)
    sources = [
        Source(i + 1, 100 + i, 1, t[:200], cit, t[:30] or None, t, 1.0, "a.txt")
        for i, t in enumerate(texts)
    ]
    quotes = [] if abstained else [Quote(t, t[:20] or None, cit, 1) for t in texts]
    return Answer(question, "de", abstained=abstained, quotes=quotes, sources=sources)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT, st.lists(_TEXT, min_size=1, max_size=6), st.booleans())
def test_answers_are_valid_html_within_limits(
    question: str, texts: list[str], abstained: bool
) -> None:
    answer = _answer(question, texts, abstained)
    messages = render_answer(answer)
    assert messages
    for text in messages:
        assert telegram_html_errors(text) == [], text[:300]
        assert len(text) <= 4096
    for i, source in enumerate(answer.sources):
        card = render_source(source, i, len(answer.sources), "de")
        assert telegram_html_errors(card) == [] and len(card) <= 4096
    if not abstained:
        shown = html.unescape("".join(messages))
        first = " ".join(texts[0].split())
        assert not first or first[:20] in " ".join(shown.split())
