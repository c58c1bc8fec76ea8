"""Key figures of a plan: the summary block, per-route totals, meal counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from dispatch.model import Client, Plan, Route, Scenario


def meals_by_variant(clients: Iterable[Client]) -> dict[str, int]:
    """Meals per variant, variants sorted by name."""
    counts: Counter[str] = Counter()
    for client in clients:
        counts.update(client.meals)
    return dict(sorted(counts.items()))


def route_clients(scenario: Scenario, route: Route) -> list[Client]:
    by_id = {c.id: c for c in scenario.clients}
    return [by_id[i] for step in route.deliveries for i in step.clients if i in by_id]


def door_to_door_s(route: Route) -> int:
    """Longest time from leaving the canteen to finishing a stop on this route."""
    departure = route.steps[0].departure_s or 0
    return (
        max((s.departure_s or 0) - departure for s in route.deliveries) if route.deliveries else 0
    )


def floors_climbed(scenario: Scenario, route: Route) -> int:
    """Storeys climbed by stairs on the route (one climb per stop, to its top floor)."""
    by_id = {c.id: c for c in scenario.clients}
    total = 0
    for step in route.deliveries:
        stairs = [by_id[i].floor for i in step.clients if i in by_id and not by_id[i].lift]
        total += max(stairs, default=1) - 1
    return total


def summary(scenario: Scenario, plan: Plan) -> dict[str, object]:
    """The plan's ``summary`` block (units in the names)."""
    active = scenario.active_clients()
    served = [c for r in plan.routes for c in route_clients(scenario, r)]
    deliveries = [s for r in plan.routes for s in r.deliveries]
    return {
        "clients": len(active),
        "served": len(served),
        "unassigned": len(plan.unassigned),
        "couriers_used": len(plan.routes),
        "couriers_available": len(scenario.couriers),
        "stops": len(deliveries),
        "meals": meals_by_variant(served),
        "travel_s": sum(s.travel_s for s in deliveries),
        "distance_m": sum(s.distance_m for s in deliveries),
        "max_door_to_door_s": max((door_to_door_s(r) for r in plan.routes), default=0),
        "latest_departure_s": max((s.departure_s or 0 for s in deliveries), default=0),
        "floors_climbed": sum(floors_climbed(scenario, r) for r in plan.routes),
        "violations": len(plan.violations),
    }
