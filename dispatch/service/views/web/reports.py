"""The delivery reports' page (``/reports``): a canteen's deliveries for a month or any range,
by client, courier, meal variant or as the subsidy sheet, with a chart and the workbook.
The numbers are the API's (``dispatch.service.reports``); the page adds clients' names."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from dispatch.service.http import services
from dispatch.service.reports import GROUPS, NAMED
from dispatch.service.views.reports import deliveries_body, download, totals_body
from dispatch.service.views.web.common import web_blueprint
from dispatch.service.views.web.today import canteens, chosen_canteen

bp = web_blueprint("web_reports")
# The groups drawn as a bar chart of meals.
CHART_OF = {"courier": "courier", "sponsor": "sponsor", "variant": "variant"}


def _names(canteen: str | None) -> dict[str, str]:
    rows = services().store.list_records("clients", canteen=canteen)
    return {r.record_id: str(r.data.get("name") or "") for r in rows}


@bp.get("/reports")
def deliveries() -> Any:
    canteen = chosen_canteen()
    body = deliveries_body(canteen, canteen is not None)
    names = _names(canteen) if body["by"] in NAMED else {}
    if request.args.get("format") == "xlsx":
        return download(body, names)
    key = CHART_OF.get(body["by"])
    chart = (
        {"names": [r[key] for r in body["rows"]], "values": [r["meals"] for r in body["rows"]]}
        if key and body["rows"]
        else None
    )
    return render_template(
        "reports.html",
        body=body,
        groups=GROUPS,
        names=names,
        chart=chart,
        canteens=canteens(),
        canteen=canteen,
        columns=list(body["rows"][0]) if body["rows"] else [],
        programme=totals_body(canteen, canteen is not None) if request.args.get("since") else None,
    )
