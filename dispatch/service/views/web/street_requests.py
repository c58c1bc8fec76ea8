"""The request board (``/street/requests``) and the street reports (``/street/reports``):
pages of the street office and its teams, over ``dispatch.service.requests``.

Overdue requests come first and are marked red; each has its step history and a form for
the steps its viewer may take (a team: done, report up with a reason; the office: assign,
escalate, close). The reports page shows the figures per grid and team, and its workbook.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from flask import redirect, render_template, request, send_file, url_for

from dispatch.errors import DispatchError
from dispatch.report.street_reports import GROUPS, KINDS, STATUSES, report_workbook, street_report
from dispatch.report.workbooks import XLSX
from dispatch.scenario.schedule import today
from dispatch.service import requests as board
from dispatch.service.http import services
from dispatch.service.street_ledger import StreetLedger
from dispatch.service.street_register import street_document
from dispatch.service.views.web.common import needs_role, said, street_viewer, t, web_blueprint

bp = web_blueprint("web_requests", teams=True)


@bp.get("/street/requests")
@needs_role("viewer", teams=True)
def listing() -> Any:
    return _page(error=None)


@bp.post("/street/requests/<request_id>/steps")
@needs_role("planner", teams=True)
def step(request_id: str) -> Any:
    form = request.form
    try:
        board.add_step(
            services().store,
            request_id,
            form.get("action", ""),
            viewer=street_viewer(),
            reason=form.get("reason") or None,
            note=form.get("note") or None,
        )
    except DispatchError as err:
        return _page(error=f"{request_id}: {said(err.reason)}"), 422
    return redirect(url_for("web_requests.listing"))


def _page(error: str | None) -> Any:
    viewer, now = street_viewer(), dt.datetime.now(dt.UTC)
    status = request.args.get("status") or None
    rows = board.list_requests(
        services().store,
        viewer,
        status=status if status in board.STATUSES else None,
        team=request.args.get("team") or None,
        now=now,
    )
    shown = [board.request_view(r, now, board.steps_of(services().store, r.id)) for r in rows]
    actions = sorted(board.MAY[viewer.level] - {"note"})
    return render_template(
        "requests.html",
        requests=shown,
        statuses=board.STATUSES,
        actions=actions,
        status=status,
        error=error,
    )


def _report() -> Any:
    on_text = request.args.get("on") or today().isoformat()
    try:
        on = dt.date.fromisoformat(on_text)
    except ValueError:
        on = today()
    viewer = street_viewer()
    streets = StreetLedger(services().store).records("streets")
    street = request.args.get("street") or (streets[0].record_id if streets else None)
    if street is None:
        return on, None
    document = street_document(services().store, street, viewer.team, date=on.isoformat())
    rows = board.list_requests(services().store, viewer)
    raw = [
        {
            "team": r.team,
            "kind": r.kind,
            "status": r.status,
            "level": r.level,
            "actions": [s.action for s in board.steps_of(services().store, r.id)],
        }
        for r in rows
        if r.street == street
    ]
    return on, street_report(document, raw, on)


def _labels() -> dict[str, str]:
    codes = ["id", "name", "households", "reported_up", "resolved_up", "coverage", "gift_packs"]
    labels = {c: t(f"web_req_col_{c}") for c in codes}
    labels |= {"grids": t("web_req_grids"), "teams": t("web_req_teams")}
    labels |= {f"group_{g}": t(f"web_req_group_{g}") for g in GROUPS}
    labels |= {f"kind_{k}": t(f"web_req_kind_{k}") for k in KINDS}
    labels |= {f"status_{s}": t(f"web_req_status_{s}") for s in STATUSES}
    return labels


@bp.get("/street/reports")
@needs_role("viewer", teams=True)
def reports() -> Any:
    on, report = _report()
    return render_template(
        "street_reports.html",
        on=on,
        report=report,
        groups=GROUPS,
        kinds=KINDS,
        statuses=STATUSES,
    )


@bp.get("/street/reports.xlsx")
@needs_role("viewer", teams=True)
def reports_xlsx() -> Any:
    on, report = _report()
    if report is None:
        return redirect(url_for("web_requests.reports"))
    buffer = io.BytesIO()
    report_workbook(report, _labels()).save(buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, download_name=f"street-report-{on}.xlsx")
