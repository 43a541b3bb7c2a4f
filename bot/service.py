"""The one object every front end talks to: ask, ingest, list, remove.

Chat front ends (Telegram, later Teams and Matrix) and the CLI hold a
``Ratsbot`` and call these methods; they add no retrieval logic of their own.
Methods block (model inference, FAISS); async front ends run them in a worker
thread.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from bot.answer import Answer
from bot.compose import compose
from bot.knowledge_data import FigureList, PaperStatus
from bot.settings import Settings
from index.embed import get_embedder
from index.ingest import check_embedder, ingest_paths
from index.language import detect_language
from index.records import DocumentInfo, IngestReport, Stats
from index.search import Filters, Searcher
from index.store import Store


class RatsbotService(Protocol):
    """What a front end may call. Thread-safe: questions run while an ingest runs."""

    def ask(self, question: str, *, k: int = 5, language: str | None = None) -> Answer:
        """Answer ``question``; ``language`` ("de"/"en") overrides detection."""
        ...

    def ingest(self, paths: list[Path]) -> IngestReport:
        """Ingest files or folders incrementally; answers switch to the new index at the end."""
        ...

    def reindex(self) -> IngestReport:
        """Re-ingest the configured corpus folders incrementally."""
        ...

    def documents(self, limit: int | None = None) -> list[DocumentInfo]:
        """Documents, newest meeting date first."""
        ...

    def document(self, doc_id: int) -> DocumentInfo | None: ...

    def remove(self, doc_id: int) -> bool:
        """Remove a document and everything derived from it; False if unknown."""
        ...

    def stats(self) -> Stats: ...

    def status(self, number: str) -> PaperStatus:
        """A paper's path (steps, outcomes, citations); ``found`` False with close numbers."""
        ...

    def figures(self, topic: str | None = None, kind: str | None = None) -> FigureList:
        """Figures with their source, newest first; ``kind``: stellen|euro|prozent|anzahl."""
        ...


MAX_QUESTION_CHARS = 1000


class Ratsbot:
    """The engine behind every front end: one store, one embedder, one searcher.

    Ingests are serialised by a lock (and a lock file against other processes);
    questions read the searcher's current snapshot, which a finished ingest
    replaces in one assignment, so answers never see half a re-index.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(settings.db_url)
        self.embedder = get_embedder(settings.embedder)
        self.searcher = Searcher(self.store, self.embedder, settings.data_dir / "index")
        self._ingest_lock = threading.Lock()

    def close(self) -> None:
        self.store.close()

    # -- questions -------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        k: int = 5,
        language: str | None = None,
        filters: Filters | None = None,
    ) -> Answer:
        notice = None
        question = " ".join((question or "").split())
        if len(question) > MAX_QUESTION_CHARS:
            question = question[:MAX_QUESTION_CHARS]
            notice = (
                "Die Frage war sehr lang und wurde gekürzt."
                if (language or detect_language(question)) == "de"
                else "The question was very long and has been shortened."
            )
        lang = language or detect_language(question)
        if not any(ch.isalnum() for ch in question):
            return Answer(question, lang, abstained=True, notice=notice)
        self.ensure_index()
        result = self.searcher.search(question, k=k, filters=filters, language=lang)
        answer = compose(self.store, self.embedder, result, k=k)
        answer.notice = notice
        return answer

    def ensure_index(self) -> None:
        """On an empty store, index the bundled corpus first (first ``ask`` works)."""
        if self.store.generation() == 0 and not self.store.documents(limit=1):
            self.reindex()
        check_embedder(self.store, self.embedder)

    # -- admin -----------------------------------------------------------------
    def ingest(self, paths: list[Path], *, show_bar: bool | None = False) -> IngestReport:
        with self._ingest_lock, data_dir_lock(self.settings.data_dir):
            report = ingest_paths(
                self.store,
                self.embedder,
                paths,
                show_bar=show_bar,
                corpus_roots=[p for p in self.settings.corpus_dirs if p.is_dir()],
            )
            self.searcher.refresh()
            return report

    def reindex(self) -> IngestReport:
        return self.ingest([p for p in self.settings.corpus_dirs if p.exists()])

    def documents(self, limit: int | None = None) -> list[DocumentInfo]:
        return self.store.documents(limit)

    def document(self, doc_id: int) -> DocumentInfo | None:
        return self.store.document(doc_id)

    def remove(self, doc_id: int) -> bool:
        with self._ingest_lock, data_dir_lock(self.settings.data_dir):
            ok = self.store.remove(doc_id)
            if ok:
                self.searcher.refresh()
            return ok

    def stats(self) -> Stats:
        return self.store.stats()

    # -- council knowledge -------------------------------------------------------
    def status(self, number: str) -> PaperStatus:
        from bot.knowledge_queries import paper_status

        self.ensure_index()
        return paper_status(self.store, number)

    def figures(self, topic: str | None = None, kind: str | None = None) -> FigureList:
        from bot.knowledge_queries import figures

        self.ensure_index()
        return figures(self.store, topic or None, kind or None)


def open_service(settings: Settings) -> Ratsbot:
    """The service for these settings; models load on first use, not here."""
    return Ratsbot(settings)


@contextmanager
def data_dir_lock(data_dir: Path) -> Iterator[None]:
    """An exclusive lock file: two ingests never interleave, even across processes."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".ingest.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
