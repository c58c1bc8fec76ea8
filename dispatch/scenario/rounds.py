"""A team's day of rounds from the street document (docs/grid.md, "Rounds"): ``round_day``.

The document is the register's part for one team (``street_document(…, team=…)``) with the
team's open requests, the ``date`` and optional ``settings``. What goes in:

- every open request of the team (not reported up, not done): served inside its window on
  the day, before its deadline when that falls on the day; overdue ones weigh most, those
  due on the day next, later ones least;
- with ``visits``, a visit (走访) to every special-group household of the team whose last
  contact is at least N days old (N the shortest ``visit_every_days`` of its groups), or
  never made, unless a request already takes someone there; the longer overdue, the more
  it weighs (still less than a request due today). ``visits`` may also list households a
  week's plan chose for the day before they are due (they weigh least).

Items of a request with a ``pickup`` station are fetched there first (a pick-up and its
delivery, the same member); other items leave the team's station with the member.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from dispatch.errors import InputError
from dispatch.messages import text
from dispatch.model import Location, Settings, Window
from dispatch.model.rounds import RoundDay, RoundMember, RoundStation, RoundTask
from dispatch.scenario.request_records import REQUEST_KINDS, deadline
from dispatch.scenario.schedule import PLANNING_ZONE
from dispatch.scenario.street_records import GROUPS

# Seconds at the door by kind (the street document's settings.service_s may change them).
SERVICE_S: Mapping[str, int] = MappingProxyType(
    {
        "medicine": 300,
        "errand": 600,
        "care": 1200,
        "talk": 1200,
        "inform": 300,
        "gift_pack": 180,
        "hazard_check": 900,
        "repair": 1800,
        "visit": 900,
    }
)
VISIT_EVERY_DAYS = 7  # for a group the settings give no N
PICKUP_S = 120
DAY_S = 24 * 3600
# What leaving a task out weighs: overdue, due on the day, due later; a due visit weighs
# VISIT_PRIORITY plus a point per day overdue, up to VISIT_PRIORITY_MAX.
PRIORITY = {"overdue": 200, "today": 100, "later": 10}
VISIT_PRIORITY, VISIT_PRIORITY_MAX = 1, 60
OPEN = ("open",)
MODES = {"foot": "walk", "ebike": "ebike"}


def _seconds(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def _location(value: Mapping[str, Any]) -> Location:
    return Location(lat=float(value["lat"]), lon=float(value["lon"]))


def _station(record: Mapping[str, Any]) -> RoundStation:
    return RoundStation(
        id=str(record["id"]),
        name=str(record["name"]),
        location=_location(record["location"]),
        opens_s=_seconds(str(record["opens"])),
        closes_s=_seconds(str(record["closes"])),
    )


def _member(record: Mapping[str, Any]) -> RoundMember:
    return RoundMember(
        id=str(record["id"]),
        name=str(record["name"]),
        mode=MODES[str(record.get("mode", "foot"))],  # type: ignore[arg-type]
        capacity=int(record.get("capacity", 0)),
        climbs=bool(record.get("climbs", True)),
        start_s=_seconds(str(record.get("start", "09:00"))),
        end_s=_seconds(str(record.get("end", "17:00"))),
    )


def service_table(settings: Mapping[str, Any]) -> dict[str, int]:
    """Seconds at the door by kind: the defaults with ``settings.service_s`` over them."""
    given = settings.get("service_s", {})
    if not isinstance(given, Mapping):
        raise InputError("settings.service_s", text("round_bad_setting", name="service_s"))
    table = dict(SERVICE_S)
    for kind, seconds in given.items():
        if kind not in REQUEST_KINDS or not isinstance(seconds, int) or not 0 <= seconds <= DAY_S:
            raise InputError(
                f"settings.service_s.{kind}", text("round_bad_setting", name=f"service_s.{kind}")
            )
        table[kind] = seconds
    return table


def visit_every(settings: Mapping[str, Any]) -> dict[str, int]:
    """N days by special group: ``settings.visit_every_days`` over ``VISIT_EVERY_DAYS``."""
    given = settings.get("visit_every_days", {})
    if not isinstance(given, Mapping):
        raise InputError(
            "settings.visit_every_days", text("round_bad_setting", name="visit_every_days")
        )
    every = dict.fromkeys(GROUPS, VISIT_EVERY_DAYS)
    for group, days in given.items():
        if group not in GROUPS or not isinstance(days, int) or not 1 <= days <= 366:
            raise InputError(
                f"settings.visit_every_days.{group}",
                text("round_bad_setting", name=f"visit_every_days.{group}"),
            )
        every[group] = days
    return every


def round_day(document: Mapping[str, Any]) -> RoundDay:
    """The ``RoundDay`` of ``document["team"]`` on ``document["date"]``."""
    date = dt.date.fromisoformat(str(document["date"]))
    settings = document.get("settings") or {}
    services = service_table(settings)
    team = next(t for t in document["teams"] if t["id"] == document["team"])
    stations = {str(s["id"]): _station(s) for s in document["stations"]}
    buildings = {str(b["id"]): b for b in document["buildings"] if b["team"] == team["id"]}
    households = {
        str(h["id"]): h for h in document["households"] if str(h["building"]) in buildings
    }
    tasks = [
        _request_task(r, households[str(r["household"])], buildings, services, date)
        for r in document.get("requests", ())
        if r.get("status", "open") in OPEN and str(r["household"]) in households
    ]
    visits = document.get("visits", True)
    if visits:
        busy = {t.household for t in tasks}
        every = visit_every(settings)
        chosen = set(visits) if isinstance(visits, list) else set()
        tasks += [
            task
            for h in households.values()
            if h["id"] not in busy
            and (task := _visit_task(h, buildings, services, every, date, h["id"] in chosen))
            is not None
        ]
    return RoundDay(
        street=str(document["street"]["id"]),
        team=str(team["id"]),
        team_name=str(team["name"]),
        date=date,
        station=stations[str(team["station"])],
        stations=MappingProxyType(stations),
        members=tuple(_member(m) for m in team["members"]),
        tasks=tuple(tasks),
        settings=Settings(),
        pickup_s=int(settings.get("pickup_s", PICKUP_S)),
    )


def _place(household: Mapping[str, Any], buildings: Mapping[str, Any]) -> dict[str, Any]:
    building = buildings[str(household["building"])]
    return {
        "household": str(household["id"]),
        "building": str(building["id"]),
        "location": _location(building["location"]),
        "floor": int(household.get("floor", 1)),
        "lift": bool(building.get("lift", False)),
        "responsible": household.get("responsible"),
    }


def _request_task(
    request: Mapping[str, Any],
    household: Mapping[str, Any],
    buildings: Mapping[str, Any],
    services: Mapping[str, int],
    date: dt.date,
) -> RoundTask:
    """A request as the day's task: its window, cut at its deadline when that is today."""
    window = request.get("window")
    start, end = (_seconds(window["start"]), _seconds(window["end"])) if window else (0, DAY_S)
    due = deadline(str(request["by"])).astimezone(PLANNING_ZONE)
    if due.date() < date:
        priority = PRIORITY["overdue"]
    elif due.date() == date:
        priority = PRIORITY["today"]
        end = min(end, due.hour * 3600 + due.minute * 60)
    else:
        priority = PRIORITY["later"]
    kind = str(request["kind"])
    return RoundTask(
        id=str(request["id"]),
        kind=kind,
        items=int(request.get("items", 0)),
        pickup=request.get("pickup"),
        window=Window(start, max(start, end)),
        service_s=services[kind],
        priority=priority,
        **_place(household, buildings),
    )


