"""The station head's board (``/board``) and the welfare case pages (``/cases``).

The board is today's plan of the canteen as it happens: open welfare cases first (of any
day: an open case of yesterday is still open), each route's progress, the meals past their
window and the map of done and pending stops. The page asks ``/board/data.json`` every
``BOARD_POLL_S`` seconds and redraws itself; the JSON is the same service's ``progress``.
A case page shows its steps and takes a step or the closing outcome; never a close without
one (``welfare.close_case``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import current_app, jsonify, redirect, render_template, request, url_for

from dispatch.scenario.schedule import today as local_today
from dispatch.service.http import scope, services
from dispatch.service.outcome_items import PLANNING_ZONE, iso
from dispatch.service.outcomes import outcomes_of, progress
from dispatch.service.store import utcnow
from dispatch.service.tables import PlanRow
from dispatch.service.users import signed_in
from dispatch.service.views.outcomes import recorder
from dispatch.service.views.web.common import needs_role, t, user, web_blueprint
from dispatch.service.views.web.today import canteens, chosen_canteen
from dispatch.service.welfare import (
    CLOSE_OUTCOMES,
    STEP_ACTIONS,
    SYSTEM,
    Case,
    add_step,
    close_case,
    get_case,
    list_cases,
)

bp = web_blueprint("web_board")
CLOSED_SHOWN = 50  # closed cases the list shows after the open ones


def todays_plan(canteen: str) -> PlanRow | None:
    """The newest finished plan of ``canteen`` for today (Asia/Shanghai)."""
    rows = services().store.list_plans(
        canteen=canteen, date=local_today().isoformat(), status="done", limit=1
    )
    return rows[0] if rows else None


def _names(plans: Mapping[str, PlanRow | None]) -> dict[str, dict[str, Any]]:
    """Client id → the plan's copy of the client (name, phones), over ``plans``."""
    out: dict[str, dict[str, Any]] = {}
    for row in plans.values():
        if row is not None:
            out |= {str(c.get("id")): c for c in row.scenario.get("clients", [])}
    return out


