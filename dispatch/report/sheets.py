"""Printable papers: one route sheet per courier, the kitchen's count, an index page.

A route sheet shows only what a courier needs at the door: order, time, address, floor
and lift, meals by variant, notes, and the client's id with a masked name. No phone
numbers, no groups or disabilities: phone-like numbers written into notes are masked too
(``mask_numbers``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import takewhile
from typing import Any

import jinja2
from markupsafe import Markup

from dispatch.model import Client, Route, Step, clock
from dispatch.report.context import PlanContext
from dispatch.report.kpi import (
    carried_clients,
    is_relayed,
    meals_by_variant,
    relayed_from,
    route_clients,
    summary,
)
from dispatch.report.maps import route_map_svg

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
        "handover_to": "接力点交接给",
        "pickup_from": "接力点接餐，来自骑手",
        "relay_schedule": "接力点交接时间表",
        "relay_point": "接力点",
        "rider": "骑手",
        "walkers": "网格员",
        "walker_leaves": "网格员出发",
        "weather": "天气",
        "estimated": "该站点离道路较远，到达时间按直线距离估算",
        "number_hidden": "[号码已隐去]",
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
        "handover_to": "Relay hand-over to",
        "pickup_from": "Relay pick-up from rider",
        "relay_schedule": "Relay hand-over schedule",
        "relay_point": "Relay point",
        "rider": "Rider",
        "walkers": "Grid workers",
        "walker_leaves": "Walkers leave",
        "weather": "Weather",
        "estimated": "stop far from any road: its time is estimated from the straight line",
        "number_hidden": "[number hidden]",
    },
}

VARIANT_NAMES: dict[str, dict[str, str]] = {
    "zh": {"regular": "普通餐", "low_salt": "低盐餐", "soft": "软食", "diabetic": "糖尿病餐"},
    "en": {"regular": "regular", "low_salt": "low-salt", "soft": "soft", "diabetic": "diabetic"},
}


@dataclass(frozen=True)
class SheetLine:
    """One row of a route sheet: a client at a stop, or a relay hand-over."""

    order: int
    eta: str
    address: str
    meals: dict[str, int]
    kind: str = "delivery"
    client_id: str = ""
    masked_name: str = ""
    floor: int = 1
    lift: bool = False
    notes: str = ""
    partners: str = ""
    estimated: bool = False


def mask_name(name: str) -> str:
    """Keep the first character: enough to greet, too little to identify (钟伯伯 → 钟**)."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


# Seven or more digits in a row, even split by spaces, dashes, dots or brackets, with an
# optional leading + or bracket: mobiles (138 1234 5678), landlines with their area code
# ((020) 8123-4567, 0757-81234567), +86 prefixes, and any other long number.
PHONE_LIKE = re.compile(r"[+＋]?[(（]?\d(?:[\s\-‐–—.·()（）]{0,2}\d){6,}[)）]?")


def mask_numbers(notes: str, lang: str = "zh") -> str:
    """A note with every phone-like number replaced by a marker: a courier needs none."""
    return PHONE_LIKE.sub(LABELS[lang]["number_hidden"], notes)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dispatch.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(template: str, lang: str, **context: Any) -> str:
    """Render ``template`` with the labels and variant names of ``lang``."""
    return (
        _environment()
        .get_template(template)
        .render(t=LABELS[lang], lang=lang, variant=_variant(lang), **context)
    )


def _variant(lang: str) -> Callable[[str], str]:
    names = VARIANT_NAMES[lang]
    return lambda key: names.get(key, key)


def _trip_clients(part: PlanContext, route: Route, pick_up: Step) -> list[Client]:
    """The clients of the trip a grid worker's ``pick_up`` at the relay point starts."""
    after = route.steps[route.steps.index(pick_up) + 1 :]
    trip = takewhile(lambda s: s.type != "handover", after)
    return [part.clients[i] for s in trip for i in s.clients if i in part.clients]


def _handover_line(part: PlanContext, route: Route, order: int, step: Step) -> SheetLine:
    point = part.relay_points.get(step.relay_point or "")
    if is_relayed(route):
        meals = meals_by_variant(_trip_clients(part, route, step))
    else:
        legs = relayed_from(part.plan, route, step.relay_point)
        meals = meals_by_variant(c for leg in legs for c in route_clients(part.clients, leg))
    return SheetLine(
        order=order,
        eta=clock(step.arrival_s) if step.arrival_s is not None else "",
        address=point.name if point else step.relay_point or "",
        meals=meals,
        kind="pickup" if is_relayed(route) else "handover",
        partners=", ".join(step.partners),
    )


