"""Stable document ids and tombstones: ``document_identities``.

Every document key ever stored gets a row with its id (never deleted, so an id
is never handed out again); ``removed_at`` marks a document an admin removed,
which re-indexing its folder leaves out; ``from_corpus`` tells ``ratsbot check``
to look for its file. The documents already stored get their rows here, with
their present ids, counted as from a corpus folder (as ``check`` treated them).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Idempotent, like the baseline: a store that has the table already keeps it."""
    conn = op.get_bind()
    if "document_identities" not in sa.inspect(conn).get_table_names():
        op.create_table(
            "document_identities",
            sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("key", sa.String(length=1024), nullable=False),
            sa.Column("from_corpus", sa.Boolean(), nullable=False),
            sa.Column("removed_at", sa.DateTime(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("key"),
        )
    identities = sa.table(
        "document_identities",
        sa.column("id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("from_corpus", sa.Boolean),
    )
    documents = sa.table("documents", sa.column("id", sa.Integer), sa.column("key", sa.String))
    rows = sa.select(documents.c.id, documents.c.key, sa.true()).where(
        documents.c.id.not_in(sa.select(identities.c.id)),
        documents.c.key.not_in(sa.select(identities.c.key)),
    )
    conn.execute(sa.insert(identities).from_select(["id", "key", "from_corpus"], rows))


def downgrade() -> None:
    op.drop_table("document_identities")
