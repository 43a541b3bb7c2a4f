"""What the store reports back: documents, ingest runs and counts, as plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class DocumentInfo:
    """A stored document's metadata, as listed by ``ratsbot docs`` and ``/docs``."""

    id: int
    key: str  # source path relative to its root + "#part"
    source_path: str
    title: str | None
    gremium: str | None
    meeting_date: dt.date | None
    session_kind: str | None
    top: str | None
    kind: str | None
    created: dt.date | None
    city: str | None
    own_numbers: tuple[str, ...]
    mentioned_numbers: tuple[str, ...]
    chunk_count: int
    public: bool = True

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("meeting_date", "created"):
            d[k] = d[k].isoformat() if d[k] else None
        d["own_numbers"] = list(self.own_numbers)
        d["mentioned_numbers"] = list(self.mentioned_numbers)
        return d


@dataclass
class FileFailure:
    path: str
    reason: str


@dataclass
class IngestReport:
    """The outcome of one ingest run; ``changed_anything`` tells if indexes moved."""

    added: list[str] = field(default_factory=list)  # document keys
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[FileFailure] = field(default_factory=list)
    kept_removed: list[str] = field(default_factory=list)  # removed by an admin: left out
    notes: list[str] = field(default_factory=list)  # one line per file that was trimmed
    new_document_ids: list[int] = field(default_factory=list)
    chunks_added: int = 0
    chunks_embedded: int = 0
    seconds: float = 0.0
    seconds_searchable: float = 0.0  # until the documents were committed and searchable

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} neu",
            f"{len(self.changed)} geändert",
            f"{len(self.unchanged)} unverändert",
        ]
        if self.removed:
            parts.append(f"{len(self.removed)} entfernt")
        if self.kept_removed:
            parts.append(f"{len(self.kept_removed)} bleiben entfernt")
        parts.append(f"{len(self.failed)} fehlgeschlagen")
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["changed_anything"] = self.changed_anything
        return d


@dataclass(frozen=True)
class Stats:
    documents: int
    chunks: int
    duplicate_chunks: int
    references: int
    speakers: int
    embedded_chunks: int
    newest_meeting_date: dt.date | None
    embedder: str | None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["newest_meeting_date"] = (
            self.newest_meeting_date.isoformat() if self.newest_meeting_date else None
        )
        return d
