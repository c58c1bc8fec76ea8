"""Reading outcomes off the wire, and where a plan expects each client (issue 17).

An outcome is ``{"id", "client", "outcome", "at", "note"?, "concern"?}``: ``id`` is made by
the courier's page (a uuid) and is the idempotency key; ``at`` is an ISO 8601 time with its
UTC offset. Errors name the field (``outcomes[2].outcome``) and never quote a note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dispatch.errors import InputError
from dispatch.messages import text
from dispatch.scenario.fields import got
from dispatch.scenario.schedule import PLANNING_ZONE

OUTCOMES = ("delivered", "no_answer", "refused", "not_home", "left_with_helper")
CONCERNS = ("fall", "unwell", "confused", "no_heating", "hazard", "other")
URGENT = frozenset({"fall", "unwell", "confused", "no_heating"})  # open a case as a no-answer
MAX_BATCH = 200  # outcomes per body
MAX_ID = 64  # characters of an outcome id or client id
MAX_NOTE = 1000  # characters of a note
_FIELDS = ("id", "client", "outcome", "at", "note", "concern")


@dataclass(frozen=True)
class Item:
    """One outcome as read; ``at`` in UTC."""

    id: str
    client: str
    outcome: str
    at: dt.datetime
    note: str | None = None
    concern: str | None = None

    @property
    def welfare_reason(self) -> str | None:
        """Why this outcome opens a welfare case: a no-answer or an urgent concern."""
        if self.outcome == "no_answer":
            return "no_answer"
        return self.concern if self.concern in URGENT else None


@dataclass(frozen=True)
class PlannedStop:
    """Where a plan expects a client: route index, its vehicle (courier) id, planned arrival
    (seconds after midnight, ``None`` on a hand-made plan)."""

    client: str
    route: int
    vehicle: str
    arrival_s: int | None


def utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes, which are UTC here."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def iso(moment: dt.datetime | None) -> str | None:
    """UTC ISO 8601 with a ``Z`` (as the API's ``iso``, without Flask)."""
    if moment is None:
        return None
    return utc(moment).astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def path_of(field: str, index: int) -> str:
    """``outcomes[2]`` for a batch, ``""`` for a body that is one outcome."""
    return f"{field}[{index}]" if field else ""


def _at(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def read_time(value: Any, where: str) -> dt.datetime:
    """An ISO 8601 time with an offset, as UTC."""
    if isinstance(value, str) and len(value) <= 40:
        try:
            moment = dt.datetime.fromisoformat(value)
            if moment.tzinfo is not None and moment.utcoffset() is not None:
                return moment.astimezone(dt.UTC)
        except (ValueError, OverflowError):
            pass
    raise InputError(where, text("outcome_time"))


def _text(data: Mapping[str, Any], name: str, path: str, cap: int, required: bool) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if name not in data:
        raise InputError(_at(path, name), text("missing_field", name=name))
    if not isinstance(value, str) or not value.strip() or len(value) > cap:
        raise InputError(_at(path, name), text("outcome_text_length", cap=cap))
    return value


def _choice(data: Mapping[str, Any], name: str, path: str, allowed: tuple[str, ...]) -> str:
    value = data.get(name)
    if value not in allowed:
        shown = got(value, name)
        raise InputError(_at(path, name), text("not_one_of", allowed=", ".join(allowed), got=shown))
    return str(value)


def read_item(data: Any, path: str) -> Item:
    """One outcome of the body at ``path``."""
    if not isinstance(data, Mapping):
        raise InputError(path, text("not_mapping"))
    extra = next((k for k in data if k not in _FIELDS), None)
    if extra is not None:
        raise InputError(_at(path, str(extra)), text("unknown_field", name=extra))
    outcome_id = _text(data, "id", path, MAX_ID, True)
    client = _text(data, "client", path, MAX_ID, True)
    if "outcome" not in data:
        raise InputError(_at(path, "outcome"), text("missing_field", name="outcome"))
    outcome = _choice(data, "outcome", path, OUTCOMES)
    if "at" not in data:
        raise InputError(_at(path, "at"), text("missing_field", name="at"))
    at = read_time(data["at"], _at(path, "at"))
    concern = None if data.get("concern") is None else _choice(data, "concern", path, CONCERNS)
    note = _text(data, "note", path, MAX_NOTE, False)
    return Item(str(outcome_id), str(client), outcome, at, note, concern)


def read_items(items: list[Any], field: str = "outcomes") -> list[Item]:
    """Every outcome of a body (1 to ``MAX_BATCH``)."""
    if not 1 <= len(items) <= MAX_BATCH:
        raise InputError(field, text("outcome_batch_size", cap=MAX_BATCH, count=len(items)))
    return [read_item(data, path_of(field, k)) for k, data in enumerate(items)]


def planned_stops(plan: Mapping[str, Any]) -> dict[str, PlannedStop]:
    """Client → where the plan (``plan_json`` format) delivers them."""
    out: dict[str, PlannedStop] = {}
    for index, route in enumerate(plan.get("routes", [])):
        for step in route.get("steps", []):
            if step.get("type") != "delivery":
                continue
            for client in step.get("clients", []):
                stop = PlannedStop(client, index, str(route["courier"]), step.get("arrival_s"))
                out.setdefault(client, stop)
    return out


def seconds_of_day(date: str, moment: dt.datetime) -> int:
    """``moment`` as seconds after midnight (Asia/Shanghai) of the plan's ``date``."""
    midnight = dt.datetime.combine(dt.date.fromisoformat(date), dt.time(), PLANNING_ZONE)
    return int((utc(moment) - midnight).total_seconds())
