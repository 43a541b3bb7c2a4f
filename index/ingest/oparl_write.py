"""OParl files in an ingest run: read, validate per object, write in one transaction.

``ingest_paths`` hands every ``.json`` file here instead of to the text parser.
A file whose hash is unchanged is skipped like an unchanged document; a changed
file replaces what it described before. Objects marked ``deleted: true``
remove their rows (a deleted Paper takes its consultations and files along,
a deleted Meeting its agenda items).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from index.ingest.oparl import OParlBatch, read_oparl
from index.parse import source_path_for
from index.store import (
    OPARL_TABLES,
    FileFailure,
    IngestReport,
    OParlAgendaItem,
    OParlConsultation,
    OParlFile,
    OParlMeeting,
    OParlOrganization,
    OParlPaper,
    OParlSource,
    Store,
)

MODELS = {
    "papers": OParlPaper,
    "meetings": OParlMeeting,
    "agenda_items": OParlAgendaItem,
    "consultations": OParlConsultation,
    "organizations": OParlOrganization,
    "files": OParlFile,
}
MAX_FAILURES_PER_FILE = 20


def import_oparl_files(
    store: Store, files: list[tuple[Path, Path | None]], report: IngestReport
) -> None:
    """Import OParl JSON files (with their ingest root); results go into ``report``."""
    if not files:
        return
    with store.session() as s:
        known = {k: h for k, h in s.execute(select(OParlSource.key, OParlSource.file_hash))}
        for path, root in files:
            key = source_path_for(path, root) + "#oparl"
            try:
                raw = path.read_bytes()
            except OSError as e:
                report.failed.append(FileFailure(str(path), f"{path.name}: cannot read: {e}"))
                continue
            digest = hashlib.sha256(raw).hexdigest()
            if known.get(key) == digest:
                report.unchanged.append(key)
                continue
            try:
                data = json.loads(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                reason = f"{path.name}: not valid JSON ({e.__class__.__name__}: {e})"
                report.failed.append(FileFailure(str(path), reason.splitlines()[0]))
                continue
            batch = read_oparl(data)
            for reason in batch.failures[:MAX_FAILURES_PER_FILE]:
                report.failed.append(FileFailure(str(path), f"{path.name}: {reason}"))
            if len(batch.failures) > MAX_FAILURES_PER_FILE:
                more = len(batch.failures) - MAX_FAILURES_PER_FILE
                report.failed.append(FileFailure(str(path), f"{path.name}: {more} more failures"))
            if batch.empty and batch.failures:
                continue
            write_batch(s, batch, key)
            s.merge(OParlSource(key=key, file_hash=digest))
            (report.changed if key in known else report.added).append(key)


def write_batch(s: Session, batch: OParlBatch, source: str) -> None:
    """Replace what ``source`` described before with ``batch``; apply deletions."""
    for model in OPARL_TABLES:
        s.execute(delete(model).where(model.source == source))
    s.flush()
    for table, rows in batch.rows.items():
        model = MODELS[table]
        for oid, row in rows.items():
            s.merge(model(id=oid, source=source, **row))
    for table, ids in batch.deleted.items():
        if not ids:
            continue
        model = MODELS[table]
        s.execute(delete(model).where(model.id.in_(ids)))
        if model is OParlPaper:
            s.execute(delete(OParlConsultation).where(OParlConsultation.paper_id.in_(ids)))
            s.execute(delete(OParlFile).where(OParlFile.paper_id.in_(ids)))
        elif model is OParlMeeting:
            s.execute(delete(OParlAgendaItem).where(OParlAgendaItem.meeting_id.in_(ids)))


def remove_oparl_source(s: Session, key: str) -> None:
    """Forget everything one OParl file described."""
    for model in OPARL_TABLES:
        s.execute(delete(model).where(model.source == key))
    s.execute(delete(OParlSource).where(OParlSource.key == key))
