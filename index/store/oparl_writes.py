"""OParl objects into their tables: one source file's objects replace what it described.

index/ingest/oparl.py reads and validates an OParl JSON file into rows by
table key; this module writes them inside the ingest's transaction. A file is
a *source*: re-importing it replaces every row it wrote before, and objects
marked ``deleted: true`` remove their rows (a deleted Paper takes its
consultations and files along, a deleted Meeting its agenda items).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from index.store.knowledge_tables import (
    OPARL_TABLES,
    OParlAgendaItem,
    OParlConsultation,
    OParlFile,
    OParlMeeting,
    OParlOrganization,
    OParlPaper,
    OParlSource,
)

MODELS: dict[str, Any] = {
    "papers": OParlPaper,
    "meetings": OParlMeeting,
    "agenda_items": OParlAgendaItem,
    "consultations": OParlConsultation,
    "organizations": OParlOrganization,
    "files": OParlFile,
}


def oparl_source_hashes(s: Session) -> dict[str, str]:
    """The file hash each imported OParl source was last imported with."""
    return {k: h for k, h in s.execute(select(OParlSource.key, OParlSource.file_hash))}


def write_oparl(
    s: Session,
    source: str,
    file_hash: str,
    rows: Mapping[str, Mapping[str, dict[str, Any]]],
    deleted: Mapping[str, Collection[str]],
) -> None:
    """Replace what ``source`` described before with ``rows``; apply deletions.

    ``rows`` holds column values by table key (see ``MODELS``) and OParl id,
    ``deleted`` the ids marked deleted by table key.
    """
    for model in OPARL_TABLES:
        s.execute(delete(model).where(model.source == source))
    s.flush()
    for table, by_id in rows.items():
        model = MODELS[table]
        for oid, row in by_id.items():
            s.merge(model(id=oid, source=source, **row))
    for table, ids in deleted.items():
        if not ids:
            continue
        model = MODELS[table]
        s.execute(delete(model).where(model.id.in_(ids)))
        if model is OParlPaper:
            s.execute(delete(OParlConsultation).where(OParlConsultation.paper_id.in_(ids)))
            s.execute(delete(OParlFile).where(OParlFile.paper_id.in_(ids)))
        elif model is OParlMeeting:
            s.execute(delete(OParlAgendaItem).where(OParlAgendaItem.meeting_id.in_(ids)))
    s.merge(OParlSource(key=source, file_hash=file_hash))


def remove_oparl_source(s: Session, key: str) -> None:
    """Forget everything one OParl file described."""
    for model in OPARL_TABLES:
        s.execute(delete(model).where(model.source == key))
    s.execute(delete(OParlSource).where(OParlSource.key == key))
