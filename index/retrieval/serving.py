"""The searcher the service uses: questions never wait for a re-index.

``Searcher.snapshot`` notices a new store generation and refreshes, holding a
lock while the next index is built; a question arriving meanwhile would wait
for that build. Here it is answered from the previous generation instead: the
one the admin's re-index started from, complete and consistent in itself
(chunks deleted by the new generation are simply not found in the store and
drop out of the sources). Only a process without any loaded index waits.
"""

from __future__ import annotations

from index.retrieval.search import Searcher
from index.retrieval.snapshot import Snapshot


class ServingSearcher(Searcher):
    """A ``Searcher`` that serves the old snapshot while another thread builds the new one."""

    @property
    def snapshot(self) -> Snapshot:
        snap = self._snap
        if snap is not None and self._lock.locked():
            return snap  # a refresh is running: keep answering from this generation
        return super().snapshot

    def forget(self) -> None:
        """Drop the in-memory snapshot (its files were deleted): the next use rebuilds."""
        with self._lock:
            self._snap = None
