"""Printable papers: one route sheet per courier, the kitchen's count, an index page.

A route sheet shows only what a courier needs at the door: order, time and time limit,
address, floor and how the meal goes up, meals by variant, notes, the client's id with a
masked name, and whom to call in an emergency (the station, the client's social worker).
No client's phone number, no groups or disabilities: phone-like numbers written into
notes are masked too (``mask_numbers``). Labels come from ``dispatch.messages``.
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

from dispatch.messages import has_text, labels, text
from dispatch.model import Client, Contact, Route, Scenario, Step, clock
from dispatch.report.context import PlanContext
from dispatch.report.fonts import CSS_FAMILIES
from dispatch.report.kpi import (
    carried_clients,
    client_food_safe_by_s,
    is_relayed,
    meals_by_variant,
    relayed_from,
    route_clients,
    summary,
)
from dispatch.report.maps import overview_svg, route_map_svg

LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class SheetLine:
    """One row of a route sheet: a client at a stop, or a relay hand-over.

    ``due`` is the client's window, else the food-safety "deliver by" time; ``access`` how
    the meal goes up: ``ground``, ``lift``, ``helper`` (someone takes it up) or ``stairs``.
    """

    order: int
    eta: str
    address: str
    meals: dict[str, int]
    kind: str = "delivery"
    client_id: str = ""
    masked_name: str = ""
    floor: int = 1
    access: str = "ground"
    due: str = ""
    social_worker: str = ""
    notes: str = ""
    partners: str = ""
    estimated: bool = False
    first_of_stop: bool = True


def mask_name(name: str) -> str:
    """Keep the first character: enough to greet, too little to identify (钟伯伯 → 钟**)."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


# Seven or more digits in a row, even split by spaces, dashes, dots or brackets, with an
# optional leading + or bracket: mobiles (138 1234 5678), landlines with their area code
# ((020) 8123-4567, 0757-81234567), +86 prefixes, and any other long number.
PHONE_LIKE = re.compile(r"[+＋]?[(（]?\d(?:[\s\-‐–—.·()（）]{0,2}\d){6,}[)）]?")


def mask_numbers(notes: str, lang: str = "zh") -> str:
    """A note with every phone-like number replaced by a marker: a courier needs none."""
    return PHONE_LIKE.sub(labels("paper.", lang)["number_hidden"], notes)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dispatch.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(template: str, part: PlanContext, lang: str, **context: Any) -> str:
    """Render ``template`` with the labels, weather and meal names of ``lang``."""
    return (
        _environment()
        .get_template(template)
        .render(
            t=labels("paper.", lang),
            lang=lang,
            variant=variant_namer(part.scenario, lang),
            weather=getattr(text(f"weather.{part.scenario.weather}"), lang),
            fonts=Markup(CSS_FAMILIES),
            **context,
        )
    )


def variant_namer(scenario: Scenario, lang: str) -> Callable[[str], str]:
    """Variant key → printed name: the scenario's ``meal_labels``, the built-in name, the key."""

    def name(key: str) -> str:
        if key in scenario.meal_labels:
            return str(getattr(scenario.meal_labels[key], lang))
        return getattr(text(f"variant.{key}"), lang) if has_text(f"variant.{key}") else key

    return name


def _worker_name(part: PlanContext, worker_id: str) -> str:
    """A worker by name with the id beside it (``王姐 (g02)``), the id alone without a name."""
    worker = part.workers.get(worker_id)
    return f"{worker.name} ({worker_id})" if worker and worker.name else worker_id


def _access(client: Client) -> str:
    """How the meal reaches the door: on the ground floor no lift, helper or stairs matters."""
    if client.floor <= 1:
        return "ground"
    if client.helper:
        return "helper"
    return "lift" if client.lift else "stairs"


def _due(client: Client, safe_by_s: int, lang: str) -> str:
    if client.window is not None:
        return f"{clock(client.window.start_s)}–{clock(client.window.end_s)}"
    return getattr(text("paper.deliver_by", time=clock(safe_by_s)), lang)


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
        partners=", ".join(_worker_name(part, p) for p in step.partners),
    )


def sheet_lines(part: PlanContext, route: Route, lang: str) -> list[SheetLine]:
    """The rows of ``route``'s sheet, in order (the courier's page shows the same)."""
    lines: list[SheetLine] = []
    safe_by_s = client_food_safe_by_s(part)
    stops = [s for s in route.steps if s.type in ("delivery", "handover")]
    # A client's social worker is named on a row only when the route's clients have several,
    # and only where it changes from the row above (the header gives every phone).
    workers = {c.social_worker for c in route_clients(part.clients, route)}
    by_id = part.scenario.contacts.social_workers if len(workers) > 1 else {}
    above = ""
    for order, step in enumerate(stops, start=1):
        if step.type == "handover":
            lines.append(_handover_line(part, route, order, step))
            continue
        first_address = part.clients[step.clients[0]].address if step.clients else ""
        for k, client_id in enumerate(step.clients):
            client: Client = part.clients[client_id]
            worker = by_id.get(client.social_worker) if client.social_worker != above else None
            above = client.social_worker
            lines.append(
                SheetLine(
                    order=order,
                    eta=clock(step.arrival_s) if step.arrival_s is not None else "",
                    address=client.address if k == 0 else same_building(first_address, client),
                    meals=dict(sorted(client.meals.items())),
                    client_id=client.id,
                    masked_name=mask_name(client.name),
                    floor=client.floor,
                    access=_access(client),
                    due=_due(client, safe_by_s[client_id], lang),
                    social_worker=worker.name if worker else "",
                    notes=mask_numbers(client.notes, lang),
                    estimated=step.estimated,
                    first_of_stop=k == 0,
                )
            )
    return lines


