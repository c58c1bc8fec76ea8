"""Comparisons are jobs too: a ``kind`` per job, and a seed that may be each scenario's own.

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
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="plan"))
        batch.alter_column("seed", existing_type=sa.Integer, nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM plans WHERE kind <> 'plan'")
    with op.batch_alter_table("plans") as batch:
        batch.alter_column("seed", existing_type=sa.Integer, nullable=False)
        batch.drop_column("kind")
