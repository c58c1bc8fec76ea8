"""The ORM tables of delivery outcomes and welfare cases (issue 17).

Outcomes and case steps are append-only: a correction of an outcome is a new row with a new
id for the same (plan, client) — the latest ``at``, then the latest ``recorded_at``, wins —
and a case's history is its steps. Only a case's ``status``, ``closed_with`` and
``closed_at`` change, once, when it is closed. Notes may say how someone was found: sealed.
The schema is made by the migration ``0006_outcomes``; these classes must match it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.service.sealing import SealedJSON
from dispatch.service.tables import Base


class OutcomeRow(Base):
    """What happened at one client's door on one plan's day; ``id`` is the client-made uuid
    (the idempotency key), ``route`` the vehicle id of the route: the courier it is planned for."""

    __tablename__ = "outcomes"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    plan: Mapped[str] = mapped_column(String(32), index=True)
    date: Mapped[str] = mapped_column(String(10), index=True)
    canteen: Mapped[str] = mapped_column(String(64), index=True)
    route: Mapped[str] = mapped_column(String(64))
    courier: Mapped[str | None] = mapped_column(String(64), nullable=True)
    client: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(24))
    concern: Mapped[str | None] = mapped_column(String(16), nullable=True)
    note: Mapped[str | None] = mapped_column(SealedJSON, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class WelfareCaseRow(Base):
    """A welfare check opened by a no-answer or an urgent concern; one open case per client
    at a time (the partial unique index keeps racing servers to one)."""

    __tablename__ = "welfare_cases"
    __table_args__ = (
        Index(
            "one_open_case_per_client",
            "canteen",
            "client",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    canteen: Mapped[str] = mapped_column(String(64), index=True)
    plan: Mapped[str] = mapped_column(String(32))
    client: Mapped[str] = mapped_column(String(64))
    date: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(24))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(8), index=True)
    closed_with: Mapped[str | None] = mapped_column(String(24), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CaseStepRow(Base):
    """One step of a case: who did what and when. ``escalation`` is the index of the
    escalation step it records (``None``: a person's step), unique per case so that two
    tickers never record (and send) one step twice."""

    __tablename__ = "welfare_steps"
    __table_args__ = (UniqueConstraint("case", "escalation", name="one_escalation_step"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(SealedJSON, nullable=True)
    escalation: Mapped[int | None] = mapped_column(Integer, nullable=True)
