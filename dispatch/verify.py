"""The independent plan checker: recompute every time from the travel model, check every rule.

It shares nothing with the solver. Given a scenario and a plan (ours, or made by hand),
it rebuilds each route's schedule from the travel matrices and the service-time rule and
reports every broken rule: unknown or doubly used couriers, clients served twice, missing
or unknown, stops mixing buildings, capacity, climbing, meals-ready and shift times,
client windows, food safety (door-to-door and cooked-to-door), and claimed times that do
not match the recomputed ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dispatch.matrix import travel_matrices
from dispatch.model import Client, Courier, Plan, Route, Scenario, Violation, clock
from dispatch.stops import building_sites, service_s

# Claimed times may differ from the recomputed ones by rounding only.
TIME_TOLERANCE_S = 1


@dataclass(frozen=True)
class _Leg:
    clients: tuple[Client, ...]
    travel_s: int
    service_s: int
    window_start_s: int
    window_end_s: int | None


def verify(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Every rule ``plan`` breaks for ``scenario``; an empty list means a valid plan."""
    clients = {c.id: c for c in scenario.clients}
    couriers = {c.id: c for c in scenario.couriers}
    found = _check_assignment(scenario, plan, clients, couriers)
    for route in plan.routes:
        courier = couriers.get(route.courier)
        if courier is None:
            continue
        stops = [[clients[i] for i in s.clients if i in clients] for s in route.deliveries]
        found += _check_stops(route, courier, stops)
        if all(stops) and all(len({c.building for c in s}) == 1 for s in stops):
            found += _check_schedule(scenario, route, courier, stops)
    return found


def _check_assignment(
    scenario: Scenario,
    plan: Plan,
    clients: dict[str, Client],
    couriers: dict[str, Courier],
) -> list[Violation]:
    found: list[Violation] = []
    used: set[str] = set()
    served: set[str] = set()
    for route in plan.routes:
        if route.courier not in couriers:
            found.append(
                Violation("unknown_courier", f"no courier '{route.courier}'", route.courier)
            )
        elif route.courier in used:
            found.append(Violation("courier_twice", "courier has two routes", route.courier))
        used.add(route.courier)
        for client_id in (i for s in route.deliveries for i in s.clients):
            if client_id not in clients:
                found.append(
                    Violation("unknown_client", "no such client", route.courier, client_id)
                )
            elif client_id in served:
                found.append(
                    Violation("served_twice", "client served twice", route.courier, client_id)
                )
            elif not clients[client_id].active_on(scenario.date):
                found.append(
                    Violation("inactive", "client not active today", route.courier, client_id)
                )
            served.add(client_id)
    reported = {u.client for u in plan.unassigned}
    for client in scenario.active_clients():
        if client.id not in served and client.id not in reported:
            found.append(Violation("missing", "neither served nor reported", client=client.id))
        if client.id in served and client.id in reported:
            found.append(
                Violation(
                    "served_and_unassigned", "served and reported unassigned", client=client.id
                )
            )
    return found


def _check_stops(route: Route, courier: Courier, stops: list[list[Client]]) -> list[Violation]:
    found: list[Violation] = []
    meals = sum(c.meal_count for stop in stops for c in stop)
    if meals > courier.capacity:
        found.append(
            Violation("capacity", f"{meals} meals, capacity {courier.capacity}", courier.id)
        )
    for step, stop in zip(route.deliveries, stops, strict=True):
        if not step.clients:
            found.append(Violation("empty_stop", "delivery step without clients", courier.id))
        elif len({c.building for c in stop}) > 1:
            found.append(Violation("mixed_stop", "one stop serves several buildings", courier.id))
        for client in stop:
            if not client.lift and not courier.climbs_to(client.floor):
                limit = courier.max_floor_no_lift
                message = f"floor {client.floor} without a lift, courier climbs to {limit}"
                found.append(Violation("climbing", message, courier.id, client.id))
    return found


