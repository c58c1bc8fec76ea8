"""Plans: the history of a canteen's plans, one plan (its progress, then its result: map,
figures, unassigned clients, sheets, kitchen count), and any two side by side."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import Response, jsonify, render_template, request

from dispatch.errors import InputError, UnavailableError
from dispatch.messages import text as message
from dispatch.model import clock
from dispatch.report.compare import CHARTS, comparison, table_rows
from dispatch.report.context import PlanContext
from dispatch.report.geojson import routes_geojson
from dispatch.report.kpi import summary
from dispatch.report.pdf import PdfUnavailable, sheets_pdf
from dispatch.report.sheets import kitchen_csv, kitchen_rows, route_sheet_html
from dispatch.report.workbooks import XLSX, kitchen_xlsx, plan_xlsx
from dispatch.scenario.whatif import WhatIf
from dispatch.service.http import iso, scope, services
from dispatch.service.keys import ROLES
from dispatch.service.tables import PlanRow
from dispatch.service.views.plans import finished_plan
from dispatch.service.views.web.common import lang, t, user, web_blueprint
from dispatch.service.views.web.courier import courier_link

bp = web_blueprint("web_plans")
UNFINISHED = ("queued", "running")


@bp.get("/plans")
def history() -> Any:
    rows = services().store.list_plans(canteen=scope(), limit=100)
    return render_template("plans.html", rows=rows)


@bp.get("/plans/<plan_id>")
def plan(plan_id: str) -> Any:
    row = services().store.get_plan(plan_id, canteen=scope())
    if row.status != "done":
        return render_template("progress.html", row=row, unfinished=row.status in UNFINISHED)
    part = finished_plan(plan_id)
    info = user()
    hands_out = info is not None and ROLES.index(info.role) >= ROLES.index("planner")
    links = [courier_link(row.id, i, row.date) for i in range(len(part.plan.routes))]
    return render_template(
        "result.html", row=row, links=links if hands_out else [], **result_of(part)
    )


def result_of(part: PlanContext) -> dict[str, Any]:
    """What the result page shows of a finished plan."""
    figures = summary(part)
    unassigned = [
        {
            "id": u.client,
            "client": part.clients.get(u.client),
            "reason": u.reason_zh if lang() == "zh" else u.reason_en,
        }
        for u in part.plan.unassigned
    ]
    routes = [
        {
            "courier": r.courier,
            "name": part.workers[r.courier].name,
            "stops": len(r.deliveries) + len(r.handovers),
            "leave": clock(r.steps[0].departure_s or 0),
            "back": clock(r.steps[-1].arrival_s or 0),
        }
        for r in part.plan.routes
    ]
    kitchen = kitchen_rows(part)
    return {
        "part": part,
        "figures": figures,
        "routes": routes,
        "unassigned": unassigned,
        "kitchen": [k for k in kitchen if k["client"] == "TOTAL"],
        "variants": part.variants,
    }


@bp.get("/plans/<plan_id>/status")
def status(plan_id: str) -> Any:
    """What the progress page polls: the job's status and how long it has been going."""
    return jsonify(status_body(services().store.get_plan(plan_id, canteen=scope())))


def status_body(row: PlanRow) -> dict[str, Any]:
    """A job's status for the progress page, its label and time in the page language."""
    elapsed_s = _elapsed_s(row)
    return {
        "status": row.status,
        "label": t(f"web_status_{row.status}"),
        "elapsed_s": elapsed_s,
        "elapsed": t("web_elapsed", s=elapsed_s),
        "started_at": iso(row.started_at),
    }


def _elapsed_s(row: PlanRow) -> int:
    start = row.started_at or row.created_at
    end = row.finished_at or dt.datetime.now(dt.UTC)
    start = start if start.tzinfo else start.replace(tzinfo=dt.UTC)
    end = end if end.tzinfo else end.replace(tzinfo=dt.UTC)
    return max(0, round((end - start).total_seconds()))


