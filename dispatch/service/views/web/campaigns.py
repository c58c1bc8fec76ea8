"""Campaigns (``/street/campaigns``, 集中活动): a gift pack (or another kind) to every household
of the chosen special groups within days, planned from the page as one job (docs/grid.md,
"Campaigns"), then per team each member's hours against the team's mean, who got one, and
the member-day sheets to print. The street office plans the whole street or one team, a
team's login its own team.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, redirect, render_template, request, url_for

from dispatch.errors import DispatchError
from dispatch.scenario.request_records import REQUEST_KINDS
from dispatch.scenario.schedule import today
from dispatch.scenario.street_records import GROUPS
from dispatch.service.http import services
from dispatch.service.rounds import CAMPAIGN_DAYS, MAX_CAMPAIGN_DAYS, campaign_document
from dispatch.service.street_ledger import StreetLedger
from dispatch.service.views.rounds import DEFAULT_TIME_LIMIT_S, round_row, submit_round
from dispatch.service.views.web.common import needs_role, said, street_viewer, web_blueprint
from dispatch.service.views.web.plans import status_body
from dispatch.service.views.web.rounds import UNFINISHED, doors

bp = web_blueprint("web_campaigns", teams=True)


@bp.get("/street/campaigns")
@needs_role("viewer", teams=True)
def form() -> Any:
    return _form({"date": today().isoformat(), "days": CAMPAIGN_DAYS, "groups": GROUPS}, None)


@bp.post("/street/campaigns")
@needs_role("planner", teams=True)
def plan() -> Any:
    who = street_viewer()
    form = request.form
    days = form.get("days", "")
    body: dict[str, Any] = {
        "date": form.get("date", ""),
        "days": int(days) if days.isdigit() else days,
        "kind": form.get("kind", "gift_pack"),
        "groups": form.getlist("groups"),
    }
    team = who.team or form.get("team") or None
    if team:
        body["team"] = team
    else:
        body["street"] = form.get("street", "")
    budget = (current_app.config.get("PLAN_SETTINGS") or {}).get("iterations")
    if budget:  # the search budget the Today page plans with (tests: a reproducible one)
        body["settings"] = {"iterations": budget}
    try:
        document = campaign_document(services().store, body, who)
    except DispatchError as err:
        return _form(body, f"{err.field}: {said(err.reason)}"), 422
    teams = 1 if document["campaign"]["team"] else len(document["teams"])
    job_id = submit_round(document, DEFAULT_TIME_LIMIT_S, "campaign", parts=teams)
    return redirect(url_for("web_campaigns.result", job_id=job_id))


@bp.get("/street/campaigns/<job_id>/status")
@needs_role("viewer", teams=True)
def status(job_id: str) -> Any:
    return jsonify(status_body(round_row(job_id, "campaign")))


@bp.get("/street/campaigns/<job_id>")
@needs_role("viewer", teams=True)
def result(job_id: str) -> Any:
    row = round_row(job_id, "campaign")
    if row.status != "done" or row.plan is None:
        url = url_for("web_campaigns.status", job_id=row.id)
        unfinished = row.status in UNFINISHED
        return render_template("progress.html", row=row, unfinished=unfinished, status_url=url)
    kind = row.plan["kind"]
    return render_template(
        "campaign.html", row=row, plan=row.plan, doors=doors(row.scenario, campaign=kind)
    )


def _form(body: dict[str, Any], error: str | None) -> str:
    ledger = StreetLedger(services().store)
    return render_template(
        "campaign_form.html",
        streets=ledger.records("streets"),
        teams=ledger.records("teams", team=street_viewer().team),
        body=body,
        kinds=REQUEST_KINDS,
        groups=GROUPS,
        most=MAX_CAMPAIGN_DAYS,
        error=error,
    )
