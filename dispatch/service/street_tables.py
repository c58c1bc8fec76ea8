"""The grid register's table: versioned street records (``dispatch.service.street_ledger``).

Kept apart from the canteens' ``ledger`` table so no canteen's key, list or scenario ever
meets a household: the street office and its teams are a tenancy of their own. Records hold
residents' names, phones and needs, so ``data`` is sealed at rest.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.service.sealing import SealedJSON
from dispatch.service.tables import Base


class StreetRow(Base):
    """One version of one street record; the highest version is the current one.

    ``street`` is the street the record belongs to (a street's own id for the street itself).
    """

    __tablename__ = "street_ledger"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    street: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(SealedJSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
