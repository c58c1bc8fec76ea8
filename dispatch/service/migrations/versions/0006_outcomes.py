"""Delivery outcomes, welfare cases and their steps (issue 17).

Revision ID: 0006_outcomes
Revises: 0005_web_users
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_outcomes"
down_revision = "0005_web_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outcomes",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("plan", sa.String(32), nullable=False, index=True),
        sa.Column("date", sa.String(10), nullable=False, index=True),
        sa.Column("canteen", sa.String(64), nullable=False, index=True),
        sa.Column("route", sa.String(64), nullable=False),
        sa.Column("courier", sa.String(64), nullable=True),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("concern", sa.String(16), nullable=True),
        sa.Column("note", sa.Text, nullable=True),  # sealed (SealedJSON)
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "welfare_cases",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("canteen", sa.String(64), nullable=False, index=True),
        sa.Column("plan", sa.String(32), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(24), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(8), nullable=False, index=True),
        sa.Column("closed_with", sa.String(24), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "one_open_case_per_client",
        "welfare_cases",
        ["canteen", "client"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "welfare_steps",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case", sa.String(32), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=True),  # sealed (SealedJSON)
        sa.Column("escalation", sa.Integer, nullable=True),
        sa.UniqueConstraint("case", "escalation", name="one_escalation_step"),
    )


def downgrade() -> None:
    op.drop_table("welfare_steps")
    op.drop_index("one_open_case_per_client", table_name="welfare_cases")
    op.drop_table("welfare_cases")
    op.drop_table("outcomes")
