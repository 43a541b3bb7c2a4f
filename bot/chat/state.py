"""The conversation's memory: recent answers, language choices and the flood guard.

Privacy by default: nothing here is persisted. Answers live in a small LRU so the
"Quellen"/"Dokument" buttons work for a while (button payloads are limited to 64
bytes, Telegram's ``callback_data`` limit, so buttons carry a short answer id,
not the answer); when the LRU evicts an answer, its buttons politely expire.
Ids are strings on every platform. All of it lives on the event loop only.
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from bot.answer import Answer

DEFAULT_ANSWER_CACHE = 200


@dataclass(frozen=True)
class StoredAnswer:
    """An answer and the chat it was given in (buttons only work in that chat)."""

    answer_id: str
    chat_id: str
    answer: Answer


class AnswerCache:
    """The last ``size`` answers by short id, plus the last answer id per chat."""

    def __init__(self, size: int = DEFAULT_ANSWER_CACHE) -> None:
        self.size = size
        self._answers: OrderedDict[str, StoredAnswer] = OrderedDict()
        self._last_by_chat: OrderedDict[str, str] = OrderedDict()
        self._counter = itertools.count(1)
        self._salt = secrets.token_hex(2)  # ids differ across restarts

    def put(self, chat_id: str, answer: Answer) -> str:
        """Store ``answer``; returns its id (short, so button payloads stay tiny)."""
        answer_id = f"{self._salt}{next(self._counter):x}"
        self._answers[answer_id] = StoredAnswer(answer_id, chat_id, answer)
        self._last_by_chat[chat_id] = answer_id
        self._last_by_chat.move_to_end(chat_id)
        while len(self._answers) > self.size:
            self._answers.popitem(last=False)
        while len(self._last_by_chat) > self.size:
            self._last_by_chat.popitem(last=False)
        return answer_id

    def get(self, answer_id: str, chat_id: str) -> StoredAnswer | None:
        """The stored answer, if still cached and asked in ``chat_id``."""
        stored = self._answers.get(answer_id)
        if stored is None or stored.chat_id != chat_id:
            return None
        self._answers.move_to_end(answer_id)
        return stored

    def last(self, chat_id: str) -> StoredAnswer | None:
        """The newest answer given in ``chat_id`` (for /quellen)."""
        answer_id = self._last_by_chat.get(chat_id)
        return self.get(answer_id, chat_id) if answer_id else None

    def __len__(self) -> int:
        return len(self._answers)


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit: tell the user once per window
    DROP = "drop"  # still over the limit, already told


@dataclass
class _UserWindow:
    times: deque[float] = field(default_factory=deque)
    warned_at: float | None = None


class FloodGuard:
    """At most ``max_events`` questions per user within ``window`` seconds.

    Excess questions are dropped, not queued: answering them late would only
    flood the chat. The user is told once per window.
    """

    def __init__(
        self,
        max_events: int = 5,
        window: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = 10_000,
    ) -> None:
        self.max_events = max_events
        self.window = window
        self.clock = clock
        self.max_users = max_users
        self._users: OrderedDict[str, _UserWindow] = OrderedDict()

    def check(self, user_id: str) -> Verdict:
        """Record one question by ``user_id`` and say whether to answer it."""
        now = self.clock()
        entry = self._users.setdefault(user_id, _UserWindow())
        self._users.move_to_end(user_id)
        while entry.times and now - entry.times[0] >= self.window:
            entry.times.popleft()
        if len(entry.times) >= self.max_events:
            if entry.warned_at is not None and now - entry.warned_at < self.window:
                return Verdict.DROP
            entry.warned_at = now
            return Verdict.WARN
        entry.times.append(now)
        while len(self._users) > self.max_users:
            self._users.popitem(last=False)
        return Verdict.ALLOW


class LanguagePrefs:
    """/sprache choices per user, in memory only and bounded."""

    def __init__(self, max_users: int = 10_000) -> None:
        self.max_users = max_users
        self._prefs: OrderedDict[str, str] = OrderedDict()

    def get(self, user_id: str | None) -> str | None:
        return self._prefs.get(user_id) if user_id is not None else None

    def set(self, user_id: str, language: str) -> None:
        self._prefs[user_id] = language
        self._prefs.move_to_end(user_id)
        while len(self._prefs) > self.max_users:
            self._prefs.popitem(last=False)


class Answers(Protocol):
    """Answers by id for their buttons: ``AnswerCache``, or shared by replicas."""

    def put(self, chat_id: str, answer: Answer) -> str: ...

    def get(self, answer_id: str, chat_id: str) -> StoredAnswer | None: ...

    def last(self, chat_id: str) -> StoredAnswer | None: ...


class Flood(Protocol):
    def check(self, user_id: str) -> Verdict: ...


class Languages(Protocol):
    def get(self, user_id: str | None) -> str | None: ...

    def set(self, user_id: str, language: str) -> None: ...


@dataclass
class ChatState:
    """Everything the conversation remembers: in the process for its lifetime, or in the
    database for every replica (bot/chat/shared_state.py).

    Keys carry the platform (``telegram:123``) so one state can serve several
    front ends without their ids colliding.
    """

    answers: Answers = field(default_factory=AnswerCache)
    flood: Flood = field(default_factory=FloodGuard)
    languages: Languages = field(default_factory=LanguagePrefs)
