"""What one sync did: counts, the ids it touched, one line per failure."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_FAILURES = 200  # more are counted, not listed


@dataclass
class SyncReport:
    """Objects seen, new, changed, deleted; files fetched, removed; failures."""

    url: str
    bodies: list[str] = field(default_factory=list)
    pages: int = 0
    objects_seen: int = 0
    objects_new: int = 0
    objects_changed: int = 0
    objects_unchanged: int = 0
    objects_deleted: int = 0
    files_fetched: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    files_failed: int = 0
    documents_added: int = 0
    documents_removed: int = 0
    requests: int = 0
    retries: int = 0
    resumed: list[str] = field(default_factory=list)  # lists continued from a cursor
    incomplete: list[str] = field(default_factory=list)  # lists a failure stopped
    touched: list[str] = field(default_factory=list)  # ids of new, changed, deleted objects
    fetched: list[str] = field(default_factory=list)  # File ids downloaded
    failures: list[str] = field(default_factory=list)
    more_failures: int = 0
    seconds: float = 0.0
    seconds_to_first_document: float | None = None  # first synced file answerable

    def fail(self, line: str) -> None:
        if len(self.failures) < MAX_FAILURES:
            self.failures.append(" ".join(line.split()))
        else:
            self.more_failures += 1

    @property
    def ok(self) -> bool:
        return not self.failures and not self.incomplete

    def summary(self) -> str:
        text = (
            f"{self.objects_seen} Objekte gelesen: {self.objects_new} neu, "
            f"{self.objects_changed} geändert, {self.objects_deleted} gelöscht; "
            f"{self.files_fetched} Dateien geladen, {self.files_removed} entfernt; "
            f"{len(self.failures) + self.more_failures} Fehler; {self.seconds:.1f} s"
        )
        if self.incomplete:
            text += f"; unvollständig (setzt beim nächsten Lauf fort): {', '.join(self.incomplete)}"
        return text

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
