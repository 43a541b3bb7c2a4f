"""The OParl sync's state: a cursor per list, the files it fetched (index/store/oparl_sync.py).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    have = set(sa.inspect(op.get_bind()).get_table_names())  # a store made by the models
    if "oparl_sync_cursors" not in have:
        _create_cursors()
    if "oparl_sync_files" not in have:
        _create_files()


def _create_cursors() -> None:
    op.create_table(
        "oparl_sync_cursors",
        sa.Column("key", sa.String(length=1024), nullable=False),
        sa.Column("next_url", sa.Text(), nullable=True),
        sa.Column("since", sa.String(length=64), nullable=True),
        sa.Column("started", sa.String(length=64), nullable=True),
        sa.Column("completed", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )


def _create_files() -> None:
    op.create_table(
        "oparl_sync_files",
        sa.Column("id", sa.String(length=512), nullable=False),
        sa.Column("paper_id", sa.String(length=512), nullable=True),
        sa.Column("version", sa.String(length=256), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=1024), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_oparl_sync_files_paper_id", "oparl_sync_files", ["paper_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_oparl_sync_files_paper_id", table_name="oparl_sync_files")
    op.drop_table("oparl_sync_files")
    op.drop_table("oparl_sync_cursors")
