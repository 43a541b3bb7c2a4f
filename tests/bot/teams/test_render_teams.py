"""Adaptive Cards: document text never becomes Markdown, buttons carry their payload."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.chat.messages import Action, Reply, Span
from bot.teams.render import PAYLOAD_KEY, card_text, cards_for, escape_md, split_paragraphs

HOSTILE = "**fett** _kursiv_ [Link](http://x) `code` # Titel\n1. Liste\n- Punkt <at>x</at> \\"


def test_document_text_is_shown_as_written() -> None:
    reply = Reply([[Span(HOSTILE, "blockquote")], [Span(HOSTILE)]])
    (card,) = cards_for(reply)
    assert card_text(card) == "\n".join([*HOSTILE.split("\n"), *HOSTILE.split("\n")])
    assert "[Link](" not in str(card["body"])  # never a live link


def test_tags_become_card_markdown_and_quotes_stand_out() -> None:
    reply = Reply([[Span("Aus den Unterlagen:", "b")], [Span("„Zitat“", "blockquote")]])
    body = cards_for(reply)[0]["body"]
    assert body[0]["text"] == "**Aus den Unterlagen:**"
    assert body[1] == {
        "type": "Container",
        "style": "emphasis",
        "items": [{"type": "TextBlock", "text": "„Zitat“", "wrap": True}],
        "separator": False,
        "spacing": "Medium",
    }


def test_buttons_go_under_the_last_card_of_a_long_reply() -> None:
    long = [[Span("x" * 5000)] for _ in range(12)]
    cards = cards_for(Reply(long, actions=(Action("Quellen", "src:a:0"),)))
    assert len(cards) > 1
    assert all("actions" not in c for c in cards[:-1])
    assert cards[-1]["actions"] == [
        {"type": "Action.Submit", "title": "Quellen", "data": {PAYLOAD_KEY: "src:a:0"}}
    ]
    assert sum(len(g) for g in split_paragraphs(long)) == len(long)


@given(st.text(max_size=200))
def test_escaping_round_trips(text: str) -> None:
    line = text.replace("\n", " ").strip()
    (card,) = cards_for(Reply([[Span(line)]]))
    assert card_text(card) == (line if line else "")
    assert escape_md(line).count("[") == line.count("[")
