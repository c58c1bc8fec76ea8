"""Delivery reports over the API: ``GET /v1/reports/deliveries?from=&to=&by=`` (JSON, or a
workbook with ``.xlsx`` or ``Accept``; docs/api.md "Reports"). A canteen's key counts its
own canteen; a street office's key every canteen, or the one of ``?canteen=``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, jsonify, request

from dispatch.report.workbooks import XLSX
from dispatch.scenario.schedule import read_date
from dispatch.scenario.schedule import today as local_today
from dispatch.service.http import listed_canteen, needs, services
from dispatch.service.reports import (
    check_range,
    day_outcomes,
    programme_totals,
    report,
    report_xlsx,
    totals_of,
)
from dispatch.service.welfare import list_cases

bp = Blueprint("reports", __name__, url_prefix="/v1")


def report_range() -> tuple[dt.date, dt.date]:
    """``?from=`` and ``?to=`` (YYYY-MM-DD); by default this month up to today."""
    today = local_today()
    start = request.args.get("from")
    end = request.args.get("to")
    date_from = read_date(start, "from") if start is not None else today.replace(day=1)
    date_to = read_date(end, "to") if end is not None else today
    check_range(date_from, date_to)
    return date_from, date_to


def deliveries_body(canteen: str | None, visible: bool = True) -> dict[str, Any]:
    """The report the query string asks for, with its range and canteen."""
    date_from, date_to = report_range()
    by = request.args.get("by", "client")
    days = day_outcomes(services().store, canteen, date_from, date_to) if visible else []
    sponsors = (
        [r.data for r in services().store.list_records("sponsors", canteen=canteen)]
        if by == "sponsor" and visible
        else []
    )
    dates = (date_from, date_to)
    cases = list_cases(services().store, canteen, dates=dates) if visible else []
    body = report(days, by, sponsors, cases)
    return {"from": date_from.isoformat(), "to": date_to.isoformat(), "canteen": canteen} | body


@bp.get("/reports/deliveries")
@bp.get("/reports/deliveries.xlsx")
@needs("viewer")
def deliveries() -> Any:
    visible, canteen = listed_canteen()
    body = deliveries_body(canteen, visible)
    wants_xlsx = request.path.endswith(".xlsx") or (
        request.accept_mimetypes.best_match(["application/json", XLSX]) == XLSX
    )
    return download(body) if wants_xlsx else jsonify(body)


def totals_body(canteen: str | None, visible: bool = True) -> dict[str, Any]:
    """The programme's totals from ``?since=`` (its start) to today."""
    since, until = read_date(request.args.get("since", ""), "since"), local_today()
    store = services().store
    totals = programme_totals(store, canteen, since, until) if visible else totals_of([])
    return {"since": since.isoformat(), "to": until.isoformat(), "canteen": canteen} | totals


@bp.get("/reports/totals")
@needs("viewer")
def totals() -> Any:
    visible, canteen = listed_canteen()
    return jsonify(totals_body(canteen, visible))


def download(body: dict[str, Any], names: Mapping[str, str] | None = None) -> Response:
    """The report as a workbook to save (with clients' ``names``, on a staff page)."""
    name = f"deliveries-{body['by']}-{body['from']}-{body['to']}.xlsx"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(report_xlsx(body, names), mimetype=XLSX, headers=headers)
