"""The chat's memory shared by replicas, and a generation row in every store.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "expiring_values" not in sa.inspect(op.get_bind()).get_table_names():
        _create_expiring_values()
    # a generation bump is one UPDATE of this row (index/store/database.py)
    op.get_bind().execute(
        sa.text(
            "INSERT INTO state (key, value) SELECT 'generation', '0' "
            "WHERE NOT EXISTS (SELECT 1 FROM state WHERE key = 'generation')"
        )
    )


def _create_expiring_values() -> None:
    op.create_table(
        "expiring_values",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("expires", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_expiring_values_expires", "expiring_values", ["expires"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_expiring_values_expires", table_name="expiring_values")
    op.drop_table("expiring_values")
