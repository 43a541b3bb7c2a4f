"""Tables for council knowledge: paper steps and figures from text, OParl objects.

Two families live here. Facts read out of text documents (``paper_steps``,
``figures``) hang off ``documents.id``: deleting a document deletes them (the
foreign keys cascade). OParl objects (papers, meetings,
agenda items, consultations, organizations, files) are not text documents and
are keyed by their OParl URL id; an object with ``deleted: true`` or a
re-import of its source file replaces them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from index.store.tables import Base

OPARL_ID = 512  # OParl ids are URLs


class PaperStep(Base):
    """One consultation of a paper as a text states it: who, when, TOP, outcome."""

    __tablename__ = "paper_steps"
    __table_args__ = (Index("ix_paper_step_paper", "paper"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    chunk_id: Mapped[int | None] = mapped_column(ForeignKey("chunks.id", ondelete="CASCADE"))
    paper: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(Text)  # "Antrag … (Memorandum …)" if not the paper
    date: Mapped[dt.date | None] = mapped_column(Date)
    gremium: Mapped[str] = mapped_column(String(512), default="")
    top: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(64))  # Empfehlung, Entscheidung, ...
    outcome: Mapped[str] = mapped_column(String(32))  # bot.paper_status.Outcome value
    detail: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str | None] = mapped_column(String(256))  # referred to whom
    vote: Mapped[dict] = mapped_column(JSON, default=dict)  # unanimous, abstentions, absent
    source: Mapped[str] = mapped_column(String(16))  # "decision" | "table" | "result" | "dated"
    sentence: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[int] = mapped_column(Integer, default=0)  # offsets into documents.text
    end: Mapped[int] = mapped_column(Integer, default=0)
    page: Mapped[int | None] = mapped_column(Integer)


class Figure(Base):
    """A quantitative statement: value, unit, what it is about, and where it stands."""

    __tablename__ = "figures"
    # the figure vote looks up the figures of a question's candidates: without this
    # index it scanned every row (p99 596 ms at a million chunks)
    __table_args__ = (Index("ix_figure_chunk", "chunk_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    chunk_id: Mapped[int | None] = mapped_column(ForeignKey("chunks.id", ondelete="CASCADE"))
    value: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(String(256))  # as written: "38,5 weitere Planstellen"
    unit: Mapped[str] = mapped_column(String(64))  # "Planstellen", "Euro", "%", "Maßnahmen"
    kind: Mapped[str] = mapped_column(String(16), index=True)  # stellen|euro|prozent|anzahl
    about: Mapped[str] = mapped_column(Text, default="")
    period: Mapped[str | None] = mapped_column(String(64))
    paper: Mapped[str | None] = mapped_column(String(64))
    mentions: Mapped[list] = mapped_column(JSON, default=list)
    date: Mapped[dt.date | None] = mapped_column(Date)
    speaker: Mapped[str | None] = mapped_column(String(256))
    sentence: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text, default="")  # the sentence an anaphor points to
    start: Mapped[int] = mapped_column(Integer, default=0)  # sentence offsets in documents.text
    end: Mapped[int] = mapped_column(Integer, default=0)
    page: Mapped[int | None] = mapped_column(Integer)


class OParlSource(Base):
    """Which OParl file was imported with which hash: re-ingest skips unchanged files."""

    __tablename__ = "oparl_sources"

    key: Mapped[str] = mapped_column(String(1024), primary_key=True)
    file_hash: Mapped[str] = mapped_column(String(64))


class OParlOrganization(Base):
    __tablename__ = "oparl_organizations"

    id: Mapped[str] = mapped_column(String(OPARL_ID), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(512))
    short_name: Mapped[str | None] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(1024), default="")


class OParlPaper(Base):
    __tablename__ = "oparl_papers"

    id: Mapped[str] = mapped_column(String(OPARL_ID), primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(64), index=True)  # canonical number
    raw_reference: Mapped[str | None] = mapped_column(String(128))
    name: Mapped[str | None] = mapped_column(Text)
    paper_type: Mapped[str | None] = mapped_column(String(256))
    date: Mapped[dt.date | None] = mapped_column(Date)
    related: Mapped[list] = mapped_column(JSON, default=list)  # related paper ids
    source: Mapped[str] = mapped_column(String(1024), default="")


class OParlMeeting(Base):
    __tablename__ = "oparl_meetings"

    id: Mapped[str] = mapped_column(String(OPARL_ID), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(512))
    start: Mapped[dt.date | None] = mapped_column(Date)
    organizations: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(1024), default="")


class OParlAgendaItem(Base):
    __tablename__ = "oparl_agenda_items"

    id: Mapped[str] = mapped_column(String(OPARL_ID), primary_key=True)
    meeting_id: Mapped[str | None] = mapped_column(String(OPARL_ID), index=True)
    consultation_id: Mapped[str | None] = mapped_column(String(OPARL_ID), index=True)
    number: Mapped[str | None] = mapped_column(String(64))
    order: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool | None] = mapped_column(Boolean)
    result: Mapped[str | None] = mapped_column(Text)
    resolution_text: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(1024), default="")


class OParlConsultation(Base):
    __tablename__ = "oparl_consultations"

    id: Mapped[str] = mapped_column(String(OPARL_ID), primary_key=True)
    paper_id: Mapped[str | None] = mapped_column(String(OPARL_ID), index=True)
    meeting_id: Mapped[str | None] = mapped_column(String(OPARL_ID))
    agenda_item_id: Mapped[str | None] = mapped_column(String(OPARL_ID))
    organizations: Mapped[list] = mapped_column(JSON, default=list)
    role: Mapped[str | None] = mapped_column(String(128))
    authoritative: Mapped[bool | None] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(1024), default="")


class OParlFile(Base):
    __tablename__ = "oparl_files"

    id: Mapped[str] = mapped_column(String(OPARL_ID), primary_key=True)
    paper_id: Mapped[str | None] = mapped_column(String(OPARL_ID), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    date: Mapped[dt.date | None] = mapped_column(Date)
    access_url: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(1024), default="")


OPARL_TABLES = (
    OParlOrganization,
    OParlPaper,
    OParlMeeting,
    OParlAgendaItem,
    OParlConsultation,
    OParlFile,
)
