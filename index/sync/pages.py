"""One page of an OParl list: its objects into the store, its papers' files into the index.

Per page: objects whose content changed are written (each is its own source,
so a changed paper replaces its consultations and files); then every paper's
files that are new, changed, or whose metadata changed are downloaded, written
with their OParl sidecar and ingested; files gone from their paper (or of a
deleted paper) are removed with their documents; last, the synced files and
the list's cursor are stored together. A page a run dies in is done again by
the next run, and what it already did is recognised and skipped.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.errors import CorpusError
from index.ingest import read_oparl
from index.store import (
    Cursor,
    IngestReport,
    PageWrite,
    Store,
    SyncedFile,
    object_hashes,
    paper_context,
    synced_files,
    write_page,
)
from index.sync.client import FetchError, OParlClient
from index.sync.files import (
    FileRef,
    file_refs,
    fingerprint,
    local_name,
    remove_file,
    to_text_file,
    write_file,
)
from index.sync.report import SyncReport

Ingest = Callable[[list[Path]], IngestReport]
Remove = Callable[[list[str]], int]  # source paths -> documents removed
_EMBEDDED = ("consultation", "mainFile", "auxiliaryFile")


@dataclass
class SyncRun:
    """What every page of one run shares."""

    store: Store
    client: OParlClient
    root: Path  # the sync folder (an ingest root)
    body_dir: str  # sub-folder of this body
    ingest: Ingest
    remove: Remove
    report: SyncReport
    t0: float = field(default_factory=time.perf_counter)


def handle_page(run: SyncRun, list_url: str, objects: list[dict[str, Any]], after: Cursor) -> None:
    """Write one page's objects, sync its papers' files, then store the cursor."""
    report = run.report
    ids = [o["id"] for o in objects if isinstance(o.get("id"), str)]
    known = object_hashes(run.store, ids)
    write = PageWrite([], [], [], [], list_url, None)
    papers: list[dict[str, Any]] = []
    for obj in objects:
        oid = obj.get("id")
        report.objects_seen += 1
        if not isinstance(oid, str):
            report.fail(f"{list_url}: an object without 'id' skipped")
            continue
        if obj.get("deleted") is True:
            _deleted(run, write, obj, oid, oid in known)
            continue
        if _is_paper(obj):
            _embed_referenced(run, obj)
        digest = hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()
        if known.get(oid) == digest:
            report.objects_unchanged += 1
        else:
            batch = read_oparl(obj)
            for line in batch.failures[:5]:
                report.fail(f"{oid}: {line}")
            if batch.empty:
                continue
            write.objects.append((oid, digest, batch))
            report.touched.append(oid)
            if oid in known:
                report.objects_changed += 1
            else:
                report.objects_new += 1
        if _is_paper(obj):
            papers.append(obj)
    write_page(run.store, write)  # objects first: the files' metadata is read from them
    files = PageWrite([], [], [], [], list_url, after)
    written = {oid for oid, _digest, _batch in write.objects}
    _sync_files(run, papers, written, write.deleted, files)
    write_page(run.store, files)


def _is_paper(obj: dict[str, Any]) -> bool:
    t = obj.get("type")
    return isinstance(t, str) and t.rstrip("/").endswith("Paper")


def _deleted(run: SyncRun, write: PageWrite, obj: dict[str, Any], oid: str, known: bool) -> None:
    batch = read_oparl(obj)
    write.objects.append((oid, "deleted", batch))
    write.deleted.append(oid)
    if known:
        run.report.objects_deleted += 1
        run.report.touched.append(oid)


def _embed_referenced(run: SyncRun, paper: dict[str, Any]) -> None:
    """Consultations and files a paper names by URL only are fetched and embedded."""
    for key in _EMBEDDED:
        value = paper.get(key)
        items = value if isinstance(value, list) else [value] if value else []
        if not any(isinstance(x, str) for x in items):
            continue
        out = []
        for item in items:
            if isinstance(item, str):
                try:
                    item = run.client.get_json(item)
                except FetchError as e:
                    run.report.fail(f"{paper['id']}: {key} {item}: {e}")
                    continue
            out.append(item)
        paper[key] = out if isinstance(value, list) else (out[0] if out else None)


def _sync_files(
    run: SyncRun,
    papers: list[dict[str, Any]],
    written: set[str],
    deleted: list[str],
    write: PageWrite,
) -> None:
    """Fetch and ingest the papers' new or changed files; remove the files that went."""
    had = synced_files(run.store, [p["id"] for p in papers] + deleted)
    ingest: list[Path] = []
    gone = [f for f in had.values() if f.paper_id in set(deleted)]
    for paper in papers:
        refs = file_refs(paper)
        wanted = {r.id for r in refs}
        gone += [f for f in had.values() if f.paper_id == paper["id"] and f.id not in wanted]
        if (
            all(r.id in had and had[r.id].version == r.version for r in refs)
            and paper["id"] not in written
        ):
            run.report.files_unchanged += len(refs)
            continue  # neither the paper nor its files changed
        context = paper_context(run.store, paper["id"])
        fp = fingerprint(context)
        for ref in refs:
            synced = _one_file(run, ref, had.get(ref.id), context, fp, ingest)
            if synced is not None:
                write.files.append(synced)
    if ingest:
        _ingest(run, ingest)
    if gone:
        run.report.documents_removed += run.remove([f"{run.body_dir}/{f.path}" for f in gone])
        for f in gone:
            remove_file(run.root / run.body_dir, f.path)
        run.report.files_removed += len(gone)
        write.forget_files += [f.id for f in gone]


def _one_file(
    run: SyncRun,
    ref: FileRef,
    old: SyncedFile | None,
    context: list[dict[str, Any]],
    fp: str,
    ingest: list[Path],
) -> SyncedFile | None:
    """Download (or only re-describe) one file; None when it failed (retried next time)."""
    report = run.report
    folder = run.root / run.body_dir
    if old is not None and old.version == ref.version:
        if old.fingerprint == fp:
            report.files_unchanged += 1
            return None
        if old.path and (folder / old.path).is_file():  # the metadata changed, not the file
            path = write_file(folder, old.path, (folder / old.path).read_bytes(), context)
            ingest.append(path)
            return SyncedFile(ref.id, ref.paper_id, ref.version, fp, old.path)
    label = f"{ref.id} ({ref.reference or '?'}: {ref.name or 'Datei'})"
    if not ref.url:
        report.fail(f"{label}: no accessUrl/downloadUrl")
        return None
    try:
        suffix, data = to_text_file(run.client.download(ref.url), ref)
    except (FetchError, CorpusError) as e:
        report.files_failed += 1
        report.fail(f"{label}: {e}")
        return None
    name = local_name(ref, suffix)
    if old is not None and old.path and old.path != name:  # renamed: the old one goes
        report.documents_removed += run.remove([f"{run.body_dir}/{old.path}"])
        remove_file(folder, old.path)
    ingest.append(write_file(folder, name, data, context))
    report.files_fetched += 1
    report.fetched.append(ref.id)
    return SyncedFile(ref.id, ref.paper_id, ref.version, fp, name)


def _ingest(run: SyncRun, paths: list[Path]) -> None:
    result = run.ingest(paths)
    report = run.report
    for failure in result.failed:
        report.files_failed += 1
        report.fail(failure.reason)
    report.documents_added += len(result.added) + len(result.changed)
    if report.seconds_to_first_document is None and (result.added or result.changed):
        report.seconds_to_first_document = time.perf_counter() - run.t0
