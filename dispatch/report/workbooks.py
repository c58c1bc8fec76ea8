"""The day in spreadsheets: ``kitchen.xlsx`` (the kitchen count) and ``plan.xlsx`` (every stop).

``plan.xlsx`` is the manager's file, kept at the canteen like the scenario it came from: it
names each client in full with the address, so the manager can call or check; it holds no
phone numbers and no notes (those stay in the scenario or the register). Route sheets, which
travel with couriers, mask names as before.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dispatch.messages import text
from dispatch.model import Route, Step, clock
from dispatch.report.context import PlanContext
from dispatch.report.sheets import kitchen_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"  # their mimetype

PLAN_COLUMNS = (
    "route",
    "courier",
    "stop",
    "arrival",
    "departure",
    "client",
    "name",
    "address",
    "building",
    "floor",
    "lift",
    "meals",
    "window",
    "relay_point",
)


def kitchen_xlsx(part: PlanContext) -> bytes:
    """``kitchen.csv`` as a workbook: the same columns and rows, numbers as numbers."""
    fields = ["route", "load_order", "stop", "via", "client", *part.variants, "total"]
    rows = [[row[f] for f in fields] for row in kitchen_rows(part)]
    return workbook("厨房 kitchen", fields, rows)


def plan_xlsx(part: PlanContext) -> bytes:
    """One row a client at each stop (a hand-over is one row), routes in plan order."""
    rows = [
        row
        for route in part.plan.routes
        for number, step in enumerate(_stops(route), start=1)
        for row in _step_rows(part, route, number, step)
    ]
    return workbook("路线 plan", list(PLAN_COLUMNS), rows, labels=True)


def _stops(route: Route) -> list[Step]:
    return [s for s in route.steps if s.type in ("delivery", "handover")]


def _step_rows(part: PlanContext, route: Route, number: int, step: Step) -> list[list[object]]:
    worker = part.workers[route.courier]
    times = [clock(t) if t is not None else "" for t in (step.arrival_s, step.departure_s)]
    head: list[object] = [route.courier, worker.name, number, *times]
    if step.type == "handover":
        return [[*head, "", "", "", "", "", "", step.meals, "", step.relay_point or ""]]
    rows = []
    for client_id in step.clients:
        c = part.clients[client_id]
        window = f"{clock(c.window.start_s)}–{clock(c.window.end_s)}" if c.window else ""
        meals = ";".join(f"{v}:{n}" for v, n in sorted(c.meals.items()))
        lift = text("lift_yes" if c.lift else "lift_no").zh
        rows.append([*head, c.id, c.name, c.address, c.building, c.floor, lift, meals, window, ""])
    return rows


def workbook(
    title: str, fields: Sequence[str], rows: Sequence[Sequence[object]], labels: bool = False
) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([_header(f) if labels else f for f in fields])
    for row in rows:
        sheet.append(list(row))
    for k in range(1, len(fields) + 1):
        sheet.cell(row=1, column=k).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(k)].width = 14
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header(field: str) -> str:
    return f"{text(f'plan_column_{field}').zh} {field}"
