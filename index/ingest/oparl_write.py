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

from index.ingest.oparl import read_oparl
from index.ingest.plan import OParlInput
from index.parse import source_path_for
from index.store import FileFailure, IngestReport, Store, oparl_source_hashes, write_oparl

MAX_FAILURES_PER_FILE = 20


def import_oparl_files(store: Store, files: list[OParlInput], report: IngestReport) -> None:
    """Import OParl JSON files (with their ingest root); results go into ``report``."""
    if not files:
        return
    with store.session() as s:
        known = oparl_source_hashes(s)
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
            write_oparl(s, key, digest, batch.rows, batch.deleted)
            (report.changed if key in known else report.added).append(key)
