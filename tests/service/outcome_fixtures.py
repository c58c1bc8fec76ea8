"""A done plan of the ``tiny`` scenario for the outcome and welfare tests: hand-made, so its
times are known (rider-a: b1 at 11:05, t-temp at 11:20; rider-b: t-south at 11:00, t-tower
at 11:15, on 2026-11-24 in Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from dispatch.service.notify import Notice
from dispatch.service.store import Store


class Collect:
    """A notice sender that keeps what it was given."""

    def __init__(self) -> None:
        self.notices: list[Notice] = []

    def send(self, notice: Notice) -> None:
        self.notices.append(notice)


TINY = Path(__file__).parents[1] / "data" / "tiny.yaml"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 11, 24)


def local(hh_mm: str, day: dt.date = DAY) -> dt.datetime:
    """A time of the plan's day (or ``day``) in Asia/Shanghai."""
    hours, minutes = map(int, hh_mm.split(":"))
    return dt.datetime.combine(day, dt.time(hours, minutes), SHANGHAI)


def _delivery(clients: list[str], hh_mm: str) -> dict[str, Any]:
    hours, minutes = map(int, hh_mm.split(":"))
    return {"type": "delivery", "clients": clients, "arrival_s": hours * 3600 + minutes * 60}


HAND_PLAN: dict[str, Any] = {
    "format": 1,
    "routes": [
        {
            "courier": "rider-a",
            "steps": [
                {"type": "start"},
                _delivery(["t-b1-low", "t-b1-high"], "11:05"),
                _delivery(["t-temp"], "11:20"),
                {"type": "end"},
            ],
        },
        {
            "courier": "rider-b",
            "steps": [
                {"type": "start"},
                _delivery(["t-south"], "11:00"),
                _delivery(["t-tower"], "11:15"),
                {"type": "end"},
            ],
        },
    ],
    "unassigned": [],
}


def done_plan(store: Store, document: dict[str, Any], plan: dict[str, Any] = HAND_PLAN) -> str:
    """Store ``document`` as a finished job with ``plan``; its id."""
    plan_id = store.create_plan(document, time_limit_s=1, seed=0, version="test", owner=None)
    assert store.finish(plan_id, plan)
    return plan_id


def outcome(
    oid: str, client: str, kind: str = "delivered", at: str = "11:06", **extra: Any
) -> dict[str, Any]:
    """An outcome on the wire at ``at`` (HH:MM of the plan's day, Shanghai)."""
    return {"id": oid, "client": client, "outcome": kind, "at": local(at).isoformat(), **extra}
