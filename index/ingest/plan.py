"""The first step of an ingest: which documents to write, replace or remove.

Every source file is parsed and chunked before anything is embedded or
written, so a bad file fails alone (it lands in the report) and the commit
never meets a surprise. A document whose content hash matches its stored
version is left alone; a file that no longer yields a stored document part
marks that part stale. OParl JSON files are not text: they are only listed
here and imported by index/ingest/oparl_write.py.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from index.errors import CorpusError
from index.ingest.chunking import chunk_document
from index.ingest.oparl_meta import apply_oparl_sidecar
from index.parse import ChunkDraft, ParsedDocument, iter_source_files, parse_file
from index.store import (
    FileFailure,
    IngestReport,
    Store,
    StoredVersion,
    apply_folder_publicity,
    stored_versions,
    tombstones,
)


@dataclass
class PlannedDocument:
    """A new or changed document, parsed and chunked, ready to embed and write."""

    doc: ParsedDocument
    key: str  # source path relative to its root + "#part"
    file_hash: str
    drafts: list[ChunkDraft]
    replaces: int | None  # id of the stored version it replaces
    from_corpus: bool = False  # its file lies in a corpus folder
    rewrite: bool = False  # unchanged, rewritten only because the run was forced
    pending: bool = False  # some of its vectors follow after the commit (index/ingest/deferred.py)


class StaleDocument(NamedTuple):
    """A stored document its file no longer yields (a part that disappeared)."""

    id: int
    key: str


class OParlInput(NamedTuple):
    """An OParl JSON file and the ingest root it is keyed relative to."""

    path: Path
    root: Path | None


@dataclass
class Plan:
    """What one ingest run will change; the report holds what it skipped or failed."""

    documents: list[PlannedDocument] = field(default_factory=list)
    stale: list[StaleDocument] = field(default_factory=list)
    oparl: list[OParlInput] = field(default_factory=list)
    corpus_was_empty: bool = True  # nothing was stored before this run

    @property
    def chunk_count(self) -> int:
        return sum(len(p.drafts) for p in self.documents)

    @property
    def changes_documents(self) -> bool:
        return bool(self.documents or self.stale)


class _FileContext(NamedTuple):
    root: Path | None  # the folder its key is relative to
    from_corpus: bool
    skip: set[str]  # keys removed by an admin, left out (empty for a file named explicitly)


class _FilePlan(NamedTuple):
    documents: list[PlannedDocument]
    stale: list[StaleDocument]


def plan_ingest(
    store: Store,
    paths: list[Path],
    roots: list[Path],
    report: IngestReport,
    *,
    force: bool,
    max_chunks: int,
    show_bar: bool,
    corpus: list[Path] | None = None,
) -> Plan:
    """Parse and chunk every source file under ``paths``; failures go into ``report``.

    ``roots``: the folders a file's key is taken relative to (the corpus folders
    and ``paths``); ``corpus``: the corpus folders alone. ``force`` plans
    unchanged documents too. A file with a document of more than ``max_chunks``
    chunks fails whole. A document an admin removed stays out when its file is
    found in a folder; a file named in ``paths`` brings it back.
    """
    files = _source_files(paths, report)
    named = {p.resolve() for p in paths if p.is_file()}
    removed = tombstones(store)
    bar = None
    if show_bar:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", desc="ingest", file=sys.stderr)
    stored = stored_versions(store)
    plan = Plan(corpus_was_empty=not stored)
    for f in files:
        if bar:
            bar.update(1)
        root = _root_for(f, roots)
        if f.suffix.lower() == ".json":
            plan.oparl.append(OParlInput(f, root))
            continue
        ctx = _FileContext(
            root,
            _root_for(f, corpus or []) is not None,
            removed if f.resolve() not in named else set(),
        )
        mine = _plan_file(f, ctx, stored, report, force=force, max_chunks=max_chunks)
        if mine is not None:
            plan.documents.extend(mine.documents)
            plan.stale.extend(mine.stale)
    if bar:
        bar.close()
    return plan


def _source_files(paths: list[Path], report: IngestReport) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if not p.exists():
            report.failed.append(FileFailure(str(p), f"file or folder not found: {p}"))
            continue
        files.extend(iter_source_files([p]))
    return files


def _plan_file(
    f: Path,
    ctx: _FileContext,
    stored: dict[str, StoredVersion],
    report: IngestReport,
    *,
    force: bool,
    max_chunks: int,
) -> _FilePlan | None:
    """One text file's new, changed and stale documents; None if it failed."""
    try:
        fh = _file_hash(f)
        docs = parse_file(f, root=ctx.root)
        apply_oparl_sidecar(docs, f)  # before the folder: a non-public folder still wins
        apply_folder_publicity(docs)
    except CorpusError as e:
        report.failed.append(FileFailure(str(f), str(e)))
        return None
    except (OSError, ValueError, UnicodeError) as e:  # never let one file stop the run
        report.failed.append(FileFailure(str(f), f"{f.name}: cannot read: {e}"))
        return None
    keys = set()
    mine: list[PlannedDocument] = []
    for d in docs:
        key = f"{d.source_path}#{d.part}"
        keys.add(key)
        if key in ctx.skip:
            report.kept_removed.append(key)
            continue
        old = stored.get(key)
        same = old is not None and old.content_hash == d.content_hash
        if same and not force:
            report.unchanged.append(key)
            continue
        replaces = old.id if old else None
        drafts, repeated = drop_repeats(chunk_document(d))
        if repeated:
            report.notes.append(
                f"{f.name}: {repeated:,} wiederholte Abschnitte nur einmal aufgenommen "
                f"(repeated passages stored once)".replace(",", ".")
            )
        mine.append(PlannedDocument(d, key, fh, drafts, replaces, ctx.from_corpus, same))
    if any(len(p.drafts) > max_chunks for p in mine):
        reason = f"{f.name}: too many passages (more than {max_chunks:,} in one document)"
        report.failed.append(FileFailure(str(f), reason))
        return None  # the stored version, if any, stays as it was
    src = docs[0].source_path if docs else None
    stale = [
        StaleDocument(version.id, key)
        for key, version in stored.items()
        if src is not None and version.source_path == src and key not in keys
    ]
    return _FilePlan(mine, stale)


