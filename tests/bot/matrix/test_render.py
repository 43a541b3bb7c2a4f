"""Matrix rendering: escaped spans, only our six tags, plain bodies, splitting, relations."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer.model import Answer, Citation, Quote, Source
from bot.chat.cards import answer_paragraphs, document_paragraphs, source_paragraphs
from bot.chat.messages import Span
from bot.matrix import render
from tests.support.fakes import make_document, make_source


def test_spans_are_escaped_and_quotes_are_blocks() -> None:
    paragraphs = [
        [Span("Antwort", "b")],
        [
            Span("Herr X:", "b"),
            Span("\n"),
            Span("„<script>alert(1)</script> & so“", "blockquote"),
            Span("[1] Drucksache 18828-20", "i"),
        ],
    ]
    html = render.render_html(paragraphs)
    assert html == (
        "<p><b>Antwort</b></p><p><b>Herr X:</b></p>"
        "<blockquote>„&lt;script&gt;alert(1)&lt;/script&gt; &amp; so“</blockquote>"
        "<p><i>[1] Drucksache 18828-20</i></p>"
    )
    assert render.html_errors(html) == []
    body = render.render_plain(paragraphs)
    assert body == "Antwort\n\nHerr X:\n„<script>alert(1)</script> & so“\n[1] Drucksache 18828-20"


def test_newlines_become_br_and_control_characters_go() -> None:
    html = render.render_html([[Span("Quellen", "b"), Span("\n[1] a\x0cb\r\n[2] c\x00")]])
    assert html == "<p><b>Quellen</b><br>[1] ab<br>[2] c</p>"
    assert render.render_plain([[Span("a\x00b\r\nc")]]) == "ab\nc"


def test_cards_render_within_the_allow_list() -> None:
    source = make_source(1)
    answer = Answer(
        "Frage?",
        "de",
        False,
        quotes=[Quote("Zitat <b>", "Herr Y", source.citation, 1)],
        sources=[source, make_source(2)],
    )
    for paragraphs in (
        answer_paragraphs(answer),
        source_paragraphs(source, 0, 2, "de"),
        document_paragraphs(make_document(), "en"),
    ):
        html = render.render_html(paragraphs)
        assert render.html_errors(html) == [], html
        assert "<b>Zitat" not in html


def test_the_checker_catches_what_we_never_send() -> None:
    assert render.html_errors('<a href="x">y</a>')
    assert render.html_errors("<b>open")
    assert render.html_errors("<p class='x'>y</p>")
    assert render.html_errors("1 < 2")
    assert render.html_errors("<p><b>ok</b></p>") == []


def test_long_text_is_split_between_sentences_within_the_limit() -> None:
    sentence = "Die Verwaltung legt die Satzung vor & der Rat beschließt sie. "
    paragraphs = [[Span("Kopf", "b")], [Span(sentence * 40, "blockquote")], [Span("Ende")]]
    messages = render.split_messages(paragraphs, limit=800)
    assert len(messages) > 2
    for message in messages:
        html = render.render_html(message)
        assert len(html) <= 800 and render.html_errors(html) == []
    joined = " ".join(render.render_plain(m) for m in messages)
    assert " ".join(joined.split()) == " ".join(f"Kopf {sentence * 40} Ende".split())


def test_thread_edit_file_and_reaction_contents() -> None:
    content = render.notice("Hallo", "<p>Hallo</p>")
    threaded = render.in_thread(content, "$root", "$question")
    assert threaded["m.relates_to"] == {
        "rel_type": "m.thread",
        "event_id": "$root",
        "is_falling_back": True,
        "m.in_reply_to": {"event_id": "$question"},
    }
    edited = render.edit(content, "$old")
    assert edited["body"] == "* Hallo" and edited["m.new_content"] == content
    assert edited["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$old"}
    assert "m.relates_to" not in edited["m.new_content"]
    file = render.file_content("a.txt", "mxc://x/y", 3, "text/plain")
    assert file["msgtype"] == "m.file" and file["info"]["size"] == 3
    assert render.reaction("$m", "▶")["m.relates_to"]["key"] == "▶"


_NASTY = st.sampled_from(
    [
        "<b>",
        "</p>",
        "&",
        "&amp;",
        "<",
        ">",
        '"',
        "'",
        "\n",
        "\x00",
        "\x0c",
        "\r",
        "🙂",
        "<blockquote>",
        "a" * 50,
        " ",
    ]
)
_TEXT = st.lists(st.one_of(_NASTY, st.text(max_size=20)), min_size=1, max_size=30).map("".join)


def _answer(texts: list[str]) -> Answer:
    cit = Citation(("18828-20",), texts[0][:80], dt.date(2020, 12, 3), "4.1.1", 2)
    sources = [
        Source(i + 1, 100 + i, 1, t[:200], cit, t[:30] or None, t, 1.0, "a.txt")
        for i, t in enumerate(texts)
    ]
    quotes = [Quote(t, t[:20] or None, cit, 1) for t in texts]
    return Answer("Frage", "de", False, quotes=quotes, sources=sources)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TEXT, min_size=1, max_size=6))
def test_any_document_text_stays_text(texts: list[str]) -> None:
    answer = _answer(texts)
    for paragraphs in (answer_paragraphs(answer), source_paragraphs(answer.sources[0], 0, 1, "de")):
        for message in render.split_messages(paragraphs, limit=2000):
            html = render.render_html(message)
            assert render.html_errors(html) == [], html[:300]
            assert len(html) <= 2000
            assert "\x00" not in render.render_plain(message)