@bp.get("/plans/<plan_id>/map.json")
def map_data(plan_id: str) -> Any:
    """The plan's GeoJSON with the canteen and the relay points, for the page's map."""
    part = finished_plan(plan_id)
    canteen = part.scenario.canteen
    return jsonify(
        {
            "routes": routes_geojson(part),
            "canteen": {
                "lat": canteen.location.lat,
                "lon": canteen.location.lon,
                "name": canteen.name,
            },
            "relay_points": [
                {"lat": p.location.lat, "lon": p.location.lon, "name": p.name}
                for p in part.scenario.relay_points
            ],
            "osm": part.travel.network is not None,
        }
    )


@bp.get("/plans/<plan_id>/sheets/<courier>")
def sheet(plan_id: str, courier: str) -> Any:
    part = finished_plan(plan_id)
    route = next((r for r in part.plan.routes if r.courier == courier), None)
    if route is None:
        raise InputError("courier", message("web_no_route", courier=courier))
    return Response(route_sheet_html(part, route, lang()), mimetype="text/html")


@bp.get("/plans/<plan_id>/sheets.pdf")
def print_all(plan_id: str) -> Any:
    """Every route sheet of the plan in one A4 PDF, one page a sheet, to print at once."""
    part = finished_plan(plan_id)
    if not part.plan.routes:
        raise InputError("routes", message("web_no_routes"))
    try:
        body = sheets_pdf(part, lang())
    except PdfUnavailable as err:
        raise UnavailableError(60, message("warn_no_pdf", detail=str(err))) from err
    headers = {"Content-Disposition": f"inline; filename=sheets-{plan_id[:8]}.pdf"}
    return Response(body, mimetype="application/pdf", headers=headers)


@bp.get("/plans/<plan_id>/kitchen.csv")
def kitchen(plan_id: str) -> Any:
    return _download(kitchen_csv(finished_plan(plan_id)), "text/csv", f"kitchen-{plan_id[:8]}.csv")


@bp.get("/plans/<plan_id>/<any(kitchen, plan):name>.xlsx")
def workbook(plan_id: str, name: str) -> Any:
    """The kitchen count or the plan (one row a client at each stop) as an Excel workbook."""
    part = finished_plan(plan_id)
    body = kitchen_xlsx(part) if name == "kitchen" else plan_xlsx(part)
    return _download(body, XLSX, f"{name}-{plan_id[:8]}.xlsx")


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    headers = {"Content-Disposition": f"attachment; filename={filename}"}
    return Response(body, mimetype=mimetype, headers=headers)


@bp.get("/plans/compare")
def compare_two() -> Any:
    """Two stored plans of this login's canteens side by side, the first as the base."""
    ids = [request.args.get("a", ""), request.args.get("b", "")]
    if not all(ids) or ids[0] == ids[1]:
        raise InputError("b", message("web_pick_two"))
    parts = [finished_plan(i) for i in ids]
    columns = [
        WhatIf("base" if k == 0 else f"plan-{k + 1}", (dict(),), description=_label(p, i))
        for k, (p, i) in enumerate(zip(parts, ids, strict=True))
    ]
    data = comparison(columns, [[(p.scenario, p.plan)] for p in parts])
    rows = table_rows(data)
    return render_template("compare.html", data=data, rows=rows, charts=charts_of(data), job=None)


def _label(part: PlanContext, plan_id: str) -> str:
    return f"{part.scenario.name} · {part.scenario.date.isoformat()} · {plan_id[:8]}"


def charts_of(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One bar chart a figure of ``compare.report.CHARTS`` every column has, in its units."""
    return [
        {
            "key": key,
            "en": en,
            "zh": zh,
            "values": [p["figures"][key] / unit for p in data["plans"]],
        }
        for key, en, zh, unit in CHARTS
        if all(p["figures"].get(key) is not None for p in data["plans"])
    ]