class FileScope(NamedTuple):
    """What decides a file's documents beyond the file: its folders, an admin's removals."""

    corpus: list[Path]  # the corpus folders
    named: frozenset[Path]  # files named explicitly (resolved): they bring removed ones back
    removed: frozenset[str]  # keys an admin removed


def source_files(paths: list[Path], report: IngestReport) -> list[Path]:
    """Every source file under ``paths``; a path that does not exist goes into ``report``."""
    return _source_files(paths, report)


def plan_files(
    files: list[Path],
    roots: list[Path],
    stored: dict[str, StoredVersion],
    report: IngestReport,
    scope: FileScope,
    *,
    force: bool,
    max_chunks: int,
) -> Plan:
    """Parse and chunk ``files`` (a batch of a run); as :func:`plan_ingest`, without a bar."""
    plan = Plan(corpus_was_empty=not stored)
    for f in files:
        root = _root_for(f, roots)
        if f.suffix.lower() == ".json":
            plan.oparl.append(OParlInput(f, root))
            continue
        skip = set(scope.removed) if f.resolve() not in scope.named else set()
        ctx = _FileContext(root, _root_for(f, scope.corpus) is not None, skip)
        mine = _plan_file(f, ctx, stored, report, force=force, max_chunks=max_chunks)
        if mine is not None:
            plan.documents.extend(mine.documents)
            plan.stale.extend(mine.stale)
    return plan


REPEAT_MIN_WORDS = 20


def drop_repeats(drafts: list[ChunkDraft]) -> tuple[list[ChunkDraft], int]:
    """A document's chunks with each repeated passage kept once; and how many went.

    A passage of REPEAT_MIN_WORDS words or more that a document repeats word
    for word (a file of one phrase over and over) says nothing the first copy
    does not; shorter ones (a vote's outcome, a heading) stay where they stand.
    """
    seen: set[str] = set()
    kept: list[ChunkDraft] = []
    for d in drafts:
        if len(d.text.split()) >= REPEAT_MIN_WORDS:
            if d.text in seen:
                continue
            seen.add(d.text)
        d.seq = len(kept)
        kept.append(d)
    return kept, len(drafts) - len(kept)


def root_for(path: Path, roots: list[Path]) -> Path | None:
    """The root a file's key is relative to: the first of ``roots`` that contains it."""
    return _root_for(path, roots)


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _root_for(path: Path, roots: list[Path]) -> Path | None:
    """The root a file's key is relative to: the first of ``roots`` that contains it."""
    rp = path.resolve()
    for r in roots:
        try:
            rp.relative_to(r.resolve())
            return r if r.is_dir() else r.parent
        except ValueError:
            continue
    return None
