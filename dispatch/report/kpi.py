"""Key figures of a plan: one name and one computation per figure, for every output.

The CLI table, ``plan.json``'s ``summary`` and routes, the what-if comparison and the API
all read their figures here. Units are in the names. A route's ``distance_m`` and
``travel_s`` count every leg it rides, relay hand-overs included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from dispatch.model import Client, Plan, Route
from dispatch.rules import stairs_floors

if TYPE_CHECKING:
    from dispatch.report.context import PlanContext

# A client whose hand-over has less slack than this is "late-risk".
LATE_RISK_S = 300


def meals_by_variant(clients: Iterable[Client]) -> dict[str, int]:
    """Meals per variant, variants sorted by name."""
    counts: Counter[str] = Counter()
    for client in clients:
        counts.update(client.meals)
    return dict(sorted(counts.items()))


def route_clients(clients: Mapping[str, Client], route: Route) -> list[Client]:
    """The clients whose doors this route reaches, in route order."""
    return [clients[i] for step in route.deliveries for i in step.clients if i in clients]


def is_relayed(route: Route) -> bool:
    """Whether the route is a grid worker's last leg from a relay point."""
    return bool(route.steps) and route.steps[0].type == "handover"


def route_distance_m(route: Route) -> int:
    """Metres ridden or walked: every leg to a door or to a relay point."""
    return sum(s.distance_m for s in route.steps)


def route_travel_s(route: Route) -> int:
    """Seconds on the move: every leg to a door or to a relay point."""
    return sum(s.travel_s for s in route.steps)


def route_duration_s(route: Route) -> int:
    """Seconds from the route's first step (leaving the canteen, or a hand-over) to its end."""
    if not route.steps:
        return 0
    first, last = route.steps[0], route.steps[-1]
    start = first.arrival_s if first.arrival_s is not None else first.departure_s or 0
    end = last.arrival_s if last.arrival_s is not None else last.departure_s or 0
    return max(0, end - start)


def left_canteen_s(plan: Plan, route: Route) -> int:
    """When this route's meals left the canteen (the rider's departure for a last leg)."""
    first = route.steps[0]
    if is_relayed(route) and first.partners:
        rider = next((r for r in plan.routes if r.courier == first.partners[0]), None)
        if rider is not None:
            return rider.steps[0].departure_s or 0
    return first.departure_s or 0


def door_to_door_s(plan: Plan, route: Route) -> int:
    """Longest time from the meals leaving the canteen to finishing a stop on this route."""
    left = left_canteen_s(plan, route)
    return max(((s.departure_s or 0) - left for s in route.deliveries), default=0)


def relayed_from(plan: Plan, rider: Route, relay_point: str | None) -> list[Route]:
    """The last legs that took meals over from ``rider`` (at ``relay_point``, if given)."""
    return [
        r
        for r in plan.routes
        if is_relayed(r)
        and r.steps[0].partners[:1] == (rider.courier,)
        and relay_point in (None, r.steps[0].relay_point)
    ]


def carried_clients(clients: Mapping[str, Client], plan: Plan, route: Route) -> list[Client]:
    """Whose meals this route carries: its own stops, and for a rider the relayed ones."""
    carried = route_clients(clients, route)
    if not is_relayed(route):
        for leg in relayed_from(plan, route, None):
            carried += route_clients(clients, leg)
    return carried


def floors_climbed(clients: Mapping[str, Client], route: Route) -> int:
    """Storeys climbed by stairs on the route (one climb per stop, to its top floor)."""
    return sum(
        stairs_floors([clients[i] for i in step.clients if i in clients])
        for step in route.deliveries
        if any(i in clients for i in step.clients)
    )


def handovers(plan: Plan) -> int:
    """Relay hand-overs, counted once (at the rider's end)."""
    return sum(len(r.handovers) for r in plan.routes if not is_relayed(r))


def client_couriers(plan: Plan) -> dict[str, str]:
    """Client id → the courier (or grid worker) who hands the meal over at the door."""
    return {i: r.courier for r in plan.routes for s in r.deliveries for i in s.clients}


