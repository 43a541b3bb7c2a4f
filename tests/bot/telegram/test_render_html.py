"""Telegram-HTML rendering: escaping, balanced tags, splitting at paragraph boundaries."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answer.model import Answer, Quote
from bot.telegram.html import (
    Span,
    pack,
    render_answer,
    render_document,
    render_source,
    split_plain,
    tg_len,
)
from tests.bot.telegram.html_check import telegram_html_errors
from tests.support.fakes import CITATION, QUOTE, make_document, make_source


def test_validator_catches_what_telegram_rejects() -> None:
    assert telegram_html_errors("<b>ok</b> &amp; <i>fine</i> &#x27;") == []
    assert telegram_html_errors("<b>open")
    assert telegram_html_errors("<b><i>x</b></i>")
    assert telegram_html_errors("a < b")
    assert telegram_html_errors("Tom & Jerry")
    assert telegram_html_errors("<div>x</div>")
    assert telegram_html_errors("&nbsp;")
    assert telegram_html_errors("<br/>")


def test_answer_renders_quotes_with_citations_and_escapes_document_text() -> None:
    answer = Answer("q", "de", False, [Quote(QUOTE, "Frau <X>", CITATION, 1)], [make_source(1)])
    (text,) = render_answer(answer)
    assert telegram_html_errors(text) == []
    assert "<b>Frau &lt;X&gt;:</b>" in text
    assert "<blockquote>„Die Verwaltung" in text
    assert "<i>[1] Drs. 18828-20 · Ausschuss für Personal" in text
    assert "<sofort>" not in text


def test_abstention_lists_the_closest_documents_once() -> None:
    answer = Answer("q", "en", True, sources=[make_source(1), make_source(2)], notice="cut")
    (text,) = render_answer(answer)
    assert text.startswith("<i>cut</i>")
    assert "I found nothing" in text and text.count("Masterplan") == 1


def test_a_paragraph_longer_than_a_message_is_split_on_plain_text() -> None:
    huge = ("Satz mit <Tag> & Text. " * 400).strip()
    answer = Answer("q", "de", False, [Quote(huge, None, CITATION, 1)], [make_source(1)])
    messages = render_answer(answer)
    assert len(messages) >= 3
    for m in messages:
        assert tg_len(m) <= 4096 and telegram_html_errors(m) == []
    assert all(m.count("<blockquote>") == m.count("</blockquote>") for m in messages)


def test_pack_keeps_paragraphs_whole_when_they_fit() -> None:
    paras = [[Span("a" * 3000)], [Span("b" * 3000, "b")], [Span("c")]]
    assert pack(paras) == ["a" * 3000, "<b>" + "b" * 3000 + "</b>\n\nc"]


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=3000), st.integers(min_value=20, max_value=500))
def test_split_plain_never_exceeds_the_limit_once_escaped(text: str, limit: int) -> None:
    for part in split_plain(text, limit):
        assert tg_len(Span(part).html()) <= limit


def test_source_and_document_cards_are_valid_and_bounded() -> None:
    src = make_source(1, text="x < y & z " * 1000)
    html = render_source(src, 0, 3, "de")
    assert html.startswith("<b>Quelle 1/3</b>") and tg_len(html) <= 4096
    assert telegram_html_errors(html) == []
    card = render_document(make_document(1, "Rat <Beschluss>"), "en")
    assert "Committee:" in card and "&lt;Beschluss&gt;" in card
    assert telegram_html_errors(card) == []
