"""The courier's page: one route of one plan on a phone (``/c/<token>``), and where it sends
what happened at each door (``POST /c/<token>/outcomes``).

The signed token (``dispatch.service.courier_links``) is the only credential: no login, the
plan's day only, that route alone. The page shows the route sheet's rows (masked names, no
client's phone), calls to the station and the social workers, a map link per stop in the
coordinates AMap and Baidu expect, and the outcome buttons. ``courier.js`` keeps every
outcome in the phone's storage until the server has answered for its id, so a weak network
loses nothing and a resend is counted once (``record_outcomes`` is idempotent by id).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, render_template, url_for

from dispatch.errors import NotFoundError
from dispatch.messages import text
from dispatch.model import Location, clock
from dispatch.report.context import PlanContext
from dispatch.report.sheets import SheetLine, sheet_contacts, sheet_lines, variant_namer
from dispatch.service.courier_links import RouteLink, make_token, read_token
from dispatch.service.http import json_body, services
from dispatch.service.outcome_items import CONCERNS, OUTCOMES, PLANNING_ZONE
from dispatch.service.outcomes import outcomes_of, record_outcomes
from dispatch.service.store import utcnow
from dispatch.service.tables import PlanRow
from dispatch.service.views.outcomes import batch_of
from dispatch.service.views.plans import plan_context
from dispatch.service.views.web.common import lang, web_blueprint
from dispatch.travel.geo import from_wgs84

bp = web_blueprint("web_courier", public=True)
# The page's POST answers JSON (the app's error table) and needs no CSRF token: the signed
# link in its path, not a cookie, is what lets it in.
api_bp = Blueprint("courier_api", __name__)


@dataclass(frozen=True)
class Stop:
    """A stop of the page: its sheet rows (the doors, or one relay hand-over) and map links."""

    order: int
    eta: str
    address: str
    kind: str
    lines: list[SheetLine]
    amap: str
    baidu: str


def courier_link(plan_id: str, route: int, date: str) -> str:
    """The address of route ``route`` of plan ``plan_id`` for its courier's phone."""
    token = make_token(current_app.config["SECRET_KEY"], RouteLink(plan_id, route, date))
    return url_for("web_courier.route_page", token=token, _external=True)


def _opened(token: str) -> tuple[RouteLink, PlanRow]:
    """The route and plan a token opens today; "not valid" for a plan gone or unfinished."""
    link = read_token(current_app.config["SECRET_KEY"], token, utcnow())
    try:
        row = services().store.get_plan(link.plan)
    except NotFoundError:
        row = None
    routes = (row.plan or {}).get("routes", []) if row is not None else []
    if row is None or row.status != "done" or not 0 <= link.route < len(routes):
        raise NotFoundError("token", text("courier_link_unknown"))
    return link, row


def map_links(location: Location, name: str) -> tuple[str, str]:
    """AMap's and Baidu's marker URIs for ``location``, in GCJ-02 and BD-09 as they expect."""
    gcj_lat, gcj_lon = from_wgs84(location, "gcj02")
    bd_lat, bd_lon = from_wgs84(location, "bd09")
    amap = "https://uri.amap.com/marker?" + urlencode(
        {
            "position": f"{gcj_lon:.6f},{gcj_lat:.6f}",
            "name": name,
            "coordinate": "gaode",
            "callnative": 1,
        }
    )
    baidu = "https://api.map.baidu.com/marker?" + urlencode(
        {
            "location": f"{bd_lat:.6f},{bd_lon:.6f}",
            "title": name,
            "content": name,
            "output": "html",
            "coord_type": "bd09ll",
            "src": "nuanliu.dispatch",
        }
    )
    return amap, baidu


def _stops(part: PlanContext, index: int) -> Iterator[Stop]:
    route = part.plan.routes[index]
    places = [s for s in route.steps if s.type in ("delivery", "handover")]
    lines = sheet_lines(part, route, lang())
    for order, group in groupby(lines, key=lambda line: line.order):
        rows = list(group)
        step = places[order - 1]
        where = step.location or part.clients[step.clients[0]].location
        amap, baidu = map_links(where, rows[0].address)
        yield Stop(order, rows[0].eta, rows[0].address, rows[0].kind, rows, amap, baidu)


@bp.get("/c/<token>")
def route_page(token: str) -> Any:
    link, row = _opened(token)
    part = plan_context(row)
    route = part.plan.routes[link.route]
    stops = list(_stops(part, link.route))
    doors = {line.client_id for stop in stops for line in stop.lines if line.client_id}
    marked = {
        r.client: {"outcome": r.outcome, "time": r.at.astimezone(PLANNING_ZONE).strftime("%H:%M")}
        for r in outcomes_of(services().store, plan_id=link.plan)
        if r.client in doors
    }
    return render_template(
        "courier.html",
        link=link,
        courier=part.workers[route.courier],
        leave=clock(route.steps[0].departure_s or 0),
        back=clock(route.steps[-1].arrival_s or 0),
        contacts=sheet_contacts(part, route),
        stops=stops,
        marked=marked,
        outcomes=OUTCOMES,
        concerns=CONCERNS,
        meal=variant_namer(part.scenario, lang()),
        post_url=url_for("courier_api.post_outcomes", token=token),
    )


@api_bp.post("/c/<token>/outcomes")
def post_outcomes(token: str) -> Any:
    """One outcome or ``{"outcomes": [...]}`` of the link's route, as ``POST
    /v1/plans/<id>/outcomes`` takes them; a client of another route is refused."""
    link, row = _opened(token)
    items, field = batch_of(json_body())
    courier = (row.plan or {})["routes"][link.route]["courier"]
    recorded = record_outcomes(
        services().store,
        link.plan,
        items,
        recorded_by=f"courier:{courier}",
        route=link.route,
        field=field,
    )
    return jsonify(recorded.as_dict())