def same_building(first: str, client: Client) -> str:
    """A later client's address at a stop: only what differs from the first's (``1座1403房``).

    The shared part is cut back to before a run of digits, so a room number stays whole.
    """
    address = client.address
    pairs = zip(first, address, strict=False)
    shared = next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(first), len(address)))
    while 0 < shared < len(address) and address[shared - 1].isdigit():
        shared -= 1
    return "… " + address[shared:] if shared >= 4 and shared < len(address) else address


def sheet_contacts(part: PlanContext, route: Route) -> list[tuple[str, Contact]]:
    """The station, then the social workers of this route's clients: (label key, contact)."""
    contacts = part.scenario.contacts
    found: list[tuple[str, Contact]] = [("station", contacts.station)] if contacts.station else []
    ids = dict.fromkeys(c.social_worker for c in route_clients(part.clients, route))
    found += [("social_worker", contacts.social_workers[i]) for i in ids if i]
    return found


# The A4 page inside its margins, and what the sheet's parts take of it (measured in
# WeasyPrint at 10 pt): the map gets the rest, so a sheet of up to 20 rows is one page.
PAGE_HEIGHT_MM = 277.0
HEADER_MM = 36.0
CONTACTS_MM = 6.0
ROW_MM = 9.8
MAP_MM = (40.0, 115.0)


def map_height_mm(rows: int, contacts: bool) -> float:
    """The route map's height that keeps a sheet of ``rows`` table rows on one page."""
    rest = PAGE_HEIGHT_MM - HEADER_MM - (CONTACTS_MM if contacts else 0.0) - ROW_MM * rows
    return round(min(max(rest, MAP_MM[0]), MAP_MM[1]), 1)


def sheet_map_mm(part: PlanContext, route: Route) -> float:
    """The height of the route map on ``route``'s sheet (``map_height_mm`` of its rows)."""
    return map_height_mm(len(sheet_lines(part, route, "en")), bool(sheet_contacts(part, route)))


def route_sheet_html(
    part: PlanContext, route: Route, lang: str = "zh", map_mm: float | None = None
) -> str:
    """The printable sheet for one courier's or grid worker's route, one A4 page for up to
    20 rows; ``map_mm`` overrides the route map's height (``map_height_mm``)."""
    carried = carried_clients(part.clients, part.plan, route)
    lines = sheet_lines(part, route, lang)
    contacts = sheet_contacts(part, route)
    height_mm = map_mm if map_mm is not None else sheet_map_mm(part, route)
    return _render(
        "route_sheet.html",
        part,
        lang,
        scenario=part.scenario,
        courier=part.workers[route.courier],
        contacts=contacts,
        leave=clock(route.steps[0].departure_s or 0),
        back=clock(route.steps[-1].arrival_s or 0),
        stops=len(route.deliveries) + len(route.handovers),
        meals=meals_by_variant(carried),
        load=sum(c.meal_count for c in carried),
        lines=lines,
        map_height_mm=height_mm,
        map_svg=Markup(route_map_svg(part, route, lang, height_mm)),
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
    """``kitchen.csv``: meals by variant per client in loading order, per route and in total.

    UTF-8 with a BOM: Excel on Chinese Windows reads a CSV without one as GBK (garbled).
    """
    fields = ["route", "load_order", "stop", "via", "client", *part.variants, "total"]
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(kitchen_rows(part))
    return buffer.getvalue()


def index_html(
    part: PlanContext,
    sheet_files: Sequence[tuple[str, str]],
    lang: str = "zh",
    pdf: str | None = None,
) -> str:
    """The day's overview for the manager: summary, kitchen totals, the overview map, links
    to the sheets, and who is not served with name, phone, address and reason (to call)."""
    return _render(
        "index.html",
        part,
        lang,
        scenario=part.scenario,
        plan=part.plan,
        figures=summary(part),
        clock=clock,
        sheets=[(_worker_name(part, courier), file) for courier, file in sheet_files],
        kitchen=[r for r in kitchen_rows(part) if r["client"] == "TOTAL"],
        variants=part.variants,
        unassigned=[(u, part.clients.get(u.client)) for u in part.plan.unassigned],
        overview_svg=Markup(overview_svg(part, lang)),
        pdf=pdf,
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
                    "rider": _worker_name(part, route.courier),
                    "walkers": ", ".join(_worker_name(part, p) for p in step.partners),
                    "meals": meals_by_variant(
                        c for leg in legs for c in route_clients(part.clients, leg)
                    ),
                    "leave": ", ".join(clock(leg.steps[0].departure_s or 0) for leg in legs),
                }
            )
    rows.sort(key=lambda r: (r["point"].id, r["time"]))
    return _render("relays.html", part, lang, scenario=part.scenario, rows=rows)
