"""Grid service teams: keys and logins of a team; the street register's versioned records.

Revision ID: 0008_teams
Revises: 0005_web_users
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_teams"
down_revision = "0006_outcomes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("api_keys", "users"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("team", sa.String(64), nullable=True))
    op.create_table(
        "street_ledger",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("street", sa.String(64), nullable=False),
        sa.Column("data", sa.Text, nullable=False),  # sealed JSON (dispatch.service.sealing)
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "record_id", "version", name="uq_street_version"),
    )
    op.create_index("ix_street_kind_street", "street_ledger", ["kind", "street"])


def downgrade() -> None:
    op.drop_index("ix_street_kind_street", "street_ledger")
    op.drop_table("street_ledger")
    for table in ("users", "api_keys"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("team")
