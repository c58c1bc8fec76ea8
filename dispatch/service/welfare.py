"""Welfare cases: opened by a no-answer or an urgent concern, escalated on timers, closed by
a person with an outcome (issue 17).

A case stays open until someone closes it with one of ``CLOSE_OUTCOMES`` — an open case of
yesterday is still open today. Every step (who, what, when) is a row of its own; nothing is
changed but the case's status when it is closed, once. Escalation (``tick``) runs the
``WELFARE_STEPS`` setting: each step ``{after_min, action, to?}`` falls due ``after_min``
minutes after the case opened and is recorded once (by ``system``) and sent once through the
sender, however many servers tick (a unique index per case and step). The clock is the
caller's: ``tick(store, now, …)``.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatch.errors import ConflictError, InputError, NotFoundError
from dispatch.messages import text
from dispatch.scenario.fields import got
from dispatch.service.notify import CALL_STEPS, Notice, Retrying, Sender
from dispatch.service.outcome_items import MAX_NOTE, iso, utc
from dispatch.service.outcome_tables import CaseStepRow, WelfareCaseRow
from dispatch.service.store import utcnow
from dispatch.service.tables import PlanRow

if TYPE_CHECKING:
    from dispatch.service.outcome_items import Item
    from dispatch.service.store import Store

log = logging.getLogger("dispatch.welfare")

CLOSE_OUTCOMES = ("found_well", "in_hospital", "family_took_out", "emergency", "other")
# What a person may record on a case (the escalation's own actions, done by hand, and notes).
STEP_ACTIONS = ("note", "call_client", "call_emergency_contact", "visit", "community_or_110_120")
ESCALATION_ACTIONS = ("notify", "call_client", "call_emergency_contact", "community_or_110_120")
DEFAULT_STEPS: tuple[dict[str, Any], ...] = (
    {"after_min": 0, "action": "notify", "to": ["social_worker", "station"]},
    {"after_min": 10, "action": "call_client"},
    {"after_min": 20, "action": "call_emergency_contact"},
    {"after_min": 40, "action": "community_or_110_120"},
)
SYSTEM = "system"


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    by: str
    action: str
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"at": iso(self.at), "by": self.by, "action": self.action, "note": self.note}


@dataclass(frozen=True)
class Case:
    id: str
    client: str
    canteen: str
    plan: str
    date: str
    opened_at: dt.datetime
    status: str
    reason: str
    steps: list[Step] = field(default_factory=list)
    closed_with: str | None = None
    closed_at: dt.datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client": self.client,
            "canteen": self.canteen,
            "plan": self.plan,
            "date": self.date,
            "opened_at": iso(self.opened_at),
            "status": self.status,
            "reason": self.reason,
            "steps": [s.as_dict() for s in self.steps],
            "closed_with": self.closed_with,
            "closed_at": iso(self.closed_at),
        }


def _case(row: WelfareCaseRow, steps: Sequence[CaseStepRow]) -> Case:
    return Case(
        id=row.id,
        client=row.client,
        canteen=row.canteen,
        plan=row.plan,
        date=row.date,
        opened_at=utc(row.opened_at),
        status=row.status,
        reason=row.reason,
        steps=[Step(utc(s.at), s.by, s.action, s.note) for s in steps],
        closed_with=row.closed_with,
        closed_at=utc(row.closed_at) if row.closed_at else None,
    )


def _steps_of(session: Session, case_ids: Sequence[str]) -> dict[str, list[CaseStepRow]]:
    out: dict[str, list[CaseStepRow]] = {c: [] for c in case_ids}
    query = select(CaseStepRow).where(CaseStepRow.case.in_(case_ids)).order_by(CaseStepRow.pk)
    for row in session.scalars(query):
        out[row.case].append(row)
    return out


def list_cases(
    store: Store,
    canteen: str | None = None,
    *,
    status: str | None = None,
    plan: str | None = None,
    dates: tuple[dt.date, dt.date] | None = None,
) -> list[Case]:
    """Cases of ``canteen`` (``None``: every canteen), in ``status``, of ``plan``, opened for a
    day within ``dates`` (first and last): open ones first, then the newest first."""
    query = select(WelfareCaseRow)
    if dates is not None:
        first, last = (d.isoformat() for d in dates)
        query = query.where(WelfareCaseRow.date >= first, WelfareCaseRow.date <= last)
    for column, value in (
        (WelfareCaseRow.canteen, canteen),
        (WelfareCaseRow.status, status),
        (WelfareCaseRow.plan, plan),
    ):
        if value is not None:
            query = query.where(column == value)
    with store.session() as session:
        rows = list(session.scalars(query))
        steps = _steps_of(session, [r.id for r in rows])
    rows.sort(key=lambda r: (r.status != "open", -utc(r.opened_at).timestamp()))
    return [_case(r, steps[r.id]) for r in rows]


def open_cases(store: Store, canteen: str | None) -> list[Case]:
    """The open cases of ``canteen`` (``None``: all) of any day, oldest first."""
    return sorted(list_cases(store, canteen, status="open"), key=lambda c: c.opened_at)


def get_case(store: Store, case_id: str, *, canteen: str | None = None) -> Case:
    """The case ``case_id``; one of another canteen than ``canteen`` is "not found"."""
    with store.session() as session:
        row = session.get(WelfareCaseRow, case_id)
        if row is None or canteen not in (None, row.canteen):
            raise NotFoundError("id", text("case_missing", case_id=case_id))
        return _case(row, _steps_of(session, [row.id])[row.id])


def _open_row(session: Session, case_id: str, canteen: str | None) -> WelfareCaseRow:
    row = session.get(WelfareCaseRow, case_id, with_for_update=True)
    if row is None or canteen not in (None, row.canteen):
        raise NotFoundError("id", text("case_missing", case_id=case_id))
    if row.status != "open":
        raise ConflictError("status", text("case_closed", case_id=case_id))
    return row


def _note(note: str | None) -> str | None:
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        raise InputError("note", text("outcome_text_length", cap=MAX_NOTE))
    return note or None


def add_step(
    store: Store,
    case_id: str,
    by: str,
    action: str,
    note: str | None = None,
    at: dt.datetime | None = None,
    *,
    canteen: str | None = None,
) -> Case:
    """Record what a person did on an open case (``STEP_ACTIONS``)."""
    if action not in STEP_ACTIONS:
        shown = got(action, "action")
        raise InputError("action", text("not_one_of", allowed=", ".join(STEP_ACTIONS), got=shown))
    note = _note(note)
    with store.session() as session:
        _open_row(session, case_id, canteen)
        session.add(CaseStepRow(case=case_id, at=_utc_now(at), by=by, action=action, note=note))
    return get_case(store, case_id)


def close_case(
    store: Store,
    case_id: str,
    by: str,
    closed_with: str | None,
    note: str | None = None,
    at: dt.datetime | None = None,
    *,
    canteen: str | None = None,
) -> Case:
    """Close an open case with its outcome (``CLOSE_OUTCOMES``); never without one."""
    if closed_with not in CLOSE_OUTCOMES:
        raise InputError(
            "closed_with", text("case_close_needs_outcome", allowed=", ".join(CLOSE_OUTCOMES))
        )
    note, moment = _note(note), _utc_now(at)
    with store.session() as session:
        row = _open_row(session, case_id, canteen)
        row.status, row.closed_with, row.closed_at = "closed", closed_with, moment
        session.add(CaseStepRow(case=case_id, at=moment, by=by, action="close", note=note))
    log.info("welfare case %s closed: %s", case_id, closed_with)
    return get_case(store, case_id)


def _utc_now(at: dt.datetime | None) -> dt.datetime:
    return utcnow() if at is None else at.astimezone(dt.UTC)


def on_outcome(
    session: Session, plan: PlanRow, item: Item, by: str, now: dt.datetime
) -> str | None:
    """What an outcome just stored means for the client's welfare: a no-answer or urgent
    concern opens a case (or, with one open, adds a step to it); any other outcome of a client
    with an open case is a step of it (with the outcome's note). The case id when the outcome
    was a reason for one."""
    reason = item.welfare_reason
    query = select(WelfareCaseRow).where(
        WelfareCaseRow.canteen == plan.canteen,
        WelfareCaseRow.client == item.client,
        WelfareCaseRow.status == "open",
    )
    case = session.scalars(query).first()
    if case is None and reason is None:
        return None
    if case is None:
        case = WelfareCaseRow(
            id=uuid.uuid4().hex,
            canteen=plan.canteen,
            plan=plan.id,
            client=item.client,
            date=plan.date,
            reason=str(reason),
            opened_at=now,
            status="open",
        )
        session.add(case)
        session.flush()  # a racing open of the same client's case fails here, not later
        session.add(CaseStepRow(case=case.id, at=now, by=by, action="open", note=item.note))
        log.info("welfare case %s opened for client %s: %s", case.id, item.client, reason)
    else:
        action = item.concern if item.concern else item.outcome
        session.add(CaseStepRow(case=case.id, at=now, by=by, action=action, note=item.note))
    return case.id if reason is not None else None


def _receivers(step: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(step.get("to") or ("station",))


def _phone(client: Mapping[str, Any], action: str) -> str | None:
    """The number to call on a call step, from the plan's own copy of the register."""
    if action == "call_client":
        return str(client.get("phone") or "") or None
    if action == "call_emergency_contact":
        contact = client.get("emergency_contact")
        return str(contact.get("phone") or "") or None if isinstance(contact, Mapping) else None
    return None


def tick(
    store: Store,
    now: dt.datetime,
    sender: Sender,
    steps: Sequence[Mapping[str, Any]] = DEFAULT_STEPS,
) -> list[Notice]:
    """Record and send every escalation step that has come due by ``now`` on the open cases
    and is not yet recorded; what was sent. Ticking again at the same ``now`` sends nothing."""
    if isinstance(sender, Retrying):
        sender.retry()
    sent: list[Notice] = []
    for case in open_cases(store, None):
        done = _escalated(store, case.id)
        for index, step in enumerate(steps):
            due = case.opened_at + dt.timedelta(minutes=int(step["after_min"]))
            if index in done or due > now:
                continue
            notice = _record_escalation(store, case, index, step, due, now)
            if notice is not None:
                sender.send(notice)
                sent.append(notice)
    return sent


def _escalated(store: Store, case_id: str) -> set[int]:
    query = select(CaseStepRow.escalation).where(
        CaseStepRow.case == case_id, CaseStepRow.escalation.is_not(None)
    )
    with store.session() as session:
        return {i for i in session.scalars(query) if i is not None}


def _record_escalation(
    store: Store,
    case: Case,
    index: int,
    step: Mapping[str, Any],
    due: dt.datetime,
    now: dt.datetime,
) -> Notice | None:
    """The step recorded (``None``: another server recorded it first, or the case closed)."""
    action = str(step["action"])
    try:
        with store.session() as session:
            row = session.get(WelfareCaseRow, case.id, with_for_update=True)
            if row is None or row.status != "open":
                return None
            at = now.astimezone(dt.UTC)
            session.add(
                CaseStepRow(case=case.id, at=at, by=SYSTEM, action=action, escalation=index)
            )
            session.flush()
            plan = session.get(PlanRow, case.plan)
    except IntegrityError:
        return None
    clients = plan.scenario.get("clients", []) if plan is not None else []
    client: Mapping[str, Any] = next((c for c in clients if c.get("id") == case.client), {})
    return Notice(
        case=case.id,
        client=case.client,
        canteen=case.canteen,
        plan=case.plan,
        step=action,
        index=index,
        to=_receivers(step),
        due=str(iso(due)),
        social_worker=client.get("social_worker") or None,
        phone=_phone(client, action) if action in CALL_STEPS else None,
    )
