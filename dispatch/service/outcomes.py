"""Delivery outcomes: recorded once each, corrected by later rows, read per day and route.

``record_outcomes`` is idempotent by the outcome's id (the courier's page makes a uuid and
resends until it is answered): a repeat with the same content is counted once, the same id
with other content is refused. Rows are never changed; a correction is a new outcome (a new
id) for the same client and plan, and the latest ``at`` (then ``recorded_at``) wins.
Two servers inserting the same id at once meet the unique index: the loser's transaction
is rolled back and run again, and then sees the winner's row as a repeat.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatch.errors import ConflictError, InputError, NotFoundError
from dispatch.messages import text
from dispatch.model import clock
from dispatch.scenario import parse_scenario
from dispatch.service.case_teams import reach_teams
from dispatch.service.outcome_items import (
    Item,
    PlannedStop,
    iso,
    path_of,
    planned_stops,
    read_items,
    seconds_of_day,
    utc,
)
from dispatch.service.outcome_tables import OutcomeRow
from dispatch.service.store import utcnow
from dispatch.service.tables import PlanRow
from dispatch.service.welfare import list_cases, on_outcome

if TYPE_CHECKING:
    from dispatch.service.store import Store

RACE_RETRIES = 3  # runs of a batch whose insert met another server's same id


@dataclass(frozen=True)
class Recorded:
    """Outcome ids newly stored, ids already known (same content), welfare case ids opened
    or added to by a no-answer or urgent concern."""

    stored: list[str]
    repeated: list[str]
    cases: list[str]

    def as_dict(self) -> dict[str, list[str]]:
        return {"stored": self.stored, "repeated": self.repeated, "cases": self.cases}


@dataclass(frozen=True)
class OutcomeRecord:
    id: str
    plan: str
    date: str
    canteen: str
    route: str
    courier: str | None
    client: str
    outcome: str
    concern: str | None
    note: str | None
    at: dt.datetime
    recorded_by: str
    recorded_at: dt.datetime

    @classmethod
    def of(cls, row: OutcomeRow) -> OutcomeRecord:
        return cls(
            row.id,
            row.plan,
            row.date,
            row.canteen,
            row.route,
            row.courier,
            row.client,
            row.outcome,
            row.concern,
            row.note,
            utc(row.at),
            row.recorded_by,
            utc(row.recorded_at),
        )

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        return out | {"at": iso(self.at), "recorded_at": iso(self.recorded_at)}


def finished_plan_row(store: Store, plan_id: str, canteen: str | None = None) -> PlanRow:
    """The plan ``plan_id`` (of ``canteen`` when given), which must be done."""
    row = store.get_plan(plan_id, canteen=canteen)
    if row.status != "done" or row.plan is None:
        raise ConflictError("status", text("plan_not_done", status=row.status))
    return row


def record_outcomes(
    store: Store,
    plan_id: str,
    items: list[Any],
    *,
    recorded_by: str,
    route: int | None = None,
    field: str = "outcomes",
    now: dt.datetime | None = None,
) -> Recorded:
    """Check and store a batch of outcomes of plan ``plan_id`` (all or none), opening welfare
    cases. ``route``: the index of the one route the sender may report on (a courier's link);
    ``field``: the batch's field in the body (``""``: the body is one outcome)."""
    plan = finished_plan_row(store, plan_id)
    read = read_items(items, field)
    stops = planned_stops(plan.plan or {})
    if route is not None and not 0 <= route < len((plan.plan or {}).get("routes", [])):
        raise NotFoundError("route", text("outcome_route_missing", route=route))
    for k, item in enumerate(read):
        stop = stops.get(item.client)
        where = f"{path_of(field, k)}.client" if field else "client"
        if stop is None:
            raise InputError(where, text("outcome_client_not_on_plan", client=item.client))
        if route is not None and stop.route != route:
            raise InputError(
                where, text("outcome_client_not_on_route", client=item.client, route=route)
            )
    moment = (now or utcnow()).astimezone(dt.UTC)
    for attempt in range(RACE_RETRIES):
        try:
            with store.session() as session:
                recorded = _record(session, plan, read, stops, recorded_by, moment, field)
            reach_teams(store, recorded.cases)
            return recorded
        except IntegrityError:
            if attempt == RACE_RETRIES - 1:
                raise
    raise AssertionError("unreachable")  # the loop returns or raises


def _same(row: OutcomeRow | Item, item: Item) -> bool:
    return (row.client, row.outcome, utc(row.at), row.note, row.concern) == (
        item.client,
        item.outcome,
        item.at,
        item.note,
        item.concern,
    )


def _record(
    session: Session,
    plan: PlanRow,
    read: Sequence[Item],
    stops: dict[str, PlannedStop],
    by: str,
    now: dt.datetime,
    field: str,
) -> Recorded:
    ids = sorted({i.id for i in read})
    query = select(OutcomeRow).where(OutcomeRow.id.in_(ids))
    known: dict[str, OutcomeRow | Item] = {r.id: r for r in session.scalars(query)}
    stored: list[str] = []
    repeated: list[str] = []
    cases: list[str] = []
    for k, item in enumerate(read):
        before = known.get(item.id)
        if before is not None:
            same_plan = not isinstance(before, OutcomeRow) or before.plan == plan.id
            if not (same_plan and _same(before, item)):
                where = f"{path_of(field, k)}.id" if field else "id"
                raise ConflictError(where, text("outcome_id_reused", id=item.id))
            repeated.append(item.id)
            continue
        stop = stops[item.client]
        session.add(
            OutcomeRow(
                id=item.id,
                plan=plan.id,
                date=plan.date,
                canteen=plan.canteen,
                route=stop.vehicle,
                courier=stop.vehicle,
                client=item.client,
                outcome=item.outcome,
                concern=item.concern,
                note=item.note,
                at=item.at,
                recorded_by=by,
                recorded_at=now,
            )
        )
        session.flush()  # a racing insert of the same id fails here
        known[item.id] = item
        stored.append(item.id)
        case = on_outcome(session, plan, item, by, now)
        if case is not None and case not in cases:
            cases.append(case)
    return Recorded(stored, repeated, cases)


def outcomes_of(
    store: Store,
    *,
    plan_id: str | None = None,
    canteen: str | None = None,
    date_from: str | dt.date | None = None,
    date_to: str | dt.date | None = None,
    per: Literal["plan", "day"] = "plan",
) -> list[OutcomeRecord]:
    """The effective outcome per (plan, client) — with ``per="day"``, per (date, client), over
    the day's plans —, by date, plan and time: the latest ``at``, then the latest
    ``recorded_at``, of its rows."""
    query = select(OutcomeRow)
    if plan_id is not None:
        query = query.where(OutcomeRow.plan == plan_id)
    if canteen is not None:
        query = query.where(OutcomeRow.canteen == canteen)
    if date_from is not None:
        query = query.where(OutcomeRow.date >= str(date_from))
    if date_to is not None:
        query = query.where(OutcomeRow.date <= str(date_to))
    with store.session() as session:
        rows = [OutcomeRecord.of(r) for r in session.scalars(query.order_by(OutcomeRow.pk))]
    latest: dict[tuple[str, str], OutcomeRecord] = {}
    for record in rows:  # by pk: of two rows equal in both times, the later insert wins
        key = (record.plan if per == "plan" else record.date, record.client)
        held = latest.get(key)
        if held is None or (record.at, record.recorded_at) >= (held.at, held.recorded_at):
            latest[key] = record
    return sorted(latest.values(), key=lambda r: (r.date, r.plan, r.at, r.client))


_WINDOWS: OrderedDict[str, dict[str, int]] = OrderedDict()  # plan id → client → window end
_WINDOWS_LOCK = threading.Lock()
_WINDOWS_KEPT = 32  # plans; a done plan's scenario never changes, so its windows may be kept


def _window_ends(plan: PlanRow) -> dict[str, int]:
    with _WINDOWS_LOCK:
        if plan.id in _WINDOWS:
            _WINDOWS.move_to_end(plan.id)
            return _WINDOWS[plan.id]
    scenario = parse_scenario(plan.scenario)
    ends = {c.id: c.window.end_s for c in scenario.clients if c.window is not None}
    with _WINDOWS_LOCK:
        _WINDOWS[plan.id] = ends
        while len(_WINDOWS) > _WINDOWS_KEPT:
            _WINDOWS.popitem(last=False)
    return ends


def progress(store: Store, plan_id: str, now: dt.datetime) -> dict[str, Any]:
    """The day so far at ``now``: open cases of the canteen first, each route's stops done and
    to do, its last outcome, how late it runs against the plan and its next stop, and the
    overdue clients (window ended, no outcome yet)."""
    plan = finished_plan_row(store, plan_id)
    effective = {r.client: r for r in outcomes_of(store, plan_id=plan_id)}
    ends = _window_ends(plan)
    at_s = seconds_of_day(plan.date, now)
    routes: list[dict[str, Any]] = []
    overdue: list[dict[str, Any]] = []
    for route in (plan.plan or {}).get("routes", []):
        planned = [
            (client, step.get("arrival_s"))
            for step in route.get("steps", [])
            if step.get("type") == "delivery"
            for client in step.get("clients", [])
        ]
        done = [(c, effective[c]) for c, _ in planned if c in effective]
        waiting = [(c, s) for c, s in planned if c not in effective]
        last = max(reversed(done), key=lambda d: d[1].at, default=None)  # ties: later stop
        late_s = 0
        if last is not None:
            arrival = dict(planned)[last[0]]
            if arrival is not None:
                late_s = max(late_s, seconds_of_day(plan.date, last[1].at) - arrival)
        upcoming = waiting[0] if waiting else None
        if upcoming is not None and upcoming[1] is not None:
            late_s = max(late_s, at_s - upcoming[1])
        routes.append(
            {
                "vehicle": route["courier"],
                "stops": len(planned),
                "done": len(done),
                "to_do": len(waiting),
                "last_at": iso(last[1].at) if last else None,
                "late_s": late_s,
                "next": _next(upcoming),
            }
        )
        for client, _ in waiting:
            end = ends.get(client)
            if end is not None and at_s > end:
                overdue.append(
                    {"client": client, "vehicle": route["courier"], "window_end": clock(end)}
                )
    cases = [c.as_dict() for c in list_cases(store, plan.canteen, status="open")]
    return {
        "plan": plan.id,
        "date": plan.date,
        "now": iso(now),
        "cases": cases,
        "routes": routes,
        "overdue": overdue,
    }


def _next(upcoming: tuple[str, int | None] | None) -> dict[str, Any] | None:
    if upcoming is None:
        return None
    client, arrival = upcoming
    return {"client": client, "arrival": clock(arrival) if arrival is not None else None}