def _case_row(
    case: Case, clients: Mapping[str, Mapping[str, Any]], now: dt.datetime
) -> dict[str, Any]:
    last = case.steps[-1] if case.steps else None
    return {
        "id": case.id,
        "client": case.client,
        "name": str(clients.get(case.client, {}).get("name") or case.client),
        "date": case.date,
        "opened": case.opened_at.astimezone(PLANNING_ZONE).strftime("%m-%d %H:%M"),
        "open_min": max(0, int((now - case.opened_at).total_seconds() // 60)),
        "reason": t(f"case_reason.{case.reason}"),
        "step": t(f"case_action.{last.action}") if last else "",
        "url": url_for("web_board.case", case_id=case.id),
    }


def _case_plans(cases: list[Case]) -> dict[str, PlanRow | None]:
    """The plans the cases came from (a case names its plan; the plan is never deleted)."""
    store = services().store
    return {plan_id: store.get_plan(plan_id) for plan_id in {c.plan for c in cases}}


def board_data(canteen: str, now: dt.datetime) -> dict[str, Any]:
    """What the board shows at ``now``: the cases (open first), routes, overdue meals, and
    which clients have an outcome (the map's done stops)."""
    plan = todays_plan(canteen)
    cases = list_cases(services().store, canteen, status="open")
    plans = _case_plans(cases) | ({plan.id: plan} if plan else {})
    clients = _names(plans)
    body: dict[str, Any] = {
        "now": iso(now),
        "time": now.astimezone(PLANNING_ZONE).strftime("%H:%M:%S"),
        "cases": [_case_row(c, clients, now) for c in sorted(cases, key=lambda c: c.opened_at)],
        "plan": None,
        "routes": [],
        "overdue": [],
        "done": [],
    }
    if plan is None:
        return body
    day = progress(services().store, plan.id, now)
    body["plan"] = plan.id
    body["map_url"] = url_for("web_plans.map_data", plan_id=plan.id)

    def name(client: str) -> str:
        return str(clients.get(client, {}).get("name") or client)

    body["routes"] = [
        r
        | {"late_min": r["late_s"] // 60, "last": _clock(r["last_at"])}
        | ({"next": r["next"] | {"client": name(r["next"]["client"])}} if r["next"] else {})
        for r in day["routes"]
    ]
    body["overdue"] = [o | {"name": name(o["client"])} for o in day["overdue"]]
    body["done"] = sorted({r.client for r in outcomes_of(services().store, plan_id=plan.id)})
    return body


def _clock(at: str | None) -> str:
    if at is None:
        return ""
    return dt.datetime.fromisoformat(at).astimezone(PLANNING_ZONE).strftime("%H:%M")


@bp.get("/board")
def board() -> Any:
    canteen = chosen_canteen()
    data = board_data(canteen, utcnow()) if canteen else None
    return render_template(
        "board.html",
        canteens=canteens(),
        canteen=canteen,
        data=data,
        poll_s=float(current_app.config["BOARD_POLL_S"]),
        tiles=current_app.config.get("TILE_URL"),
    )


@bp.get("/board/data.json")
def data_json() -> Any:
    canteen = chosen_canteen()
    if canteen is None:
        return jsonify({"cases": [], "routes": [], "overdue": [], "done": [], "plan": None})
    return jsonify(board_data(canteen, utcnow()))


@bp.get("/cases")
def cases() -> Any:
    rows = list_cases(services().store, scope())
    shown = [c for c in rows if c.status == "open"]
    shown += [c for c in rows if c.status != "open"][:CLOSED_SHOWN]
    clients = _names(_case_plans(shown))
    now = utcnow()
    listed = [_case_row(c, clients, now) | {"status": c.status} for c in shown]
    return render_template("cases.html", cases=listed)


@bp.get("/cases/<case_id>")
def case(case_id: str) -> Any:
    return _case_page(get_case(services().store, case_id, canteen=scope()), error=None)


@bp.post("/cases/<case_id>/steps")
@needs_role("planner")
def record_step(case_id: str) -> Any:
    form = request.form
    add_step(
        services().store,
        case_id,
        by=recorder(),
        action=form.get("action", ""),
        note=form.get("note") or None,
        canteen=scope(),
    )
    return redirect(url_for("web_board.case", case_id=case_id))


@bp.post("/cases/<case_id>/close")
@needs_role("planner")
def close(case_id: str) -> Any:
    form = request.form
    close_case(
        services().store,
        case_id,
        by=recorder(),
        closed_with=form.get("closed_with") or None,
        note=form.get("note") or None,
        canteen=scope(),
    )
    return redirect(url_for("web_board.case", case_id=case_id))


def _who(by: str) -> str:
    """Who did a step, as a person reads it: a login's name, the escalation, or the id."""
    if by == SYSTEM:
        return t("case_by_system")
    info = signed_in(services().store, by)
    return info.name if info is not None else by.partition(":")[2] or by


def _case_page(case: Case, error: str | None) -> Any:
    plans = _case_plans([case])
    client = _names(plans).get(case.client, {})
    contact = client.get("emergency_contact")
    info = user()
    notes_shown = info is not None and info.role != "viewer"  # as the API's case
    steps = [
        {
            "at": s.at.astimezone(PLANNING_ZONE).strftime("%Y-%m-%d %H:%M"),
            "by": _who(s.by),
            "action": t(f"case_action.{s.action}"),
            "note": (s.note or "") if notes_shown else "",
        }
        for s in case.steps
    ]
    return render_template(
        "case.html",
        case=case,
        name=str(client.get("name") or case.client),
        phone=client.get("phone"),
        contact=contact if isinstance(contact, Mapping) else None,
        steps=steps,
        closed_at=(
            case.closed_at.astimezone(PLANNING_ZONE).strftime("%Y-%m-%d %H:%M")
            if case.closed_at
            else None
        ),
        actions=STEP_ACTIONS,
        outcomes=CLOSE_OUTCOMES,
        error=error,
    )