def _lines(part: PlanContext, route: Route, lang: str) -> list[SheetLine]:
    lines: list[SheetLine] = []
    stops = [s for s in route.steps if s.type in ("delivery", "handover")]
    for order, step in enumerate(stops, start=1):
        if step.type == "handover":
            lines.append(_handover_line(part, route, order, step))
            continue
        for client_id in step.clients:
            client: Client = part.clients[client_id]
            lines.append(
                SheetLine(
                    order=order,
                    eta=clock(step.arrival_s) if step.arrival_s is not None else "",
                    address=client.address,
                    meals=dict(sorted(client.meals.items())),
                    client_id=client.id,
                    masked_name=mask_name(client.name),
                    floor=client.floor,
                    lift=client.lift or client.helper,
                    notes=mask_numbers(client.notes, lang),
                    estimated=step.estimated,
                )
            )
    return lines


def route_sheet_html(part: PlanContext, route: Route, lang: str = "zh") -> str:
    """The printable sheet for one courier's or grid worker's route."""
    carried = carried_clients(part.clients, part.plan, route)
    return _render(
        "route_sheet.html",
        lang,
        scenario=part.scenario,
        courier=part.workers[route.courier],
        leave=clock(route.steps[0].departure_s or 0),
        back=clock(route.steps[-1].arrival_s or 0),
        stops=len(route.deliveries) + len(route.handovers),
        meals=meals_by_variant(carried),
        load=sum(c.meal_count for c in carried),
        lines=_lines(part, route, lang),
        map_svg=Markup(route_map_svg(part, route)),
    )


def _packing(part: PlanContext, route: Route) -> list[tuple[int, str, Client]]:
    """(stop number, via whom, client) for everything a rider loads, last stop first."""
    stops = [s for s in route.steps if s.type in ("delivery", "handover")]
    packed: list[tuple[int, str, Client]] = []
    for stop_no, step in reversed(list(enumerate(stops, start=1))):
        if step.type == "delivery":
            packed += [(stop_no, "", part.clients[i]) for i in step.clients]
            continue
        for leg in relayed_from(part.plan, route, step.relay_point):
            packed += [(stop_no, leg.courier, c) for c in route_clients(part.clients, leg)]
    return packed


def kitchen_rows(part: PlanContext) -> list[dict[str, object]]:
    """Per rider in loading order (last stop first), route totals, then the grand total.

    Meals for a relay point are packed with the rider who takes them there; ``via``
    names the grid worker who walks them to the door.
    """
    variants = part.variants
    rows: list[dict[str, object]] = []
    everyone: list[Client] = []
    for route in (r for r in part.plan.routes if not is_relayed(r)):
        packed = _packing(part, route)
        for load_order, (stop_no, via, client) in enumerate(packed, start=1):
            counts = {v: client.meals.get(v, 0) for v in variants}
            rows.append(
                {
                    "route": route.courier,
                    "load_order": load_order,
                    "stop": stop_no,
                    "via": via,
                    "client": client.id,
                    **counts,
                    "total": client.meal_count,
                }
            )
        served = [c for _, _, c in packed]
        rows.append(_total_row(route.courier, variants, served))
        everyone += served
    rows.append(_total_row("ALL", variants, everyone))
    return rows


def _total_row(route: str, variants: list[str], clients: list[Client]) -> dict[str, object]:
    totals = meals_by_variant(clients)
    return {
        "route": route,
        "load_order": "",
        "stop": "",
        "via": "",
        "client": "TOTAL",
        **{v: totals.get(v, 0) for v in variants},
        "total": sum(totals.values()),
    }


def kitchen_csv(part: PlanContext) -> str:
    """``kitchen.csv``: meals by variant per client in loading order, per route and in total."""
    fields = ["route", "load_order", "stop", "via", "client", *part.variants, "total"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(kitchen_rows(part))
    return buffer.getvalue()


def index_html(part: PlanContext, sheet_files: Sequence[tuple[str, str]], lang: str = "zh") -> str:
    """The day's overview: summary, kitchen totals, links to the sheets, who is not served."""
    return _render(
        "index.html",
        lang,
        scenario=part.scenario,
        plan=part.plan,
        figures=summary(part),
        clock=clock,
        sheets=sheet_files,
        kitchen=[r for r in kitchen_rows(part) if r["client"] == "TOTAL"],
        variants=part.variants,
    )


def relay_schedule_html(part: PlanContext, lang: str = "zh") -> str:
    """Per relay point: when which rider hands how many meals to which grid workers."""
    rows: list[dict[str, Any]] = []
    for route in (r for r in part.plan.routes if not is_relayed(r)):
        for step in route.handovers:
            legs = relayed_from(part.plan, route, step.relay_point)
            rows.append(
                {
                    "point": part.relay_points[step.relay_point or ""],
                    "time": clock(step.arrival_s or 0),
                    "rider": route.courier,
                    "walkers": ", ".join(step.partners),
                    "meals": meals_by_variant(
                        c for leg in legs for c in route_clients(part.clients, leg)
                    ),
                    "leave": ", ".join(clock(leg.steps[0].departure_s or 0) for leg in legs),
                }
            )
    rows.sort(key=lambda r: (r["point"].id, r["time"]))
    return _render("relays.html", lang, scenario=part.scenario, rows=rows)