def client_door_to_door_s(plan: Plan) -> dict[str, int]:
    """Client id → seconds from the meals leaving the canteen to the end of the client's stop."""
    out: dict[str, int] = {}
    for route in plan.routes:
        left = left_canteen_s(plan, route)
        for step in route.deliveries:
            out |= {i: (step.departure_s or 0) - left for i in step.clients}
    return out


def client_cooked_to_door_s(plan: Plan, meals_ready_s: int) -> dict[str, int]:
    """Client id → seconds from ``meals_ready`` (cooked) to the end of the client's stop."""
    return {
        i: (step.departure_s or 0) - meals_ready_s
        for route in plan.routes
        for step in route.deliveries
        for i in step.clients
    }


def client_food_safe_by_s(part: PlanContext) -> dict[str, int]:
    """Client id → the latest end of the client's stop the food-safety limits allow.

    The door-to-door limit since the meals left the canteen (the relay limit on a grid
    worker's last leg) and the cooked-to-door limit since ``meals_ready``, whichever is first.
    """
    plan, settings = part.plan, part.scenario.settings
    cooked_by_s = part.scenario.canteen.meals_ready_s + settings.max_cooked_to_door_s
    out: dict[str, int] = {}
    for route in plan.routes:
        limit_s = (
            settings.relay_max_door_to_door_s if is_relayed(route) else settings.max_door_to_door_s
        )
        by_s = min(left_canteen_s(plan, route) + limit_s, cooked_by_s)
        out |= {i: by_s for step in route.deliveries for i in step.clients}
    return out


def client_slack_s(part: PlanContext) -> dict[str, int]:
    """Client id → seconds to spare before the first limit the hand-over could break.

    The limits: the end of the client's window (for the service start, ``arrival_s``) and
    the food-safety limits of ``client_food_safe_by_s`` (for the stop's end).
    """
    safe_by_s, by_id = client_food_safe_by_s(part), part.clients
    out: dict[str, int] = {}
    for route in part.plan.routes:
        for step in route.deliveries:
            for i in step.clients:
                slack = safe_by_s[i] - (step.departure_s or 0)
                window = by_id[i].window if i in by_id else None
                if window is not None:
                    slack = min(slack, window.end_s - (step.arrival_s or 0))
                out[i] = slack
    return out


def late_risk_clients(slack_s: Mapping[str, int], under_s: int = LATE_RISK_S) -> dict[str, int]:
    """Served clients with less than ``under_s`` seconds of slack (client id → slack)."""
    return {i: s for i, s in slack_s.items() if s < under_s}


def plan_figures(parts: Sequence[PlanContext]) -> dict[str, Any]:
    """Key figures of a day planned as one or more parts (one part per canteen).

    ``hours_s`` counts every route from its first step to its end, ``floors_per_person_*``
    the storeys climbed by stairs per route (riders and walkers).
    """
    routes = [(part.clients, r) for part in parts for r in part.plan.routes]
    walker_ids = {w for part in parts for w in part.walkers}
    d2d = [v for part in parts for v in client_door_to_door_s(part.plan).values()]
    cooked = [
        v
        for part in parts
        for v in client_cooked_to_door_s(part.plan, part.scenario.canteen.meals_ready_s).values()
    ]
    floors = [floors_climbed(clients, r) for clients, r in routes]
    deliveries = [st for _, r in routes for st in r.deliveries]
    served = [c for clients, r in routes for c in route_clients(clients, r)]
    rider_routes = [r for _, r in routes if r.courier not in walker_ids]
    walker_routes = [r for _, r in routes if r.courier in walker_ids]
    return {
        "clients": sum(len(part.scenario.active_clients()) for part in parts),
        "served": len(served),
        "meals": sum(c.meal_count for c in served),
        "meals_by_variant": meals_by_variant(served),
        "unassigned": sum(len(part.plan.unassigned) for part in parts),
        "couriers_used": len(rider_routes),
        "walkers_used": len(walker_routes),
        "stops": len(deliveries),
        "distance_m": sum(route_distance_m(r) for _, r in routes),
        "travel_s": sum(route_travel_s(r) for _, r in routes),
        "hours_s": sum(route_duration_s(r) for _, r in routes),
        "rider_hours_s": sum(route_duration_s(r) for r in rider_routes),
        "walker_hours_s": sum(route_duration_s(r) for r in walker_routes),
        "latest_delivery_s": max((st.departure_s or 0 for st in deliveries), default=0),
        "door_to_door_mean_s": round(sum(d2d) / len(d2d)) if d2d else 0,
        "door_to_door_max_s": max(d2d, default=0),
        "cooked_to_door_mean_s": round(sum(cooked) / len(cooked)) if cooked else 0,
        "cooked_to_door_max_s": max(cooked, default=0),
        "floors_climbed": sum(floors),
        "floors_per_person_max": max(floors, default=0),
        "floors_per_person_spread": max(floors, default=0) - min(floors, default=0),
        "handovers": sum(handovers(part.plan) for part in parts),
        "late_risk": sum(len(late_risk_clients(client_slack_s(part))) for part in parts),
        "violations": sum(len(part.plan.violations) for part in parts),
        "not_scheduled": sum(len(part.plan.not_scheduled) for part in parts),
        **kept_courier(parts),
    }


