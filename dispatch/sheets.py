"""Printable papers: one route sheet per courier, the kitchen's count, an index page.

A route sheet shows only what a courier needs at the door: order, time, address, floor
and lift, meals by variant, notes, and the client's id with a masked name. No phone
numbers, no groups or disabilities.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import jinja2

from dispatch.kpi import meals_by_variant, summary
from dispatch.model import Client, Plan, Route, Scenario, clock

LANGUAGES = ("zh", "en")

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "route_sheet": "送餐路线单",
        "courier": "配送员",
        "date": "日期",
        "canteen": "饭堂",
        "leave": "出发时间",
        "load": "装餐",
        "stops": "站数",
        "order": "序",
        "eta": "预计到达",
        "address": "地址",
        "floor": "楼层",
        "lift": "电梯",
        "no_lift": "无电梯",
        "client": "客户",
        "meals": "餐",
        "notes": "备注",
        "signed": "签收",
        "back": "最后一站完成",
        "kitchen": "厨房出餐单",
        "total": "合计",
        "route": "路线",
        "unassigned": "未能安排",
        "reason": "原因",
        "loading_order": "装车顺序（先装后送）",
        "violations": "校验问题",
        "none": "无",
        "yes": "有",
    },
    "en": {
        "route_sheet": "Route sheet",
        "courier": "Courier",
        "date": "Date",
        "canteen": "Canteen",
        "leave": "Leave at",
        "load": "Load",
        "stops": "Stops",
        "order": "#",
        "eta": "ETA",
        "address": "Address",
        "floor": "Floor",
        "lift": "lift",
        "no_lift": "no lift",
        "client": "Client",
        "meals": "Meals",
        "notes": "Notes",
        "signed": "Signed",
        "back": "Last stop done",
        "kitchen": "Kitchen count",
        "total": "Total",
        "route": "Route",
        "unassigned": "Not served",
        "reason": "Reason",
        "loading_order": "Loading order (first in, last out)",
        "violations": "Verifier findings",
        "none": "none",
        "yes": "yes",
    },
}

VARIANT_NAMES: dict[str, dict[str, str]] = {
    "zh": {"regular": "普通餐", "low_salt": "低盐餐", "soft": "软食", "diabetic": "糖尿病餐"},
    "en": {"regular": "regular", "low_salt": "low-salt", "soft": "soft", "diabetic": "diabetic"},
}


@dataclass(frozen=True)
class SheetLine:
    """One client on a route sheet: only what the courier needs."""

    order: int
    eta: str
    client_id: str
    masked_name: str
    address: str
    floor: int
    lift: bool
    meals: dict[str, int]
    notes: str


def mask_name(name: str) -> str:
    """Keep the first character: enough to greet, too little to identify (钟伯伯 → 钟**)."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dispatch", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _variant(lang: str) -> Callable[[str], str]:
    names = VARIANT_NAMES[lang]
    return lambda key: names.get(key, key)


def _lines(scenario: Scenario, route: Route) -> list[SheetLine]:
    by_id = {c.id: c for c in scenario.clients}
    lines: list[SheetLine] = []
    for order, step in enumerate(route.deliveries, start=1):
        for client_id in step.clients:
            client: Client = by_id[client_id]
            lines.append(
                SheetLine(
                    order=order,
                    eta=clock(step.arrival_s) if step.arrival_s is not None else "",
                    client_id=client.id,
                    masked_name=mask_name(client.name),
                    address=client.address,
                    floor=client.floor,
                    lift=client.lift,
                    meals=dict(sorted(client.meals.items())),
                    notes=client.notes,
                )
            )
    return lines


def route_sheet_html(scenario: Scenario, route: Route, lang: str = "zh") -> str:
    """The printable sheet for one courier's route."""
    courier = next(c for c in scenario.couriers if c.id == route.courier)
    by_id = {c.id: c for c in scenario.clients}
    clients = [by_id[i] for s in route.deliveries for i in s.clients]
    return (
        _environment()
        .get_template("route_sheet.html")
        .render(
            t=LABELS[lang],
            lang=lang,
            variant=_variant(lang),
            scenario=scenario,
            courier=courier,
            leave=clock(route.steps[0].departure_s or 0),
            back=clock(route.steps[-1].arrival_s or 0),
            stops=len(route.deliveries),
            meals=meals_by_variant(clients),
            load=sum(c.meal_count for c in clients),
            lines=_lines(scenario, route),
        )
    )


def _variants(scenario: Scenario) -> list[str]:
    return sorted({v for c in scenario.clients for v in c.meals})


def kitchen_rows(scenario: Scenario, plan: Plan) -> list[dict[str, object]]:
    """Per route in loading order (last stop first), then route totals and the grand total."""
    variants = _variants(scenario)
    by_id = {c.id: c for c in scenario.clients}
    rows: list[dict[str, object]] = []
    everyone: list[Client] = []
    for route in plan.routes:
        served: list[Client] = []
        stops = list(enumerate(route.deliveries, start=1))
        for load_order, (stop_no, step) in enumerate(reversed(stops), start=1):
            for client_id in step.clients:
                client = by_id[client_id]
                served.append(client)
                counts = {v: client.meals.get(v, 0) for v in variants}
                rows.append(
                    {
                        "route": route.courier,
                        "load_order": load_order,
                        "stop": stop_no,
                        "client": client.id,
                        **counts,
                        "total": client.meal_count,
                    }
                )
        totals = meals_by_variant(served)
        rows.append(
            {
                "route": route.courier,
                "load_order": "",
                "stop": "",
                "client": "TOTAL",
                **{v: totals.get(v, 0) for v in variants},
                "total": sum(totals.values()),
            }
        )
        everyone += served
    grand = meals_by_variant(everyone)
    rows.append(
        {
            "route": "ALL",
            "load_order": "",
            "stop": "",
            "client": "TOTAL",
            **{v: grand.get(v, 0) for v in variants},
            "total": sum(grand.values()),
        }
    )
    return rows


def kitchen_csv(scenario: Scenario, plan: Plan) -> str:
    """``kitchen.csv``: meals by variant per client in loading order, per route and in total."""
    fields = ["route", "load_order", "stop", "client", *_variants(scenario), "total"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(kitchen_rows(scenario, plan))
    return buffer.getvalue()


def index_html(
    scenario: Scenario, plan: Plan, sheet_files: Sequence[tuple[str, str]], lang: str = "zh"
) -> str:
    """The day's overview: summary, kitchen totals, links to the sheets, who is not served."""
    figures = summary(scenario, plan)
    return (
        _environment()
        .get_template("index.html")
        .render(
            t=LABELS[lang],
            lang=lang,
            variant=_variant(lang),
            scenario=scenario,
            plan=plan,
            figures=figures,
            clock=clock,
            sheets=sheet_files,
            kitchen=[r for r in kitchen_rows(scenario, plan) if r["client"] == "TOTAL"],
            variants=_variants(scenario),
        )
    )