def _visit_task(
    household: Mapping[str, Any],
    buildings: Mapping[str, Any],
    services: Mapping[str, int],
    every: Mapping[str, int],
    date: dt.date,
    chosen: bool = False,
) -> RoundTask | None:
    """A visit to a special-group household whose last contact is due on ``date`` (or which
    a week's plan ``chosen`` for the day before it is due), else ``None``."""
    due = visit_due(household, every, date)
    if due is None or (due > date and not chosen):
        return None
    never = household.get("last_contact") is None
    overdue = VISIT_PRIORITY_MAX if never else max(0, (date - due).days)
    weight = VISIT_PRIORITY + min(overdue, VISIT_PRIORITY_MAX - VISIT_PRIORITY)
    return RoundTask(
        id=f"visit-{household['id']}",
        kind="visit",
        items=0,
        pickup=None,
        window=Window(0, DAY_S),
        service_s=services["visit"],
        priority=weight if due <= date else VISIT_PRIORITY,
        **_place(household, buildings),
    )


def visit_due(
    household: Mapping[str, Any], every: Mapping[str, int], date: dt.date
) -> dt.date | None:
    """When a special-group household is next due a contact: N days after the last one,
    ``date`` itself when there was none; ``None`` for a household in no special group."""
    days = due_every(household.get("members", ()), every)
    if days is None:
        return None
    last = household.get("last_contact")
    return date if last is None else dt.date.fromisoformat(last) + dt.timedelta(days=days)


def due_every(members: Sequence[Mapping[str, Any]], every: Mapping[str, int]) -> int | None:
    """The shortest N of the members' special groups (``None``: nobody in one)."""
    days = [every[m["group"]] for m in members if m.get("group") in every]
    return min(days, default=None)
