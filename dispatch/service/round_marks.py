"""What a member marks at each stop of a round (docs/grid.md, "Rounds"), kept where it counts.

Nothing is kept twice: a request's mark is a step on the request board (``done``,
``reported_up`` with the reason, or a ``note`` that nobody answered), a visit's mark is the
household's ``last_contact`` (done: the visit coverage counts it) or a new request that
follows the visit up (nobody answered: a visit due the next day; reported up: the member's
reason, reported up at once), so a no-answer is followed to its end on the board. Marking
the same outcome again changes nothing; ``marks_of`` reads the marks back from there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from dispatch.errors import InputError, NotFoundError
from dispatch.messages import text
from dispatch.service import requests as board
from dispatch.service.street_ledger import StreetLedger

if TYPE_CHECKING:
    from dispatch.service.store import Store

Mark = Literal["done", "no_answer", "reported_up"]
MARKS: tuple[Mark, ...] = ("done", "no_answer", "reported_up")
VISIT = "visit-"
FOLLOW_UP_HOUR = 12  # a follow-up of a visit is due at noon the next day


def _follow_up_id(household: str, date: str) -> str:
    return f"{VISIT}{household}-{date}"


def mark(
    store: Store,
    document: Mapping[str, Any],
    member: str,
    task: str,
    outcome: str,
    *,
    reason: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Record ``outcome`` of ``task`` on ``member``'s round of the job ``document``."""
    if outcome not in MARKS:
        raise InputError("outcome", text("not_one_of", allowed=", ".join(MARKS), got=outcome))
    if outcome == "reported_up" and not (reason or "").strip():
        raise InputError("reason", text("request_reason_needed", action=outcome))
    viewer = board.Viewer(by=f"member:{member}", team=str(document["team"]))
    date = str(document["date"])
    if task.startswith(VISIT) and not any(r["id"] == task for r in document["requests"]):
        _visit(store, viewer, task.removeprefix(VISIT), date, outcome, reason, now)
        return
    action = {"done": "done", "reported_up": "reported_up", "no_answer": "note"}[outcome]
    note = text("round_mark_no_answer").zh if outcome == "no_answer" else None
    if marks_of(store, document, [task]).get(task) == outcome:
        return
    board.add_step(store, task, action, viewer=viewer, reason=reason, note=note, now=now)


def _visit(
    store: Store,
    viewer: board.Viewer,
    household: str,
    date: str,
    outcome: str,
    reason: str | None,
    now: dt.datetime | None,
) -> None:
    ledger = StreetLedger(store)
    if outcome == "done":
        row = ledger.get("households", household, team=viewer.team)
        if row.data.get("last_contact") != date:
            data = dict(row.data) | {"last_contact": date}
            ledger.update("households", data, team=viewer.team)
        return
    follow_up = _follow_up_id(household, date)
    try:
        board.get_request(store, follow_up, viewer)
        return  # already followed up
    except NotFoundError:
        pass
    due = dt.date.fromisoformat(date) + dt.timedelta(days=1)
    needed = reason if outcome == "reported_up" else text("round_mark_no_answer").zh
    by = f"{due.isoformat()}T{FOLLOW_UP_HOUR:02d}:00+08:00"
    body = {"id": follow_up, "kind": "visit", "household": household, "needed": needed}
    body |= {"by": by, "source": "visit"}
    board.create_request(store, body, viewer=viewer, now=now)
    if outcome == "reported_up":
        board.add_step(store, follow_up, "reported_up", viewer=viewer, reason=reason, now=now)


def marks_of(store: Store, document: Mapping[str, Any], tasks: list[str]) -> dict[str, Mark]:
    """The marks made so far of ``tasks`` of the job ``document``, read off the board and
    the register."""
    viewer = board.Viewer(by="round", team=str(document["team"]))
    date = str(document["date"])
    requests = {r["id"] for r in document["requests"]}
    ledger = StreetLedger(store)
    out: dict[str, Mark] = {}
    for task in tasks:
        if task in requests:
            found = _request_mark(store, task, viewer)
        else:
            household = task.removeprefix(VISIT)
            row = ledger.find("households", household)
            if row is not None and row.data.get("last_contact") == date:
                found = "done"
            else:
                found = _request_mark(store, _follow_up_id(household, date), viewer, visit=True)
        if found is not None:
            out[task] = found
    return out


def _request_mark(
    store: Store, request_id: str, viewer: board.Viewer, *, visit: bool = False
) -> Mark | None:
    try:
        row = board.get_request(store, request_id, viewer)
    except NotFoundError:
        return None
    steps = board.steps_of(store, request_id)
    by_member = [s for s in steps if s.by.startswith("member:")]
    actions = [s.action for s in by_member]
    if "reported_up" in actions:
        return "reported_up"
    if "done" in actions or (not visit and row.status in ("done", "closed")):
        return "done"
    if visit or "note" in actions:
        return "no_answer"
    return None
