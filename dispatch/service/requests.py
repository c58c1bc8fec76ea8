"""The request board: households' requests, routed to the team covering their building, and
their steps up the levels (docs/grid.md, "Requests and reporting up").

A request is ``open`` at the ``team``'s level; the team solves it (``done``) or reports it
up with a reason (``reported_up``: level ``community``); the community assigns it, escalates
it with a reason (``escalated``: level ``street_office``) or closes it. Every change is a
step, added and never changed. A step the state or the viewer does not allow is a conflict
(409) or forbidden (403) with a sentence saying why.

Who sees what (``Viewer``): a team sees its own requests; a community the ones of its grids
that were reported up; the street office all. A request out of sight is "not found".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select

from dispatch.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from dispatch.messages import text
from dispatch.scenario.request_records import deadline, validate_request
from dispatch.scenario.schedule import PLANNING_ZONE
from dispatch.service.request_tables import RequestRow, RequestStepRow
from dispatch.service.street_ledger import StreetLedger, street_scope

if TYPE_CHECKING:
    from dispatch.service.keys import KeyInfo
    from dispatch.service.store import Store

Level = Literal["team", "community", "street_office"]
STATUSES = ("open", "done", "reported_up", "escalated", "closed")
ACTIONS = ("assigned", "done", "reported_up", "escalated", "closed", "note")
NEEDS_REASON = ("reported_up", "escalated")
# status → action → the status after it; what is missing is refused.
TRANSITIONS: dict[str, dict[str, str]] = {
    "open": {"assigned": "open", "done": "done", "reported_up": "reported_up", "note": "open"},
    "reported_up": {
        "assigned": "reported_up",
        "done": "done",
        "escalated": "escalated",
        "closed": "closed",
        "note": "reported_up",
    },
    "escalated": {"assigned": "escalated", "done": "done", "closed": "closed", "note": "escalated"},
    "done": {"closed": "closed", "note": "done"},
    "closed": {},
}
# What each level may do; the state machine says when.
MAY: dict[Level, frozenset[str]] = {
    "team": frozenset({"assigned", "done", "reported_up", "note"}),
    "community": frozenset({"assigned", "done", "escalated", "closed", "note"}),
    "street_office": frozenset({"assigned", "done", "escalated", "closed", "note"}),
}
LEVEL_AFTER = {"reported_up": "community", "escalated": "street_office"}
FINISHED = ("done", "closed")
MAX_TEXT = 500
# A welfare case's reason → the request kind that answers it.
CASE_KINDS = {
    "fall": "care",
    "unwell": "care",
    "confused": "talk",
    "no_heating": "repair",
    "hazard": "hazard_check",
}
CASE_HOURS = 2  # a request from a welfare case is due within two hours of the case


@dataclass(frozen=True)
class Viewer:
    """Who looks at the board and signs the steps: a ``team``, a ``community`` or, with
    neither, the street office."""

    by: str
    team: str | None = None
    community: str | None = None

    @property
    def level(self) -> Level:
        return "team" if self.team else "community" if self.community else "street_office"


def viewer_of(key: KeyInfo) -> Viewer:
    """The viewer behind a key or login (a canteen's: forbidden, as in the register)."""
    return Viewer(by=key.name, team=street_scope(key))


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes, which are UTC here."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _now(now: dt.datetime | None) -> dt.datetime:
    return dt.datetime.now(dt.UTC) if now is None else now


def is_overdue(row: RequestRow, now: dt.datetime) -> bool:
    """The deadline has passed and the request is neither done nor closed."""
    return row.status not in FINISHED and _utc(row.by) < now


def _community_of(ledger: StreetLedger, grid: str) -> str | None:
    found = ledger.find("grids", grid)
    return None if found is None else str(found.data.get("community"))


def visible(store: Store, row: RequestRow, viewer: Viewer) -> bool:
    """Whether ``viewer`` may see ``row``: its team; its grids' community once reported up."""
    if viewer.team is not None:
        return row.team == viewer.team
    if viewer.community is not None:
        reached = row.level != "team"
        return reached and _community_of(StreetLedger(store), row.grid) == viewer.community
    return True


def create_request(
    store: Store, data: Mapping[str, Any], *, viewer: Viewer, now: dt.datetime | None = None
) -> RequestRow:
    """Store a new request (``id`` made when absent) for the team covering the household's
    building, with its ``created`` step."""
    record = dict(data)
    record.setdefault("id", f"r-{uuid.uuid4().hex[:12]}")
    record = validate_request(record)
    ledger = StreetLedger(store)
    household = ledger.find("households", str(record["household"]))
    if household is None or not household.active or not ledger.visible(household, viewer.team):
        what = text("record_missing", value="household", record_id=record["household"])
        raise NotFoundError("household", what)
    building = ledger.get("buildings", str(household.data["building"]))
    team = ledger.get("teams", str(building.data["team"]))
    grid = str(team.data["grid"])
    if viewer.community is not None and _community_of(ledger, grid) != viewer.community:
        what = text("record_missing", value="household", record_id=record["household"])
        raise NotFoundError("household", what)
    pickup = record.get("pickup")
    if pickup is not None and ledger.find("stations", str(pickup)) is None:
        reason = text("unknown_reference", what="station", what_zh="服务站", id=pickup)
        raise InputError("pickup", reason)
    moment = _now(now)
    row = RequestRow(
        id=str(record["id"]),
        street=household.street,
        team=team.record_id,
        grid=grid,
        household=household.record_id,
        kind=str(record["kind"]),
        needed=str(record["needed"]),
        details={k: record[k] for k in ("items", "pickup", "window") if k in record},
        by=deadline(str(record["by"])).astimezone(dt.UTC),
        source=str(record["source"]),
        status="open",
        level="team",
        created_at=moment,
    )
    with store.session() as session:
        if session.get(RequestRow, row.id) is not None:
            raise ConflictError("id", text("record_exists", value=row.id))
        session.add(row)
        session.flush()
        session.add(RequestStepRow(request=row.id, at=moment, by=viewer.by, action="created"))
    return row


def request_from_case(
    store: Store,
    case: Mapping[str, Any],
    household: str,
    *,
    by: str = "welfare",
    now: dt.datetime | None = None,
) -> RequestRow:
    """The request a welfare case (``{id, reason, opened_at}``) opens for the team covering
    ``household``: source ``welfare_case``, due ``CASE_HOURS`` after the case opened. The same
    case asked twice gives the same request."""
    request_id = f"case-{case['id']}"
    with store.session() as session:
        existing = session.get(RequestRow, request_id)
    if existing is not None:
        return existing
    reason = str(case.get("reason", "other"))
    opened = case.get("opened_at") or _now(now)
    opened = opened if isinstance(opened, dt.datetime) else dt.datetime.fromisoformat(opened)
    due = (_utc(opened) + dt.timedelta(hours=CASE_HOURS)).astimezone(PLANNING_ZONE)
    needed = text("request_from_case", case=case["id"], reason=reason)
    body = {
        "id": request_id,
        "kind": CASE_KINDS.get(reason, "visit"),
        "household": household,
        "needed": needed.zh,
        "by": due.isoformat(timespec="minutes"),
        "source": "welfare_case",
    }
    return create_request(store, body, viewer=Viewer(by=by), now=now)


def get_request(store: Store, request_id: str, viewer: Viewer) -> RequestRow:
    with store.session() as session:
        row = session.get(RequestRow, request_id)
    if row is None or not visible(store, row, viewer):
        raise NotFoundError("id", text("record_missing", value="request", record_id=request_id))
    return row


def steps_of(store: Store, request_id: str) -> list[RequestStepRow]:
    """A request's steps, oldest first."""
    query = (
        select(RequestStepRow)
        .where(RequestStepRow.request == request_id)
        .order_by(RequestStepRow.at, RequestStepRow.pk)
    )
    with store.session() as session:
        return list(session.scalars(query))


def _words(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise InputError(field, text("request_text_bad", max=MAX_TEXT))
    return value.strip() or None


def add_step(
    store: Store,
    request_id: str,
    action: str,
    *,
    viewer: Viewer,
    reason: Any = None,
    note: Any = None,
    now: dt.datetime | None = None,
) -> RequestRow:
    """Add one step: the request's status and level change as ``TRANSITIONS`` says."""
    if action not in ACTIONS:
        raise InputError("action", text("not_one_of", allowed=", ".join(ACTIONS), got=action))
    reason, note = _words(reason, "reason"), _words(note, "note")
    if action in NEEDS_REASON and reason is None:
        raise InputError("reason", text("request_reason_needed", action=action))
    if action == "assigned" and note is None:
        raise InputError("note", text("request_assign_whom"))
    row = get_request(store, request_id, viewer)
    if action not in MAY[viewer.level]:
        raise ForbiddenError("action", text("request_not_yours", action=action))
    after = TRANSITIONS[row.status].get(action)
    if after is None:
        raise ConflictError("action", text("request_bad_step", action=action, status=row.status))
    moment = _now(now)
    with store.session() as session:
        current = session.get(RequestRow, request_id)
        assert current is not None  # requests are never deleted
        if current.status != row.status:  # another step came first
            raise ConflictError(
                "action", text("request_bad_step", action=action, status=current.status)
            )
        current.status = after
        current.level = LEVEL_AFTER.get(action, current.level)
        if after == "closed":
            current.closed_at = moment
        step = RequestStepRow(
            request=request_id, at=moment, by=viewer.by, action=action, reason=reason, note=note
        )
        session.add(step)
        return current


def list_requests(
    store: Store,
    viewer: Viewer,
    *,
    status: str | None = None,
    team: str | None = None,
    overdue: bool | None = None,
    now: dt.datetime | None = None,
    overdue_first: bool = True,
) -> list[RequestRow]:
    """The requests ``viewer`` sees, narrowed by ``status``, ``team`` and ``overdue``;
    overdue first, then by deadline."""
    if status is not None and status not in STATUSES:
        raise InputError("status", text("not_one_of", allowed=", ".join(STATUSES), got=status))
    moment = _now(now)
    query = select(RequestRow)
    if status is not None:
        query = query.where(RequestRow.status == status)
    if team is not None:
        query = query.where(RequestRow.team == team)
    if viewer.team is not None:
        query = query.where(RequestRow.team == viewer.team)
    with store.session() as session:
        rows = [r for r in session.scalars(query) if visible(store, r, viewer)]
    if overdue is not None:
        rows = [r for r in rows if is_overdue(r, moment) == overdue]

    def order(row: RequestRow) -> tuple[bool, dt.datetime, str]:
        late = overdue_first and is_overdue(row, moment)
        return (not late, _utc(row.by), row.id)

    return sorted(rows, key=order)


def step_view(step: RequestStepRow) -> dict[str, Any]:
    out: dict[str, Any] = {"at": iso(step.at), "by": step.by, "action": step.action}
    if step.reason is not None:
        out["reason"] = step.reason
    if step.note is not None:
        out["note"] = step.note
    return out


def request_view(
    row: RequestRow, now: dt.datetime, steps: list[RequestStepRow] | None = None
) -> dict[str, Any]:
    """A request as the API and the board show it; ``by`` in Beijing time, as it was given."""
    out: dict[str, Any] = {
        "id": row.id,
        "street": row.street,
        "team": row.team,
        "grid": row.grid,
        "household": row.household,
        "kind": row.kind,
        "needed": row.needed,
        "by": _utc(row.by).astimezone(PLANNING_ZONE).isoformat(timespec="minutes"),
        "source": row.source,
        "status": row.status,
        "level": row.level,
        "overdue": is_overdue(row, now),
        "created_at": iso(row.created_at),
        "closed_at": iso(row.closed_at),
        **row.details,
    }
    if steps is not None:
        out["steps"] = [step_view(s) for s in steps]
    return out


def iso(moment: dt.datetime | None) -> str | None:
    """UTC ISO 8601 with a ``Z``."""
    if moment is None:
        return None
    return _utc(moment).isoformat(timespec="seconds").replace("+00:00", "Z")
