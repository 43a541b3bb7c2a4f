"""Who said it: questions naming a speaker or a faction favour that voice's passages.

Council questions are often about a person or a party ("Was schlägt die SPD
vor?", "What did Herr Gebel say about accessibility?"). The speaker label is
metadata of the passage, often not in its words, so no text retriever sees it.
Passages whose speaker's surname or faction the question names get an extra
reciprocal-rank vote among the candidates the retrievers already found.
"""

from __future__ import annotations

import threading

from index.query import speaker_keys
from index.store import Store, speakers, spoken_by


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
        with self._lock:
            by_key: dict[str, set[int]] = {}
            for sp in speakers(self.store):
                for key in speaker_keys(sp.name, sp.faction):
                    by_key.setdefault(key, set()).add(sp.id)
            self._by_key, self._generation = by_key, gen

    def chunks_for(self, named: frozenset[str], candidates: list[int]) -> set[int]:
        """Which of ``candidates`` are spoken by someone the question names.

        ``named``: the question's words as speaker keys (``QuestionAnalysis.named``).
        """
        self._load()
        voices = set().union(*(self._by_key.get(w, set()) for w in named))
        if not voices or not candidates:
            return set()
        return spoken_by(self.store, candidates, voices)
