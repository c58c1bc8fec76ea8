"""The ORM tables of the store: plans and their jobs, ledger record versions, API keys, logins.

Ledger records and the scenarios and plans of jobs hold personal data: they are sealed
(``SealedJSON``, see ``dispatch.service.sealing``). The schema itself is created and
upgraded by the Alembic migrations in ``migrations/``; these classes must match them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dispatch.service.sealing import SealedJSON


class Base(DeclarativeBase):
    pass


class PlanRow(Base):
    """One job: a plan request (``kind`` "plan": the scenario, its parameters, the plan) or a
    comparison (``kind`` "compare": the ``{base, whatifs, costs?}`` body and the comparison)."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="plan")
    status: Mapped[str] = mapped_column(String(16), index=True)
    date: Mapped[str] = mapped_column(String(10), index=True)
    canteen: Mapped[str] = mapped_column(String(64))
    scenario_name: Mapped[str] = mapped_column(String(200))
    scenario: Mapped[dict[str, Any]] = mapped_column(SealedJSON)
    time_limit_s: Mapped[float] = mapped_column(Float)
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: each scenario's own
    version: Mapped[str] = mapped_column(String(32))
    plan: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON, nullable=True)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Written every few seconds by the worker solving the job (dispatch.service.jobs).
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LedgerRow(Base):
    """One version of one ledger record; the highest version is the current one.

    ``canteen`` is the canteen the record belongs to: a client's or courier's own, a
    canteen's id for the canteen itself.
    """

    __tablename__ = "ledger"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    canteen: Mapped[str | None] = mapped_column(String(64), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(SealedJSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class KeyRow(Base):
    """An API key: only the SHA-256 of the token is kept. ``canteen`` is the one canteen the
        key sees; ``None`` is a street office's key, which sees every canteen of the store. ``team``
    narrows a street office's key to one grid service team's register (``street_ledger``)."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    canteen: Mapped[str | None] = mapped_column(String(64), nullable=True)
    team: Mapped[str | None] = mapped_column(String(64), nullable=True)  # a grid team's key
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class UserRow(Base):
    """A staff login of the web pages: the argon2 hash of the password, never the password.
    ``canteen`` as a key's (``None``: the street office); ``failed_logins`` and
    ``locked_until`` hold the lockout (``dispatch.service.users``)."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    canteen: Mapped[str | None] = mapped_column(String(64), nullable=True)
    team: Mapped[str | None] = mapped_column(String(64), nullable=True)  # a grid team's login
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
