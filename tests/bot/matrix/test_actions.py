"""Buttons as reactions and numbered replies; the bounded memory behind them."""

from __future__ import annotations

from bot.chat.messages import Action
from bot.matrix.actions import ActionMemory, Lru, Posted, by_key, hint, match, reaction_key

SOURCES, DOCUMENT, NEXT = (
    Action("Quellen", "src:a:0"),
    Action("Dokument", "doc:a"),
    Action("▶", "pg:a:1"),
)
ACTIONS = (SOURCES, DOCUMENT)


def test_keys_and_hint() -> None:
    assert reaction_key(SOURCES) == "📄 Quellen"
    assert reaction_key(Action("Sources", "x")) == "📄 Sources"
    assert reaction_key(NEXT) == "▶"
    assert hint(ACTIONS)[0].text == "↳ 1 📄 Quellen · 2 📎 Dokument"


def test_text_replies_match_numbers_labels_and_keys() -> None:
    assert match(ACTIONS, "1") is SOURCES
    assert match(ACTIONS, " QUELLEN ") is SOURCES
    assert match(ACTIONS, "📎 Dokument") is DOCUMENT
    assert match(ACTIONS, "3") is None
    assert match(ACTIONS, "0") is None
    assert match(ACTIONS, "Quellen bitte") is None
    assert match(ACTIONS, "") is None


def test_reaction_keys_find_their_action() -> None:
    assert by_key(ACTIONS, "📄 Quellen") is SOURCES
    assert by_key(ACTIONS, "Dokument") is DOCUMENT
    assert by_key(ACTIONS, "👍") is None


def test_lru_forgets_the_least_recently_used() -> None:
    lru: Lru[str, int] = Lru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1
    lru.put("c", 3)
    assert "b" not in lru and "a" in lru and len(lru) == 2
    assert lru.pop("a") == 1 and lru.pop("a") is None


def test_memory_knows_its_own_events_and_the_latest_actions() -> None:
    memory = ActionMemory(size=3)
    memory.sent("$1", "!r")
    assert memory.is_own("$1") and not memory.is_own("$2") and not memory.is_own(None)
    memory.remember("$1", Posted("!r", ACTIONS))
    memory.remember("$2", Posted("!r", (NEXT,)))
    assert memory.recent("!r") == ["$2", "$1"] and memory.recent("!other") == []
    for n in range(3, 5):  # pushes $1 out of the bounded memory
        memory.remember(f"$x{n}", Posted(f"!o{n}", ACTIONS))
    assert memory.recent("!r") == ["$2"]
