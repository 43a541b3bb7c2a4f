"""The conversation's memory in the database, for replicas: any instance serves any button.

With several bot processes on one PostgreSQL (``DATABASE_URL``), a Quellen
button may be pressed on another replica than the one that answered, a
``/sprache`` choice must hold everywhere, and the flood guard must count a
user's questions across all of them. These classes keep the same interfaces as
the in-process ones (bot/chat/state.py) over ``index.store.ExpiringState``:
answers for a day, language choices for a year after their last change, flood
windows for their length. User and chat ids are stored only as hashes; an
answer's stored form holds what the buttons need: quotes and sources from the
documents, never the question, the evidence or a user id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from typing import Any, Protocol

from bot.answer import Answer, Citation, Quote, Source
from bot.chat.state import (
    DEFAULT_ANSWER_CACHE,
    AnswerCache,
    ChatState,
    FloodGuard,
    StoredAnswer,
    Verdict,
)
from bot.settings import Settings
from index.store import ExpiringState, Store

ANSWER_TTL = 24 * 3600.0
LANGUAGE_TTL = 365 * 24 * 3600.0


class SharedValues(Protocol):
    """What ``index.store.ExpiringState`` offers."""

    def get(self, key: str) -> str | None: ...

    def put(self, key: str, value: str, ttl: float) -> None: ...

    def update(self, key: str, change: Callable[[str | None], str], ttl: float) -> str: ...


def chat_state_for(
    settings: Settings, service: object, answer_cache_size: int = DEFAULT_ANSWER_CACHE
) -> ChatState:
    """The chat's memory: in the database when settings share it and ``service`` has a
    store (the real service), else in this process."""
    store = getattr(service, "store", None)
    flood = (settings.flood_max_questions, settings.flood_window_seconds)
    if settings.shared_chat_state and isinstance(store, Store):
        values = ExpiringState(store)
        return ChatState(
            SharedAnswers(values), SharedFloodGuard(values, *flood), SharedLanguages(values)
        )
    return ChatState(AnswerCache(answer_cache_size), FloodGuard(*flood))


def hashed(kind: str, key: str) -> str:
    """``kind:`` and a hash of a user or chat key (ids never stand in the database)."""
    digest = hashlib.blake2b(key.encode(), digest_size=16, person=b"ratsbot-chat").hexdigest()
    return f"{kind}:{digest}"


class SharedAnswers:
    """``AnswerCache`` in the database: answers by short id, the last one per chat."""

    def __init__(self, values: SharedValues, ttl: float = ANSWER_TTL) -> None:
        self.values = values
        self.ttl = ttl

    def put(self, chat_id: str, answer: Answer) -> str:
        answer_id = secrets.token_hex(5)  # 10 characters: button payloads stay tiny
        chat = hashed("c", chat_id)
        payload = {"chat": chat, "answer": encode_answer(answer)}
        self.values.put(f"a:{answer_id}", json.dumps(payload, ensure_ascii=False), self.ttl)
        self.values.put(f"l:{chat}", answer_id, self.ttl)
        return answer_id

    def get(self, answer_id: str, chat_id: str) -> StoredAnswer | None:
        if not answer_id.isalnum() or len(answer_id) > 32:
            return None
        raw = self.values.get(f"a:{answer_id}")
        if raw is None:
            return None
        payload = json.loads(raw)
        if payload.get("chat") != hashed("c", chat_id):
            return None
        return StoredAnswer(answer_id, chat_id, decode_answer(payload["answer"]))

    def last(self, chat_id: str) -> StoredAnswer | None:
        answer_id = self.values.get(f"l:{hashed('c', chat_id)}")
        return self.get(answer_id, chat_id) if answer_id else None


class SharedFloodGuard:
    """``FloodGuard`` over all replicas: one locked row per user, kept for one window."""

    def __init__(
        self,
        values: SharedValues,
        max_events: int = 5,
        window: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.values = values
        self.max_events = max_events
        self.window = window
        self.clock = clock

    def check(self, user_id: str) -> Verdict:
        """Record one question by ``user_id`` and say whether to answer it."""
        now = self.clock()
        verdict = Verdict.ALLOW

        def change(old: str | None) -> str:
            nonlocal verdict
            entry = json.loads(old) if old else {"t": [], "w": None}
            times = [t for t in entry["t"] if now - t < self.window]
            warned = entry["w"]
            if len(times) >= self.max_events:
                if warned is not None and now - warned < self.window:
                    verdict = Verdict.DROP
                else:
                    verdict, warned = Verdict.WARN, now
            else:
                verdict = Verdict.ALLOW
                times.append(now)
            return json.dumps({"t": times, "w": warned})

        self.values.update(hashed("f", user_id), change, self.window)
        return verdict


class SharedLanguages:
    """``LanguagePrefs`` in the database: a choice holds on every replica for a year."""

    def __init__(self, values: SharedValues, ttl: float = LANGUAGE_TTL) -> None:
        self.values = values
        self.ttl = ttl

    def get(self, user_id: str | None) -> str | None:
        return self.values.get(hashed("s", user_id)) if user_id is not None else None

    def set(self, user_id: str, language: str) -> None:
        self.values.put(hashed("s", user_id), language, self.ttl)


def encode_answer(answer: Answer) -> dict[str, Any]:
    """What the buttons need of an answer, as JSON: its quotes and sources, not the question."""
    return {
        "language": answer.language,
        "abstained": answer.abstained,
        "notice": answer.notice,
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker,
                "citation": _citation(q.citation),
                "source_rank": q.source_rank,
            }
            for q in answer.quotes
        ],
        "sources": [
            {
                "rank": s.rank,
                "chunk_id": s.chunk_id,
                "document_id": s.document_id,
                "title": s.title,
                "citation": _citation(s.citation),
                "speaker": s.speaker,
                "text": s.text,
                "score": float(s.score),
                "source_path": s.source_path,
                "detail": s.detail,
            }
            for s in answer.sources
        ],
    }


def decode_answer(data: dict[str, Any]) -> Answer:
    """The answer back from :func:`encode_answer` (without its evidence)."""
    quotes = [
        Quote(q["text"], q["speaker"], _from_citation(q["citation"]), q["source_rank"])
        for q in data["quotes"]
    ]
    sources = [Source(**{**s, "citation": _from_citation(s["citation"])}) for s in data["sources"]]
    return Answer("", data["language"], data["abstained"], quotes, sources, data["notice"])


def _citation(c: Citation) -> dict[str, Any]:
    return {
        "drucksachen": list(c.drucksachen),
        "gremium": c.gremium,
        "date": c.date.isoformat() if c.date else None,
        "top": c.top,
        "page": c.page,
        "mentioned": list(c.mentioned),
    }


def _from_citation(d: dict[str, Any]) -> Citation:
    date = dt.date.fromisoformat(d["date"]) if d["date"] else None
    return Citation(
        tuple(d["drucksachen"]), d["gremium"], date, d["top"], d["page"], tuple(d["mentioned"])
    )
