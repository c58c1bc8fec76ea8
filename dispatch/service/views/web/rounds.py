"""Rounds (``/street/rounds``, 走访安排): a team's day planned from the page, then one printable
sheet per member and each member's phone page (``/m/<token>``: the signed link is the only
credential, for the round's day only, as a courier's) where each stop is marked
(``dispatch.service.round_marks``) (docs/grid.md, "Rounds").

The street office picks any team, a team's login its own; the plan is a job on the same
runner as the canteens' plans, its page waits for it, then shows each member's round (when
to leave, what to carry, each stop with the household's address, floor and what is needed)
and every task left out with its reason. A sheet shows what a member needs at the door,
not the household's notes or phones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, jsonify, redirect, render_template, request, url_for

from dispatch.errors import DispatchError, NotFoundError
from dispatch.messages import text
from dispatch.scenario.schedule import today
from dispatch.service.courier_links import ROUND_SALT, RouteLink, make_token, read_token
from dispatch.service.http import services
from dispatch.service.round_marks import MARKS, mark, marks_of
from dispatch.service.rounds import WEEK_DAYS, round_document, week_document
from dispatch.service.store import utcnow
from dispatch.service.street_ledger import StreetLedger
from dispatch.service.tables import PlanRow
from dispatch.service.views.rounds import DEFAULT_TIME_LIMIT_S, round_row, submit_round
from dispatch.service.views.web.common import needs_role, said, street_viewer, web_blueprint
from dispatch.service.views.web.plans import status_body

bp = web_blueprint("web_rounds", teams=True)
UNFINISHED = ("queued", "running")


@bp.get("/street/rounds")
@needs_role("viewer", teams=True)
def form() -> Any:
    return _form(request.args.get("team", ""), today().isoformat(), True, 1, error=None)


@bp.post("/street/rounds")
@needs_role("planner", teams=True)
def plan() -> Any:
    who = street_viewer()
    team = who.team or request.form.get("team", "")
    date, visits = request.form.get("date", ""), request.form.get("visits") == "on"
    days = WEEK_DAYS if request.form.get("days") == str(WEEK_DAYS) else 1
    body: dict[str, Any] = {"team": team, "date": date}
    budget = (current_app.config.get("PLAN_SETTINGS") or {}).get("iterations")
    if budget:  # the search budget the Today page plans with (tests: a reproducible one)
        body["settings"] = {"iterations": budget}
    try:
        store = services().store
        if days == 1:
            kind, document = "round", round_document(store, body | {"visits": visits}, who)
        else:
            kind, document = "week", week_document(store, body | {"days": days}, who)
    except DispatchError as err:
        return _form(team, date, visits, days, error=f"{err.field}: {said(err.reason)}"), 422
    job_id = submit_round(document, DEFAULT_TIME_LIMIT_S * days, kind)
    return redirect(url_for("web_rounds.result", job_id=job_id))


def _row(job_id: str) -> PlanRow:
    """A day's rounds or a week of visits the login sees."""
    try:
        return round_row(job_id, "round")
    except NotFoundError:
        return round_row(job_id, "week")


@bp.get("/street/rounds/<job_id>/status")
@needs_role("viewer", teams=True)
def status(job_id: str) -> Any:
    return jsonify(status_body(_row(job_id)))


@bp.get("/street/rounds/<job_id>")
@needs_role("viewer", teams=True)
def result(job_id: str) -> Any:
    row = _row(job_id)
    if row.status != "done" or row.plan is None:
        url = url_for("web_rounds.status", job_id=row.id)
        unfinished = row.status in UNFINISHED
        return render_template("progress.html", row=row, unfinished=unfinished, status_url=url)
    days = row.plan["days"] if row.kind == "week" else [row.plan]
    links = [[member_link(row.id, k, d["date"]) for k in range(len(d["rounds"]))] for d in days]
    return render_template(
        "rounds.html", row=row, plan=row.plan, days=days, doors=doors(row.scenario), links=links
    )


def _form(team: str, date: str, visits: bool, days: int, error: str | None) -> str:
    teams = StreetLedger(services().store).records("teams", team=street_viewer().team)
    return render_template(
        "rounds_form.html",
        teams=teams,
        team=team,
        date=date,
        visits=visits,
        days=days,
        week=WEEK_DAYS,
        error=error,
    )


def doors(document: Mapping[str, Any], campaign: str | None = None) -> dict[str, dict[str, Any]]:
    """Per task of the round's document: the building's address, the unit, the floor and
    lift, and what is needed (a visit: nothing more), as a member's sheet shows them; with
    ``campaign`` (its kind) also each household's task of the campaign."""
    buildings = {b["id"]: b for b in document["buildings"]}
    households = {h["id"]: h for h in document["households"]}
    out: dict[str, dict[str, Any]] = {}
    for h in households.values():
        b = buildings[h["building"]]
        out[f"visit-{h['id']}"] = {"address": b["address"], "unit": h.get("unit", ""),
                                   "lift": b.get("lift", False), "needed": ""}  # fmt: skip
    for r in document["requests"]:
        out[r["id"]] = {**out[f"visit-{r['household']}"], "needed": r.get("needed", "")}
    if campaign is not None:
        out |= {f"{campaign}-{h}": out[f"visit-{h}"] for h in households}
    return out


member_bp = web_blueprint("web_round_member", public=True)


def member_link(job_id: str, index: int, date: str) -> str:
    """The address of round ``index`` of job ``job_id`` for its member's phone."""
    link = RouteLink(job_id, index, date)
    token = make_token(current_app.config["SECRET_KEY"], link, ROUND_SALT)
    return url_for("web_round_member.page", token=token, _external=True)


def _opened(token: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The day, its round and the job's document a token opens today (a week's job: the
    token's day); "not valid" for a job gone or unfinished."""
    link = read_token(current_app.config["SECRET_KEY"], token, utcnow(), ROUND_SALT)
    try:
        row = services().store.get_plan(link.plan, None)
    except NotFoundError:
        row = None
    if row is None or row.kind not in ("round", "week") or row.status != "done":
        raise NotFoundError("token", text("courier_link_unknown"))
    days: list[dict[str, Any]] = (row.plan or {}).get("days", [row.plan])
    day: dict[str, Any] = next((d for d in days if d["date"] == link.date), {"rounds": []})
    if not 0 <= link.route < len(day["rounds"]):
        raise NotFoundError("token", text("courier_link_unknown"))
    return day, day["rounds"][link.route], {**row.scenario, "date": link.date}


@member_bp.get("/m/<token>")
def page(token: str, error: str | None = None) -> Any:
    day, member_round, document = _opened(token)
    tasks = [s["task"] for s in member_round["steps"] if s["type"] == "task"]
    return render_template(
        "round_member.html",
        plan=day,
        round=member_round,
        doors=doors(document),
        marked=marks_of(services().store, document, tasks),
        marks=MARKS,
        token=token,
        error=error,
    )


@member_bp.post("/m/<token>")
def marked(token: str) -> Any:
    _day, member_round, document = _opened(token)
    task = request.form.get("task", "")
    if not any(s["task"] == task and s["type"] == "task" for s in member_round["steps"]):
        return page(token, error=said(text("round_check_unknown", what="task", id=task))), 404
    try:
        mark(
            services().store,
            document,
            member_round["member"],
            task,
            request.form.get("outcome", ""),
            reason=request.form.get("reason") or None,
        )
    except DispatchError as err:
        return page(token, error=f"{task}: {said(err.reason)}"), 422
    return redirect(url_for("web_round_member.page", token=token, _anchor=f"stop-{task}"))
