"""The request board's tables: requests of households and their steps (``requests``).

A request's ``needed`` says what a resident needs and its steps' reasons and notes may name
people, so they are sealed at rest; the rest (kind, status, level, deadline) is what the
board sorts and filters by. Steps are only ever added, never changed: they are the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.service.sealing import SealedJSON
from dispatch.service.tables import Base


class RequestRow(Base):
    """One request; ``team`` covers the household's building, ``grid`` is that team's.
    ``needed`` is sealed text, ``details`` (items, pickup, window) sealed JSON."""

    __tablename__ = "requests"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    street: Mapped[str] = mapped_column(String(64), index=True)
    team: Mapped[str] = mapped_column(String(64), index=True)
    grid: Mapped[str] = mapped_column(String(64))
    household: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    needed: Mapped[Any] = mapped_column(SealedJSON)
    details: Mapped[dict[str, Any]] = mapped_column(SealedJSON)
    by: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    level: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class RequestStepRow(Base):
    """One step of a request (created, assigned, done, reported_up, escalated, closed, note)."""

    __tablename__ = "request_steps"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request: Mapped[str] = mapped_column(String(64), ForeignKey("requests.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[Any] = mapped_column(SealedJSON, nullable=True)
    note: Mapped[Any] = mapped_column(SealedJSON, nullable=True)
