"""The request board: requests of households and their append-only steps.

Revision ID: 0009_requests
Revises: 0008_teams
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_requests"
down_revision = "0008_teams"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("street", sa.String(64), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("grid", sa.String(64), nullable=False),
        sa.Column("household", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("needed", sa.Text, nullable=False),  # sealed (dispatch.service.sealing)
        sa.Column("details", sa.Text, nullable=False),  # sealed
        sa.Column("by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_requests_street", "requests", ["street"])
    op.create_index("ix_requests_team", "requests", ["team"])
    op.create_index("ix_requests_status", "requests", ["status"])
    op.create_table(
        "request_steps",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request", sa.String(64), sa.ForeignKey("requests.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),  # sealed
        sa.Column("note", sa.Text, nullable=True),  # sealed
    )
    op.create_index("ix_request_steps_request", "request_steps", ["request"])


def downgrade() -> None:
    op.drop_index("ix_request_steps_request", "request_steps")
    op.drop_table("request_steps")
    op.drop_index("ix_requests_status", "requests")
    op.drop_index("ix_requests_team", "requests")
    op.drop_index("ix_requests_street", "requests")
    op.drop_table("requests")
