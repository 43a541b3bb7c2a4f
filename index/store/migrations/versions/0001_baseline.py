"""Baseline: the schema of every store made before the migrations (main at ff684d1).

The tables are a frozen copy of the models as they were then, so later changes
to ``tables.py`` never change what this revision does. It is idempotent: on an
empty database it creates everything; on a store from before the migrations
(of any age) it adds only what that store lacks, the tables, indexes and the
pending-vectors list that ``Store()`` used to add on opening.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

META = sa.MetaData()

sa.Table(
    "documents",
    META,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("key", sa.String(1024), nullable=False, unique=True),
    sa.Column("source_path", sa.String(1024), nullable=False),
    sa.Column("part", sa.Integer(), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("file_hash", sa.String(64), nullable=False),
    sa.Column("title", sa.Text(), nullable=True),
    sa.Column("gremium", sa.String(512), nullable=True),
    sa.Column("meeting_date", sa.Date(), nullable=True),
    sa.Column("session_kind", sa.String(64), nullable=True),
    sa.Column("public", sa.Boolean(), nullable=False),
    sa.Column("top", sa.String(64), nullable=True),
    sa.Column("kind", sa.String(128), nullable=True),
    sa.Column("created", sa.Date(), nullable=True),
    sa.Column("city", sa.String(128), nullable=True),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("ingested_at", sa.DateTime(), nullable=False),
    sa.Index("ix_documents_gremium", "gremium"),
    sa.Index("ix_documents_meeting_date", "meeting_date"),
    sa.Index("ix_documents_source_path", "source_path"),
)

sa.Table(
    "embeddings",
    META,
    sa.Column("embedder", sa.String(256), primary_key=True),
    sa.Column("content_hash", sa.String(64), primary_key=True),
    sa.Column("dense", sa.LargeBinary(), nullable=False),
    sa.Column("sparse_idx", sa.LargeBinary(), nullable=True),
    sa.Column("sparse_val", sa.LargeBinary(), nullable=True),
)

sa.Table(
    "ingest_runs",
    META,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("started_at", sa.DateTime(), nullable=False),
    sa.Column("finished_at", sa.DateTime(), nullable=True),
    sa.Column("added", sa.Integer(), nullable=False),
    sa.Column("changed", sa.Integer(), nullable=False),
    sa.Column("unchanged", sa.Integer(), nullable=False),
    sa.Column("removed", sa.Integer(), nullable=False),
    sa.Column("failed", sa.Integer(), nullable=False),
    sa.Column("details", sa.JSON(), nullable=False),
)

sa.Table(
    "oparl_agenda_items",
    META,
    sa.Column("id", sa.String(512), primary_key=True),
    sa.Column("meeting_id", sa.String(512), nullable=True),
    sa.Column("consultation_id", sa.String(512), nullable=True),
    sa.Column("number", sa.String(64), nullable=True),
    sa.Column("order", sa.Integer(), nullable=True),
    sa.Column("name", sa.Text(), nullable=True),
    sa.Column("public", sa.Boolean(), nullable=True),
    sa.Column("result", sa.Text(), nullable=True),
    sa.Column("resolution_text", sa.Text(), nullable=True),
    sa.Column("source", sa.String(1024), nullable=False),
    sa.Index("ix_oparl_agenda_items_consultation_id", "consultation_id"),
    sa.Index("ix_oparl_agenda_items_meeting_id", "meeting_id"),
)

sa.Table(
    "oparl_consultations",
    META,
    sa.Column("id", sa.String(512), primary_key=True),
    sa.Column("paper_id", sa.String(512), nullable=True),
    sa.Column("meeting_id", sa.String(512), nullable=True),
    sa.Column("agenda_item_id", sa.String(512), nullable=True),
    sa.Column("organizations", sa.JSON(), nullable=False),
    sa.Column("role", sa.String(128), nullable=True),
    sa.Column("authoritative", sa.Boolean(), nullable=True),
    sa.Column("source", sa.String(1024), nullable=False),
    sa.Index("ix_oparl_consultations_paper_id", "paper_id"),
)

sa.Table(
    "oparl_files",
    META,
    sa.Column("id", sa.String(512), primary_key=True),
    sa.Column("paper_id", sa.String(512), nullable=True),
    sa.Column("name", sa.Text(), nullable=True),
    sa.Column("date", sa.Date(), nullable=True),
    sa.Column("access_url", sa.Text(), nullable=True),
    sa.Column("text", sa.Text(), nullable=True),
    sa.Column("source", sa.String(1024), nullable=False),
    sa.Index("ix_oparl_files_paper_id", "paper_id"),
)

sa.Table(
    "oparl_meetings",
    META,
    sa.Column("id", sa.String(512), primary_key=True),
    sa.Column("name", sa.String(512), nullable=True),
    sa.Column("start", sa.Date(), nullable=True),
    sa.Column("organizations", sa.JSON(), nullable=False),
    sa.Column("source", sa.String(1024), nullable=False),
)

sa.Table(
    "oparl_organizations",
    META,
    sa.Column("id", sa.String(512), primary_key=True),
    sa.Column("name", sa.String(512), nullable=True),
    sa.Column("short_name", sa.String(128), nullable=True),
    sa.Column("source", sa.String(1024), nullable=False),
)

sa.Table(
    "oparl_papers",
    META,
    sa.Column("id", sa.String(512), primary_key=True),
    sa.Column("reference", sa.String(64), nullable=True),
    sa.Column("raw_reference", sa.String(128), nullable=True),
    sa.Column("name", sa.Text(), nullable=True),
    sa.Column("paper_type", sa.String(256), nullable=True),
    sa.Column("date", sa.Date(), nullable=True),
    sa.Column("related", sa.JSON(), nullable=False),
    sa.Column("source", sa.String(1024), nullable=False),
    sa.Index("ix_oparl_papers_reference", "reference"),
)

sa.Table(
    "oparl_sources",
    META,
    sa.Column("key", sa.String(1024), primary_key=True),
    sa.Column("file_hash", sa.String(64), nullable=False),
)

sa.Table(
    "speakers",
    META,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("name", sa.String(256), nullable=False),
    sa.Column("faction", sa.String(256), nullable=False),
    sa.UniqueConstraint("name", "faction", name="uq_speaker"),
)

sa.Table(
    "state",
    META,
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("value", sa.Text(), nullable=False),
)

sa.Table(
    "chunks",
    META,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column(
        "document_id",
        sa.Integer(),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("seq", sa.Integer(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("start", sa.Integer(), nullable=False),
    sa.Column("end", sa.Integer(), nullable=False),
    sa.Column("page", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("speaker_id", sa.Integer(), sa.ForeignKey("speakers.id"), nullable=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("embed_text", sa.Text(), nullable=False),
    sa.Column(
        "duplicate_of_id",
        sa.Integer(),
        sa.ForeignKey("chunks.id", ondelete="SET NULL"),
        nullable=True,
    ),
    sa.Column("spans", sa.JSON(), nullable=False),
    sa.Column("sentences", sa.JSON(), nullable=False),
    sa.Index("ix_chunks_content_hash", "content_hash"),
    sa.Index("ix_chunks_document_id", "document_id"),
    sa.Index("ix_chunks_duplicate_of_id", "duplicate_of_id"),
    sa.Index("ix_chunks_speaker_id", "speaker_id"),
)

sa.Table(
    "pending_vectors",
    META,
    sa.Column(
        "document_id",
        sa.Integer(),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)

sa.Table(
    "figures",
    META,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column(
        "document_id",
        sa.Integer(),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "chunk_id", sa.Integer(), sa.ForeignKey("chunks.id", ondelete="CASCADE"), nullable=True
    ),
    sa.Column("value", sa.Float(), nullable=False),
    sa.Column("text", sa.String(256), nullable=False),
    sa.Column("unit", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("about", sa.Text(), nullable=False),
    sa.Column("period", sa.String(64), nullable=True),
    sa.Column("paper", sa.String(64), nullable=True),
    sa.Column("mentions", sa.JSON(), nullable=False),
    sa.Column("date", sa.Date(), nullable=True),
    sa.Column("speaker", sa.String(256), nullable=True),
    sa.Column("sentence", sa.Text(), nullable=False),
    sa.Column("context", sa.Text(), nullable=False),
    sa.Column("start", sa.Integer(), nullable=False),
    sa.Column("end", sa.Integer(), nullable=False),
    sa.Column("page", sa.Integer(), nullable=True),
    sa.Index("ix_figure_chunk", "chunk_id"),
    sa.Index("ix_figures_document_id", "document_id"),
    sa.Index("ix_figures_kind", "kind"),
)

sa.Table(
    "fingerprints",
    META,
    sa.Column(
        "chunk_id", sa.Integer(), sa.ForeignKey("chunks.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("hash", sa.String(32), primary_key=True),
    sa.Index("ix_fingerprint_hash", "hash"),
)

sa.Table(
    "paper_steps",
    META,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column(
        "document_id",
        sa.Integer(),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "chunk_id", sa.Integer(), sa.ForeignKey("chunks.id", ondelete="CASCADE"), nullable=True
    ),
    sa.Column("paper", sa.String(64), nullable=False),
    sa.Column("subject", sa.Text(), nullable=True),
    sa.Column("date", sa.Date(), nullable=True),
    sa.Column("gremium", sa.String(512), nullable=False),
    sa.Column("top", sa.String(64), nullable=True),
    sa.Column("kind", sa.String(64), nullable=True),
    sa.Column("outcome", sa.String(32), nullable=False),
    sa.Column("detail", sa.Text(), nullable=False),
    sa.Column("target", sa.String(256), nullable=True),
    sa.Column("vote", sa.JSON(), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("sentence", sa.Text(), nullable=False),
    sa.Column("start", sa.Integer(), nullable=False),
    sa.Column("end", sa.Integer(), nullable=False),
    sa.Column("page", sa.Integer(), nullable=True),
    sa.Index("ix_paper_step_paper", "paper"),
    sa.Index("ix_paper_steps_document_id", "document_id"),
)

sa.Table(
    "references",
    META,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column(
        "document_id",
        sa.Integer(),
        sa.ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "chunk_id", sa.Integer(), sa.ForeignKey("chunks.id", ondelete="CASCADE"), nullable=True
    ),
    sa.Column("number", sa.String(64), nullable=False),
    sa.Column("raw", sa.String(128), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Index("ix_reference_number", "number"),
    sa.Index("ix_references_document_id", "document_id"),
)


def upgrade() -> None:
    conn = op.get_bind()
    META.create_all(conn, checkfirst=True)
    _add_missing_indexes(conn)
    _move_pending_list(conn)


def downgrade() -> None:
    META.drop_all(op.get_bind())


def _add_missing_indexes(conn: sa.Connection) -> None:
    """Indexes declared after a store was made (``create_all`` adds missing tables only)."""
    catalogue = sa.inspect(conn)
    for table in META.sorted_tables:
        have = {ix["name"] for ix in catalogue.get_indexes(table.name)}
        for ix in table.indexes:
            if ix.name not in have:
                ix.create(conn)


def _move_pending_list(conn: sa.Connection) -> None:
    """Stores made before ``pending_vectors`` kept pending documents as a JSON list."""
    state = META.tables["state"]
    old = conn.execute(sa.select(state.c.value).where(state.c.key == "sentences_pending"))
    raw = old.scalar()
    if raw is None:
        return
    known = set(conn.execute(sa.select(META.tables["documents"].c.id)).scalars())
    wanted = sorted(set(json.loads(raw) or []) & known)
    if wanted:
        pending = META.tables["pending_vectors"]
        conn.execute(sa.insert(pending), [{"document_id": d} for d in wanted])
    conn.execute(sa.delete(state).where(state.c.key == "sentences_pending"))
