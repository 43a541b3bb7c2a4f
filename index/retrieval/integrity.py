"""Does the index agree with the store? Checks, start-up verification, clean-up.

The store (SQL) is the truth: every document change and the generation number
are committed in one transaction. The index files are derived from it and can
always be rebuilt from the store's vector cache without embedding anything.
So a crash can leave only two kinds of debris, both harmless once known:
folders of an index write that never got renamed (``.tmp-*``), and an index
generation older than the store's. This module finds both, and the things that
are *not* harmless — vectors of another embedder, chunks without vectors —
which must stop the bot with a clear message rather than serve wrong citations.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from index.store import Store, chunk_count, corpus_sources, store_counts

log = logging.getLogger(__name__)

TEMP_PREFIX = ".tmp-"


class Severity(StrEnum):
    OK = "ok"
    WARNING = "warning"  # repaired automatically (index rebuilt from the store)
    ERROR = "error"  # the bot refuses to answer until an admin acts


@dataclass(frozen=True)
class Finding:
    """One finding; ``message`` in English (JSON, logs), ``message_de`` for German output."""

    severity: Severity
    message: str
    message_de: str = ""

    def text(self, lang: str) -> str:
        return self.message_de if lang == "de" and self.message_de else self.message


@dataclass
class CheckReport:
    """What ``ratsbot check`` prints: the facts, then findings worst first."""

    generation: int = 0
    documents: int = 0
    chunks: int = 0
    non_public_documents: int = 0
    index_generation: int | None = None
    index_chunks: int | None = None
    embedder: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def add(self, severity: Severity, message: str, message_de: str = "") -> None:
        self.findings.append(Finding(severity, message, message_de))

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "generation": self.generation,
            "documents": self.documents,
            "chunks": self.chunks,
            "non_public_documents": self.non_public_documents,
            "index_generation": self.index_generation,
            "index_chunks": self.index_chunks,
            "embedder": self.embedder,
            "findings": [
                {"severity": str(f.severity), "message": f.message} for f in self.findings
            ],
        }


def check_data_dir(
    store: Store, embedder_key: str, index_dir: Path, corpus_dirs: tuple[Path, ...] = ()
) -> CheckReport:
    """Compare store, vector cache, index files and corpus; change nothing."""
    rep = CheckReport(generation=store.generation())
    recorded = store.get_state("embedder")
    rep.embedder = recorded
    counts = store_counts(store, embedder_key)
    rep.documents, rep.chunks = counts.documents, counts.chunks
    rep.non_public_documents = counts.non_public_documents
    missing, waiting, sources = counts.missing, counts.waiting, counts.sources
    if recorded and recorded != embedder_key:
        rep.add(
            Severity.ERROR,
            f"the index was built with embedder {recorded}, but {embedder_key} is configured: "
            "run 'ratsbot reindex --full'",
            f"der Index wurde mit dem Embedder {recorded} gebaut, konfiguriert ist {embedder_key}: "
            "'ratsbot reindex --full' ausführen",
        )
    elif missing:
        rep.add(
            Severity.ERROR,
            f"{missing} chunks have no vector for {embedder_key}: run 'ratsbot reindex --full'",
            f"{missing} Abschnitte haben keinen Vektor für {embedder_key}: "
            "'ratsbot reindex --full' ausführen",
        )
    if waiting:  # committed before their vectors (index/ingest/deferred.py): found by BM25
        rep.add(
            Severity.WARNING,
            f"{waiting} chunks of new minutes await their vectors: the running ingest, "
            "or else the next one, embeds them",
            f"{waiting} Abschnitte neuer Dokumente warten auf ihre Vektoren: der laufende "
            "oder sonst der nächste Ingest bettet sie ein",
        )
    _check_index(rep, index_dir, embedder_key)
    if corpus_dirs:  # only documents ingested from a corpus folder: others are not looked for
        from_corpus = set(corpus_sources(store))
        roots = _roots(corpus_dirs)
        gone = [
            p for p in sources if p in from_corpus and not any((c / p).is_file() for c in roots)
        ]
        if gone:
            rep.add(
                Severity.WARNING,
                f"{len(gone)} documents have no source file in the corpus folders "
                f"(e.g. {gone[0]}); they stay indexed until removed",
                f"{len(gone)} Dokumente haben keine Quelldatei mehr in den Korpusordnern "
                f"(z. B. {gone[0]}); sie bleiben im Index, bis sie entfernt werden",
            )
    if not rep.findings:
        rep.add(Severity.OK, "store and index agree", "Speicher und Index stimmen überein")
    return rep


def _roots(corpus_dirs: tuple[Path, ...]) -> list[Path]:
    return [c for d in corpus_dirs for c in (d, d / "uploads") if c.is_dir()]


def _check_index(rep: CheckReport, index_dir: Path, embedder_key: str) -> None:
    temps = stale_temp_folders(index_dir)
    if temps:
        rep.add(
            Severity.WARNING,
            f"{len(temps)} unfinished index writes (a crash?) will be removed at the next ingest",
            f"{len(temps)} unfertige Index-Schreibvorgänge (ein Absturz?) werden beim nächsten "
            "Ingest entfernt",
        )
    folder = index_dir / f"gen-{rep.generation}"
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        gens = sorted(p.name for p in index_dir.glob("gen-*")) if index_dir.is_dir() else []
        if rep.chunks:
            rep.add(
                Severity.WARNING,
                f"no index files for generation {rep.generation} "
                f"(found: {', '.join(gens) or 'none'}): rebuilt from the store at start",
                f"keine Indexdateien für Generation {rep.generation} "
                f"(gefunden: {', '.join(gens) or 'keine'}): beim Start aus dem Speicher gebaut",
            )
        return
    rep.index_generation = int(manifest.get("generation", -1))
    rep.index_chunks = int(manifest.get("chunks", -1))
    if manifest.get("embedder") != embedder_key:
        rep.add(
            Severity.WARNING,
            "index files of another embedder: rebuilt at start",
            "Indexdateien eines anderen Embedders: beim Start neu gebaut",
        )
    if rep.index_chunks != rep.chunks:
        rep.add(
            Severity.WARNING,
            f"index holds {rep.index_chunks} chunks, the store {rep.chunks}: rebuilt at start",
            f"der Index hat {rep.index_chunks} Abschnitte, der Speicher {rep.chunks}: "
            "beim Start neu gebaut",
        )
    for name in manifest.get("segments", []):
        if not (index_dir / name / "rows.npz").is_file():
            rep.add(
                Severity.WARNING,
                f"index segment {name} is missing: rebuilt at start",
                f"Indexsegment {name} fehlt: beim Start neu gebaut",
            )


def stale_temp_folders(index_dir: Path) -> list[Path]:
    """Folders of index writes that never got renamed into place.

    Their names end in the writer's process id; a folder whose writer still
    runs (a bot refreshing its index while a CLI ingest starts) is not stale.
    """
    if not index_dir.is_dir():
        return []
    return [
        p
        for p in index_dir.iterdir()
        if p.name.startswith(TEMP_PREFIX) and not _writer_alive(p.name)
    ]


def _writer_alive(name: str) -> bool:
    pid = name.rsplit("-", 1)[-1]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temp(index_dir: Path) -> int:
    """Delete unfinished index writes. Only call while holding the data-dir lock."""
    temps = stale_temp_folders(index_dir)
    for p in temps:
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    if temps:
        log.info("removed %d unfinished index writes", len(temps))
    return len(temps)


def drop_index_files(index_dir: Path) -> None:
    """Remove every index file (``reindex --full``); the store keeps documents and vectors."""
    if index_dir.is_dir():
        shutil.rmtree(index_dir)


@dataclass(frozen=True)
class Agreement:
    """Whether a loaded snapshot matches the store, and if not, why (for the log)."""

    ok: bool
    why: str = ""


def index_agrees(
    store: Store, embedder_key: str, generation: int, size: int, embedder: str
) -> Agreement:
    """Whether a loaded snapshot (its generation, size and embedder) matches the store."""
    if embedder != embedder_key:
        return Agreement(False, f"index embedder {embedder}, configured {embedder_key}")
    if generation != store.generation():
        return Agreement(True)  # a newer generation is being built; the searcher refreshes
    chunks = chunk_count(store)
    if chunks != size and generation == store.generation():
        # (a commit of another process between the two reads moved the generation on:
        # not a disagreement, the searcher refreshes)
        return Agreement(False, f"index holds {size} chunks, the store {chunks}")
    return Agreement(True)
