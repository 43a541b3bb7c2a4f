"""The one object every front end talks to: ask, ingest, list, remove.

Chat front ends (Telegram, later Teams and Matrix) and the CLI hold a
``Ratsbot`` and call these methods; they add no retrieval logic of their own.
Methods block (model inference, FAISS); async front ends run them in a worker
thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from bot.answer import Answer
from index.records import DocumentInfo, IngestReport, Stats


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