def _legs(scenario: Scenario, courier: Courier, stops: list[list[Client]]) -> list[_Leg]:
    sites = building_sites(scenario.clients)
    points = [scenario.canteen.location] + [sites[stop[0].building] for stop in stops]
    matrix = travel_matrices(points, [courier.mode], scenario.settings)[courier.mode]
    legs = []
    for k, stop in enumerate(stops):
        windows = [c.window for c in stop if c.window]
        legs.append(
            _Leg(
                clients=tuple(stop),
                travel_s=int(matrix.time_s[k, k + 1]),
                service_s=service_s(stop, scenario.settings),
                window_start_s=max((w.start_s for w in windows), default=0),
                window_end_s=min((w.end_s for w in windows), default=None),
            )
        )
    return legs


def _latest_useful_departure(earliest_s: int, legs: Sequence[_Leg]) -> int:
    """Without a stated departure: leave as late as no window end is missed (less waiting)."""
    t, waited, delay = earliest_s, 0, None
    for leg in legs:
        arrival = t + leg.travel_s
        start = max(arrival, leg.window_start_s)
        waited += start - arrival
        if leg.window_end_s is not None:
            room = waited + leg.window_end_s - start
            delay = room if delay is None else min(delay, room)
        t = start + leg.service_s
    return earliest_s + max(0, min(waited, waited if delay is None else delay))


def _check_schedule(
    scenario: Scenario, route: Route, courier: Courier, stops: list[list[Client]]
) -> list[Violation]:
    ready = scenario.canteen.meals_ready_s
    legs = _legs(scenario, courier, stops)
    claimed = [s.arrival_s for s in route.deliveries]
    start_step = route.steps[0] if route.steps and route.steps[0].type == "start" else None
    stated = start_step.departure_s if start_step else None
    earliest = max(ready, courier.shift.start_s)
    departure = stated if stated is not None else _latest_useful_departure(earliest, legs)
    found: list[Violation] = []
    if departure < ready:
        found.append(
            Violation(
                "meals_ready",
                f"leaves at {clock(departure)}, meals ready {clock(ready)}",
                courier.id,
            )
        )
    if departure < courier.shift.start_s:
        found.append(
            Violation("shift", f"leaves at {clock(departure)}, before the shift", courier.id)
        )
    t = departure
    for leg, claim in zip(legs, claimed, strict=True):
        start = max(t + leg.travel_s, leg.window_start_s)
        done = start + leg.service_s
        found += _check_stop_times(scenario, courier, leg, start, done, departure)
        if claim is not None and abs(claim - start) > TIME_TOLERANCE_S:
            message = f"plan says arrival {claim} s, recomputed {start} s"
            found.append(Violation("time_mismatch", message, courier.id, leg.clients[0].id))
        t = done
    if t > courier.shift.end_s:
        found.append(
            Violation("shift", f"last hand-over ends {clock(t)}, after the shift", courier.id)
        )
    return found


def _check_stop_times(
    scenario: Scenario, courier: Courier, leg: _Leg, start: int, done: int, departure: int
) -> list[Violation]:
    settings = scenario.settings
    found: list[Violation] = []
    for client in leg.clients:
        if client.window and not client.window.contains(start):
            window = f"{clock(client.window.start_s)}–{clock(client.window.end_s)}"
            message = f"arrives {clock(start)}, window {window}"
            found.append(Violation("window", message, courier.id, client.id))
    if done - departure > settings.max_door_to_door_s:
        minutes = (done - departure) / 60
        message = f"{minutes:.1f} min canteen to door, limit {settings.max_door_to_door_s // 60}"
        for client in leg.clients:
            found.append(Violation("food_safety", message, courier.id, client.id))
    if done > scenario.canteen.meals_ready_s + settings.max_cooked_to_door_s:
        for client in leg.clients:
            found.append(
                Violation(
                    "cooked_to_door",
                    f"handed over {clock(done)}, past the limit",
                    courier.id,
                    client.id,
                )
            )
    return found
