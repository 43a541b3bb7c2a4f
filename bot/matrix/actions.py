"""Buttons on a platform without buttons: reactions, numbered replies, a short memory.

Matrix messages cannot carry buttons. The bot therefore reacts to its own
message once per ``Action`` ("📄 Quellen", "📎 Dokument", "▶"); a user who
clicks such a reaction (adding the same key) presses that button, and clicking it
again (removing it) presses it once more, so paging back and forth needs no
extra steps. For clients without reactions, the message ends with a numbered
hint line and a text reply with the number or the label presses the button too
(in one-to-one rooms also without using "reply").

``ActionMemory`` remembers which message carries which actions (a bounded LRU:
old messages simply stop reacting, as Telegram's buttons of an expired answer do).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.chat import Action, Paragraph, Span

K = TypeVar("K")
V = TypeVar("V")

# the emoji shown in front of the labels the conversation uses (German and English)
_EMOJI = {"quellen": "📄", "sources": "📄", "dokument": "📎", "document": "📎"}
MEMORY_SIZE = 2000
RECENT_PER_ROOM = 5  # bare labels in one-to-one rooms refer to one of these messages


def reaction_key(action: Action) -> str:
    """The reaction key for ``action``: its label, with an emoji in front of known words."""
    emoji = _EMOJI.get(action.label.casefold())
    return f"{emoji} {action.label}" if emoji else action.label


def hint(actions: tuple[Action, ...]) -> Paragraph:
    """The numbered line under a message: "↳ 1 📄 Quellen · 2 📎 Dokument"."""
    items = " · ".join(f"{n} {reaction_key(a)}" for n, a in enumerate(actions, 1))
    return [Span(f"↳ {items}", "i")]


def match(actions: tuple[Action, ...], text: str) -> Action | None:
    """The action a text reply means: its number, its label or its reaction key."""
    said = " ".join(text.split()).casefold()
    if not said:
        return None
    if said.isdigit() and 1 <= int(said) <= len(actions):
        return actions[int(said) - 1]
    for action in actions:
        if said in (action.label.casefold(), reaction_key(action).casefold()):
            return action
    return None


def by_key(actions: tuple[Action, ...], key: str) -> Action | None:
    """The action whose reaction key is ``key`` (the emoji part may be dropped)."""
    for action in actions:
        if key in (reaction_key(action), action.label):
            return action
    return None


class Lru(Generic[K, V]):
    """A dict that forgets its least recently used entries beyond ``size``."""

    def __init__(self, size: int = MEMORY_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        if key not in self._items:
            return None
        self._items.move_to_end(key)
        return self._items[key]

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def pop(self, key: K) -> V | None:
        return self._items.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class Posted:
    """A bot message that carries actions, and where follow-ups go."""

    room_id: str
    actions: tuple[Action, ...]
    thread_root: str | None = None  # groups: the thread the message is in
    reactions: dict[str, str] = field(default_factory=dict)  # key -> the bot's reaction event


@dataclass(frozen=True)
class UserReaction:
    """A reaction a user added to a bot message (so that removing it counts as a press too)."""

    room_id: str
    user_id: str
    message_id: str
    key: str


class ActionMemory:
    """The bot's recent messages: its own event ids, their actions, users' reactions on them."""

    def __init__(self, size: int = MEMORY_SIZE) -> None:
        self.own: Lru[str, str] = Lru(size)  # every event the bot sent -> its room
        self.posted: Lru[str, Posted] = Lru(size)  # messages with actions
        self.last: Lru[str, list[str]] = Lru(size)  # room -> its newest messages with actions
        self.reactions: Lru[str, UserReaction] = Lru(size)  # user's reaction event -> what

    def sent(self, event_id: str, room_id: str) -> None:
        self.own.put(event_id, room_id)

    def is_own(self, event_id: str | None) -> bool:
        return event_id is not None and event_id in self.own

    def remember(self, event_id: str, posted: Posted) -> None:
        self.posted.put(event_id, posted)
        recent = [e for e in self.last.get(posted.room_id) or [] if e != event_id]
        self.last.put(posted.room_id, [event_id, *recent][:RECENT_PER_ROOM])

    def recent(self, room_id: str) -> list[str]:
        """The room's newest bot messages with actions (newest first) that are still remembered."""
        return [e for e in self.last.get(room_id) or [] if e in self.posted]
