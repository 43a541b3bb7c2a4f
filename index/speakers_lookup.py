"""Who said it: questions naming a speaker or a faction favour that voice's passages.

Council questions are often about a person or a party ("Was schlägt die SPD
vor?", "What did Herr Gebel say about accessibility?"). The speaker label is
metadata of the passage, often not in its words, so no text retriever sees it.
Passages whose speaker's surname or faction the question names get an extra
reciprocal-rank vote among the candidates the retrievers already found.
"""

from __future__ import annotations

import re
import threading

from sqlalchemy import select

from index.schema import Chunk, Speaker
from index.store import Store

_WORD = re.compile(r"[a-zäöüß0-9]+")
_TITLES = frozenset(
    """herr frau rm dr prof ob bm stadtrat stadträtin stadtrats bürgermeister bürgermeisterin
    erste erster oberbürgermeister oberbürgermeisterin sb se vorsitzende vorsitzender der die
    des von""".split()
)
_GENERIC = frozenset("fraktion fraktionen die der und gruppe partei ratsgruppe".split())
# English names of German parties, as questions in English use them
ALIASES = {
    "greens": "grünen",
    "green": "grünen",
    "left": "linke",
    "liberals": "fdp",
    "social": "spd",
}


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def speaker_keys(name: str, faction: str) -> set[str]:
    """Surname and faction words a question may use for this speaker."""
    keys = set()
    words = [w for w in _tokens(name) if w not in _TITLES and len(w) >= 3]
    if words:
        keys.add(words[-1])
    keys.update(w for w in _tokens(faction) if w not in _GENERIC and len(w) >= 3)
    return keys


def named_keys(question: str) -> set[str]:
    """The question's words as speaker keys (English party names mapped to German)."""
    return {ALIASES.get(w, w) for w in _tokens(question)}


class SpeakerLookup:
    """Question words → speaker ids, reloaded when the store's generation moves."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._generation = -1
        self._by_key: dict[str, set[int]] = {}
        self._lock = threading.Lock()

    def _load(self) -> None:
        gen = self.store.generation()
        if gen == self._generation:
            return
        with self._lock, self.store.session() as s:
            by_key: dict[str, set[int]] = {}
            for sp in s.scalars(select(Speaker)):
                for key in speaker_keys(sp.name, sp.faction or ""):
                    by_key.setdefault(key, set()).add(sp.id)
            self._by_key, self._generation = by_key, gen

    def chunks_for(self, question: str, candidates: list[int]) -> set[int]:
        """Which of ``candidates`` are spoken by someone the question names."""
        self._load()
        words = named_keys(question)
        speakers = set().union(*(self._by_key.get(w, set()) for w in words))
        if not speakers or not candidates:
            return set()
        with self.store.session() as s:
            rows = s.scalars(
                select(Chunk.id).where(Chunk.id.in_(candidates), Chunk.speaker_id.in_(speakers))
            )
            return set(rows)
