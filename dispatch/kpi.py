"""Key figures of a plan: the summary block, per-route totals, meal counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from dispatch.model import Client, Plan, Route, Scenario
from dispatch.stops import stairs_floors


def meals_by_variant(clients: Iterable[Client]) -> dict[str, int]:
    """Meals per variant, variants sorted by name."""
    counts: Counter[str] = Counter()
    for client in clients:
        counts.update(client.meals)
    return dict(sorted(counts.items()))


def route_clients(scenario: Scenario, route: Route) -> list[Client]:
    by_id = {c.id: c for c in scenario.clients}
    return [by_id[i] for step in route.deliveries for i in step.clients if i in by_id]


def is_relayed(route: Route) -> bool:
    """Whether the route is a grid worker's last leg from a relay point."""
    return bool(route.steps) and route.steps[0].type == "handover"


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


def carried_clients(scenario: Scenario, plan: Plan, route: Route) -> list[Client]:
    """Whose meals this route carries: its own stops, and for a rider the relayed ones."""
    carried = route_clients(scenario, route)
    if not is_relayed(route):
        for leg in relayed_from(plan, route, None):
            carried += route_clients(scenario, leg)
    return carried


def floors_climbed(scenario: Scenario, route: Route) -> int:
    """Storeys climbed by stairs on the route (one climb per stop, to its top floor)."""
    by_id = {c.id: c for c in scenario.clients}
    return sum(
        stairs_floors([by_id[i] for i in step.clients if i in by_id])
        for step in route.deliveries
        if any(i in by_id for i in step.clients)
    )


def summary(scenario: Scenario, plan: Plan) -> dict[str, object]:
    """The plan's ``summary`` block (units in the names)."""
    active = scenario.active_clients()
    served = [c for r in plan.routes for c in route_clients(scenario, r)]
    deliveries = [s for r in plan.routes for s in r.deliveries]
    walkers = {w.id for w in scenario.walkers}
    climbed = [floors_climbed(scenario, r) for r in plan.routes]
    return {
        "clients": len(active),
        "served": len(served),
        "unassigned": len(plan.unassigned),
        "weather": scenario.weather,
        "couriers_used": sum(r.courier not in walkers for r in plan.routes),
        "couriers_available": len(scenario.couriers),
        "walkers_used": sum(r.courier in walkers for r in plan.routes),
        "handovers": sum(len(r.handovers) for r in plan.routes if not is_relayed(r)),
        "stops": len(deliveries),
        "meals": meals_by_variant(served),
        "travel_s": sum(s.travel_s for s in deliveries),
        "distance_m": sum(s.distance_m for s in deliveries),
        "max_door_to_door_s": max((door_to_door_s(plan, r) for r in plan.routes), default=0),
        "latest_delivery_s": max((s.departure_s or 0 for s in deliveries), default=0),
        "floors_climbed": sum(climbed),
        "floors_climbed_max": max(climbed, default=0),
        "violations": len(plan.violations),
    }