def kept_courier(parts: Sequence[PlanContext]) -> dict[str, int]:
    """``kept_courier`` of ``kept_courier_of``: served clients with a preferred courier
    (their usual one, or the earlier plan's, working today) whom that courier serves."""
    kept = of = 0
    for part in parts:
        preferred = part.scenario.preferred_couriers()
        for client, courier in client_couriers(part.plan).items():
            if client in preferred:
                of += 1
                kept += preferred[client] == courier
    return {"kept_courier": kept, "kept_courier_of": of}


def summary(part: PlanContext) -> dict[str, object]:
    """The plan's ``summary`` block: the key figures, the weather and the fleet available."""
    return {
        **plan_figures([part]),
        "weather": part.scenario.weather,
        "couriers_available": len(part.scenario.couriers),
    }


def cost_figures(
    figures: Mapping[str, Any],
    *,
    per_courier_hour: float = 0.0,
    per_walker_hour: float = 0.0,
    per_km: float = 0.0,
    per_courier: float = 0.0,
) -> dict[str, float]:
    """The day's cost from ``plan_figures`` and unit costs, and the cost per meal served."""
    total = (
        per_courier_hour * figures["rider_hours_s"] / 3600
        + per_walker_hour * figures["walker_hours_s"] / 3600
        + per_km * figures["distance_m"] / 1000
        + per_courier * figures["couriers_used"]
    )
    meals = figures["meals"]
    return {"cost": round(total, 2), "cost_per_meal": round(total / meals, 2) if meals else 0.0}


def plan_diff(
    base: Sequence[PlanContext], other: Sequence[PlanContext]
) -> dict[str, list[dict[str, Any]]]:
    """What changed for clients from ``base`` to ``other`` (each one or more parts).

    ``changed_courier``: served in both, by someone else at the door; ``newly_unassigned``:
    unassigned in ``other`` but not in ``base``; ``newly_late_risk``: under
    ``LATE_RISK_S`` of slack in ``other`` but not in ``base``. Lists are sorted by client id.
    """
    before = {k: v for part in base for k, v in client_couriers(part.plan).items()}
    after = {k: v for part in other for k, v in client_couriers(part.plan).items()}
    was_out = {u.client for part in base for u in part.plan.unassigned}
    was_risky = {k for part in base for k in late_risk_clients(client_slack_s(part))}
    risky = {k: v for part in other for k, v in late_risk_clients(client_slack_s(part)).items()}
    return {
        "changed_courier": [
            {"client": k, "from": before[k], "to": after[k]}
            for k in sorted(before.keys() & after.keys())
            if before[k] != after[k]
        ],
        "newly_unassigned": [
            {"client": u.client, "code": u.code, "reason": u.reason_en, "reason_zh": u.reason_zh}
            for u in sorted(
                (u for part in other for u in part.plan.unassigned), key=lambda u: u.client
            )
            if u.client not in was_out
        ],
        "newly_late_risk": [
            {"client": k, "slack_s": risky[k]} for k in sorted(risky) if k not in was_risky
        ],
    }
