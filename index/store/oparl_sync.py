"""What an OParl sync keeps between runs: a cursor per list, the files it ingested.

``ratsbot sync oparl`` (index/sync) walks a body's lists page by page. After
each page it writes the page's objects, the files it fetched and the URL of the
next page in one transaction, so a killed sync resumes at the page it stopped
on. Each OParl object is its own source (``oparl:<id>``): a changed paper
replaces its rows (a file removed from it disappears), one marked ``deleted``
removes them. A synced file is remembered with the version it was fetched in
(``modified`` and checksum) and the fingerprint of the metadata it was ingested
with, so an unchanged file is neither downloaded nor ingested again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from index.store.database import Store
from index.store.knowledge_tables import (
    OPARL_ID,
    OParlAgendaItem,
    OParlConsultation,
    OParlMeeting,
    OParlOrganization,
    OParlPaper,
    OParlSource,
)
from index.store.oparl_writes import remove_oparl_source, write_oparl
from index.store.tables import Base, Document

SOURCE_PREFIX = "oparl:"


class OParlSyncCursor(Base):
    """One list of one body: where a walk in progress stands, and when the last one ended."""

    __tablename__ = "oparl_sync_cursors"

    key: Mapped[str] = mapped_column(String(1024), primary_key=True)  # "<list URL>"
    next_url: Mapped[str | None] = mapped_column(Text)  # the page to fetch next (walk running)
    since: Mapped[str | None] = mapped_column(String(64))  # modified_since of the running walk
    started: Mapped[str | None] = mapped_column(String(64))  # when the running walk began
    completed: Mapped[str | None] = mapped_column(String(64))  # start of the last complete walk


class OParlSyncFile(Base):
    """A File the sync fetched: its version, the metadata it went in with, where it lies."""

    __tablename__ = "oparl_sync_files"

    id: Mapped[str] = mapped_column(String(OPARL_ID), primary_key=True)
    paper_id: Mapped[str | None] = mapped_column(String(OPARL_ID), index=True)
    version: Mapped[str] = mapped_column(String(256))  # modified + checksum as OParl gave them
    fingerprint: Mapped[str] = mapped_column(String(64))  # hash of the OParl facts
    path: Mapped[str] = mapped_column(String(1024))  # relative to the sync folder; "" if none


@dataclass(frozen=True)
class Cursor:
    next_url: str | None
    since: str | None
    started: str | None
    completed: str | None


@dataclass(frozen=True)
class SyncedFile:
    id: str
    paper_id: str | None
    version: str
    fingerprint: str
    path: str


@dataclass
class PageWrite:
    """Everything one page changes, written in one transaction (see ``write_page``)."""

    objects: list[tuple[str, str, Any]]  # (OParl id, hash, OParlBatch-like rows/deleted)
    deleted: list[str]  # ids of objects marked deleted
    files: list[SyncedFile]  # fetched (or failed) files to remember
    forget_files: list[str]  # file ids no longer part of their paper
    cursor_key: str = ""
    cursor: Cursor | None = None  # None: the page is not done yet


def source_key(oid: str) -> str:
    return SOURCE_PREFIX + oid


def read_cursor(store: Store, key: str) -> Cursor | None:
    with store.session() as s:
        row = s.get(OParlSyncCursor, key)
        return Cursor(row.next_url, row.since, row.started, row.completed) if row else None


def object_hashes(store: Store, ids: Iterable[str]) -> dict[str, str]:
    """The hash each of these objects was last written with (absent: never seen)."""
    keys = [source_key(i) for i in ids]
    out: dict[str, str] = {}
    with store.session() as s:
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            for k, h in s.execute(
                select(OParlSource.key, OParlSource.file_hash).where(OParlSource.key.in_(part))
            ):
                out[k[len(SOURCE_PREFIX) :]] = h
    return out


def synced_files(store: Store, paper_ids: Collection[str]) -> dict[str, SyncedFile]:
    """The files fetched for these papers, by File id."""
    if not paper_ids:
        return {}
    with store.session() as s:
        rows = s.scalars(select(OParlSyncFile).where(OParlSyncFile.paper_id.in_(list(paper_ids))))
        return {r.id: SyncedFile(r.id, r.paper_id, r.version, r.fingerprint, r.path) for r in rows}


def write_page(store: Store, page: PageWrite) -> None:
    """The page's objects, deletions, files and the next cursor: all or nothing."""
    with store.session() as s:
        for oid, digest, batch in page.objects:
            write_oparl(s, source_key(oid), digest, batch.rows, batch.deleted)
        for oid in page.deleted:
            remove_oparl_source(s, source_key(oid))
        if page.forget_files:
            s.execute(delete(OParlSyncFile).where(OParlSyncFile.id.in_(page.forget_files)))
        for f in page.files:
            s.merge(OParlSyncFile(**f.__dict__))
        if page.cursor is not None:
            s.merge(OParlSyncCursor(key=page.cursor_key, **page.cursor.__dict__))


def documents_of_sources(store: Store, source_paths: Collection[str]) -> list[int]:
    """Ids of the documents these source files gave (a synced file that went)."""
    if not source_paths:
        return []
    with store.session() as s:
        query = select(Document.id).where(Document.source_path.in_(list(source_paths)))
        return list(s.scalars(query))


def paper_context(store: Store, paper_id: str) -> list[dict[str, Any]]:
    """The paper as OParl JSON with the meetings and organizations its consultations name.

    What ``index.ingest.oparl_meta.facts_from_oparl`` reads, rebuilt from the
    tables, so a file's metadata follows meetings synced in earlier runs too.
    """
    with store.session() as s:
        paper = s.get(OParlPaper, paper_id)
        if paper is None:
            return []
        consultations = s.scalars(
            select(OParlConsultation).where(OParlConsultation.paper_id == paper_id)
        ).all()
        out: list[dict[str, Any]] = [_paper_json(paper, consultations)]
        org_ids = {o for c in consultations for o in (c.organizations or [])}
        for mid in dict.fromkeys(c.meeting_id for c in consultations if c.meeting_id):
            meeting = s.get(OParlMeeting, mid)
            if meeting is not None:
                out.append(_meeting_json(s, meeting))
                org_ids |= set(meeting.organizations or [])
        for oid in sorted(org_ids):
            org = s.get(OParlOrganization, oid)
            if org is not None:
                out.append({"id": org.id, "type": "Organization", "name": org.name})
        return out


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _paper_json(p: OParlPaper, consultations: Iterable[OParlConsultation]) -> dict[str, Any]:
    return {
        "id": p.id,
        "type": "Paper",
        "reference": p.raw_reference or p.reference,
        "name": p.name,
        "paperType": p.paper_type,
        "date": _iso(p.date),
        "consultation": [
            {
                "id": c.id,
                "type": "Consultation",
                "meeting": c.meeting_id,
                "agendaItem": c.agenda_item_id,
                "organization": list(c.organizations or []),
                "role": c.role,
                "authoritative": c.authoritative,
            }
            for c in consultations
        ],
    }


def _meeting_json(s: Session, m: OParlMeeting) -> dict[str, Any]:
    items = s.scalars(select(OParlAgendaItem).where(OParlAgendaItem.meeting_id == m.id)).all()
    return {
        "id": m.id,
        "type": "Meeting",
        "name": m.name,
        "start": _iso(m.start),
        "organization": list(m.organizations or []),
        "agendaItem": [
            {
                "id": a.id,
                "type": "AgendaItem",
                "consultation": a.consultation_id,
                "number": a.number,
                "public": a.public,
            }
            for a in items
        ],
    }
