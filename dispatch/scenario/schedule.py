"""Who is planned on which day: clients' weekdays, pauses and usual courier; the day to plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from dispatch.errors import InputError, ScenarioError
from dispatch.messages import text
from dispatch.model import WEEKDAYS, Pause
from dispatch.scenario.fields import got
from dispatch.scenario.json_schema import is_date

# Canteens plan in China's one time zone: "today" is today there, wherever the server runs.
PLANNING_ZONE = ZoneInfo("Asia/Shanghai")


def today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Asia/Shanghai (``now``, an aware time, for tests)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(PLANNING_ZONE).date()


def read_date(value: str, where: str) -> dt.date:
    """A ``YYYY-MM-DD`` date (``--date``, a request's ``date``), as strict as the scenario's."""
    if not isinstance(value, str) or not is_date(value):
        raise InputError(where, text("bad_date", got=got(value, where)))
    return dt.date.fromisoformat(value)


def client_schedule(value: Mapping[str, Any], path: str) -> dict[str, Any]:
    """A client's ``days``, ``paused`` and ``usual_courier`` as ``Client`` fields.

    The schema has checked the weekday names and the dates; a pause must not end before
    it starts.
    """
    days = value.get("days")
    return {
        "days": frozenset(WEEKDAYS.index(d) for d in days) if days is not None else None,
        "paused": tuple(
            _pause(p, f"{path}.paused[{k}]") for k, p in enumerate(value.get("paused", []))
        ),
        "usual_courier": value.get("usual_courier"),
    }


def _pause(value: Mapping[str, Any], path: str) -> Pause:
    start, end = dt.date.fromisoformat(value["from"]), dt.date.fromisoformat(value["to"])
    if end < start:
        raise ScenarioError(path, text("date_order", start=value["from"], end=value["to"]))
    return Pause(start, end, value.get("reason", ""))
