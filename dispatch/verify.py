"""The independent plan checker: recompute every time from the travel model, check every rule.

It shares nothing with the solver. Given a scenario and a plan (ours, or made by hand),
it rebuilds each route's schedule from the travel matrices, the weather in force and the
service-time rule, and reports every broken rule: unknown or doubly used workers,
clients served twice, missing or unknown, stops mixing buildings, capacity, climbing,
meals-ready and shift times, client windows, food safety (door-to-door across both legs
of a relay, and cooked-to-door), relay hand-overs (rider and walker meet at an open
relay point, the walker leaves after the hand-over, the rider waits a bounded time, the
point's capacity holds) and claimed times that do not match the recomputed ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dispatch.model import Client, Courier, Location, Plan, Route, Scenario, Step, Violation, clock
from dispatch.rules import building_sites, relay_handover_s, service_s, stairs_floors
from dispatch.travel.conditions import Conditions
from dispatch.travel.matrices import TravelModel

# Claimed times may differ from the recomputed ones by rounding only.
TIME_TOLERANCE_S = 1


@dataclass(frozen=True)
class _Visit:
    """One step after the first, as the verifier sees it."""

    step: Step
    clients: tuple[Client, ...]
    location: Location
    arrive_s: int
    service_s: int
    window_start_s: int
    window_end_s: int | None


@dataclass(frozen=True)
class _Timed:
    """A visit with its recomputed service start and end."""

    visit: _Visit
    reached_s: int
    start_s: int
    done_s: int


@dataclass
class _Context:
    scenario: Scenario
    conditions: Conditions
    travel: TravelModel
    clients: dict[str, Client]
    workers: dict[str, Courier]
    riders: dict[str, tuple[int, dict[str, _Timed]]]  # rider → departure, relay → hand-over


def verify(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Every rule ``plan`` breaks for ``scenario``; an empty list means a valid plan."""
    ctx = _Context(
        scenario,
        Conditions.of(scenario.weather, scenario.settings),
        TravelModel.of(scenario),
        {c.id: c for c in scenario.clients},
        {w.id: w for w in (*scenario.couriers, *scenario.walkers)},
        {},
    )
    found = _check_assignment(ctx, plan)
    checkable = [r for r in plan.routes if r.courier in ctx.workers and _complete(ctx, r)]
    # Grid workers take meals over at relay points in relay weather; otherwise they
    # walk from the canteen like any courier on foot.
    relaying = ctx.conditions.operation == "relay"
    walkers = {w.id for w in scenario.walkers} if relaying else set()
    for route in checkable:
        found += _check_stops(ctx, route)
    for route in (r for r in checkable if r.courier not in walkers):
        found += _check_rider(ctx, route)
    for route in (r for r in checkable if r.courier in walkers):
        found += _check_walker(ctx, route)
    found += _check_relay_loads(ctx, plan)
    found += _check_not_scheduled(ctx, plan)
    return found


def _check_not_scheduled(ctx: _Context, plan: Plan) -> list[Violation]:
    """A client listed as not due today must be on the list and not due (another weekday,
    a pause): a due client listed there is a client nobody serves."""
    day = ctx.scenario.date
    return [
        Violation("not_scheduled_but_due", "listed as not due today but due", client=n.client)
        for n in plan.not_scheduled
        if n.client in ctx.clients and ctx.clients[n.client].due_on(day)
    ]


def _complete(ctx: _Context, route: Route) -> bool:
    """Whether every delivery names known clients of one building (else not timed)."""
    for step in route.deliveries:
        known = [ctx.clients[i] for i in step.clients if i in ctx.clients]
        if not known or len(known) < len(step.clients) or len({c.building for c in known}) > 1:
            return False
    return True


def _check_assignment(ctx: _Context, plan: Plan) -> list[Violation]:
    found: list[Violation] = []
    used: set[str] = set()
    served: set[str] = set()
    for route in plan.routes:
        who = route.courier
        if who not in ctx.workers:
            found.append(Violation("unknown_courier", f"no courier or walker '{who}'", who))
        elif who in used:
            found.append(Violation("courier_twice", "courier has two routes", who))
        used.add(who)
        for step in route.deliveries:
            buildings = {ctx.clients[i].building for i in step.clients if i in ctx.clients}
            if not step.clients:
                found.append(Violation("empty_stop", "delivery step without clients", who))
            elif len(buildings) > 1:
                found.append(Violation("mixed_stop", "one stop serves several buildings", who))
        for client_id in (i for s in route.deliveries for i in s.clients):
            if client_id not in ctx.clients:
                found.append(Violation("unknown_client", "no such client", who, client_id))
            elif client_id in served:
                found.append(Violation("served_twice", "client served twice", who, client_id))
            elif not ctx.clients[client_id].due_on(ctx.scenario.date):
                message = "client not due today (inactive, another weekday or paused)"
                found.append(Violation("inactive", message, who, client_id))
            served.add(client_id)
    reported = {u.client for u in plan.unassigned}
    for client in ctx.scenario.active_clients():
        if client.id not in served and client.id not in reported:
            found.append(Violation("missing", "neither served nor reported", client=client.id))
        if client.id in served and client.id in reported:
            message = "served and reported unassigned"
            found.append(Violation("served_and_unassigned", message, client=client.id))
    return found


def _check_stops(ctx: _Context, route: Route) -> list[Violation]:
    worker = ctx.workers[route.courier]
    found: list[Violation] = []
    carried = sum(ctx.clients[i].meal_count for s in route.deliveries for i in s.clients)
    if worker.relay_point is None:
        carried += sum(s.meals for s in route.handovers)
    if carried > worker.capacity:
        message = f"{carried} meals, capacity {worker.capacity}"
        found.append(Violation("capacity", message, worker.id))
    for step in route.deliveries:
        for client in (ctx.clients[i] for i in step.clients):
            if not (client.lift or client.helper or worker.climbs_to(client.floor)):
                limit = worker.max_floor_no_lift
                message = f"floor {client.floor} without a lift, climbs to {limit}"
                found.append(Violation("climbing", message, worker.id, client.id))
    return found


def _visits(ctx: _Context, route: Route, origin: Location) -> list[_Visit]:
    """The route's steps after the first, with locations and service rules applied."""
    scenario = ctx.scenario
    worker = ctx.workers[route.courier]
    sites = building_sites(scenario.clients)
    relays = {p.id: p for p in scenario.relay_points}
    steps = [s for s in route.steps[1:] if s.type in ("delivery", "handover")]
    places = []
    for step in steps:
        if step.type == "delivery":
            places.append(sites[ctx.clients[step.clients[0]].building])
        else:
            places.append(
                relays[step.relay_point].location if step.relay_point in relays else origin
            )
    profile = ctx.conditions.profile(worker)
    matrix = ctx.travel.matrices([origin, *places], [profile])[profile]
    visits = []
    for k, (step, place) in enumerate(zip(steps, places, strict=True)):
        members = tuple(ctx.clients[i] for i in step.clients)
        floors = stairs_floors(members) if members else 0
        extra = ctx.conditions.arrival_extra_s(worker.mode, floors)
        if members:
            service = service_s(members, scenario.settings)
        else:
            service = relay_handover_s(step.meals, scenario.settings)
        windows = [c.window for c in members if c.window]
        visits.append(
            _Visit(
                step=step,
                clients=members,
                location=place,
                arrive_s=int(matrix.time_s[k, k + 1]) + extra,
                service_s=service,
                window_start_s=max((w.start_s for w in windows), default=0),
                window_end_s=min((w.end_s for w in windows), default=None),
            )
        )
    return visits


def _relay_window(ctx: _Context, visit: _Visit) -> tuple[int, int | None]:
    """When a rider may hand over at a relay point: its walkers present, the point open."""
    point = next((p for p in ctx.scenario.relay_points if p.id == visit.step.relay_point), None)
    walkers = [ctx.workers[w] for w in visit.step.partners if w in ctx.workers]
    present = max([w.shift.start_s for w in walkers] + [point.open.start_s if point else 0])
    return present, point.open.end_s if point else None


def _latest_useful_departure(earliest_s: int, visits: Sequence[_Visit]) -> int:
    """Without a stated departure: leave as late as no window end is missed (less waiting)."""
    t, waited, delay = earliest_s, 0, None
    for visit in visits:
        arrival = t + visit.arrive_s
        start = max(arrival, visit.window_start_s)
        waited += start - arrival
        if visit.window_end_s is not None:
            room = waited + visit.window_end_s - start
            delay = room if delay is None else min(delay, room)
        t = start + visit.service_s
    return earliest_s + max(0, waited if delay is None else min(waited, delay))


def _timeline(ctx: _Context, visits: Sequence[_Visit], departure_s: int) -> list[_Timed]:
    timed: list[_Timed] = []
    t = departure_s
    for visit in visits:
        reached = t + visit.arrive_s
        start = max(reached, visit.window_start_s)
        if visit.step.type == "handover":
            start = max(start, _relay_window(ctx, visit)[0])
        timed.append(_Timed(visit, reached, start, start + visit.service_s))
        t = start + visit.service_s
    return timed


def _check_rider(ctx: _Context, route: Route) -> list[Violation]:
    """A route that leaves the canteen: times, windows, food safety, relay meetings."""
    scenario = ctx.scenario
    worker = ctx.workers[route.courier]
    ready = scenario.canteen.meals_ready_s
    visits = _visits(ctx, route, scenario.canteen.location)
    first = route.steps[0] if route.steps else None
    stated = first.departure_s if first is not None and first.type == "start" else None
    earliest = max(ready, worker.shift.start_s)
    departure = stated if stated is not None else _latest_useful_departure(earliest, visits)
    found: list[Violation] = []
    if departure < ready:
        message = f"leaves at {clock(departure)}, meals ready {clock(ready)}"
        found.append(Violation("meals_ready", message, worker.id))
    if departure < worker.shift.start_s:
        message = f"leaves at {clock(departure)}, before the shift"
        found.append(Violation("shift", message, worker.id))
    timed = _timeline(ctx, visits, departure)
    ctx.riders[worker.id] = (
        departure,
        {t.visit.step.relay_point or "": t for t in timed if t.visit.step.type == "handover"},
    )
    found += _check_timeline(ctx, worker, timed, departure, scenario.settings.max_door_to_door_s)
    for item in (t for t in timed if t.visit.step.type == "handover"):
        found += _check_relay_meeting(ctx, worker, item)
    return found


def _check_relay_meeting(ctx: _Context, rider: Courier, item: _Timed) -> list[Violation]:
    found: list[Violation] = []
    step = item.visit.step
    if step.relay_point not in {p.id for p in ctx.scenario.relay_points}:
        found.append(Violation("unknown_relay", f"no relay point '{step.relay_point}'", rider.id))
        return found
    closes = _relay_window(ctx, item.visit)[1]
    wait = item.start_s - item.reached_s
    if wait > ctx.scenario.settings.relay_max_wait_s:
        message = f"waits {wait // 60} min at {step.relay_point} for the walkers"
        found.append(Violation("relay_wait", message, rider.id))
    if closes is not None and item.start_s > closes:
        message = f"hand-over at {clock(item.start_s)}, {step.relay_point} closes {clock(closes)}"
        found.append(Violation("relay_closed", message, rider.id))
    return found


def _check_timeline(
    ctx: _Context,
    worker: Courier,
    timed: Sequence[_Timed],
    canteen_departure_s: int,
    limit_s: int,
) -> list[Violation]:
    """Windows, food safety from the canteen departure, claimed times, end of shift."""
    settings = ctx.scenario.settings
    cooked_limit = ctx.scenario.canteen.meals_ready_s + settings.max_cooked_to_door_s
    found: list[Violation] = []
    for item in timed:
        step, clients = item.visit.step, item.visit.clients
        if step.arrival_s is not None and abs(step.arrival_s - item.start_s) > TIME_TOLERANCE_S:
            message = f"plan says arrival {step.arrival_s} s, recomputed {item.start_s} s"
            found.append(
                Violation("time_mismatch", message, worker.id, step.clients[0] if clients else None)
            )
        for client in clients:
            if client.window and not client.window.contains(item.start_s):
                window = f"{clock(client.window.start_s)}–{clock(client.window.end_s)}"
                message = f"arrives {clock(item.start_s)}, window {window}"
                found.append(Violation("window", message, worker.id, client.id))
            if item.done_s - canteen_departure_s > limit_s:
                minutes = (item.done_s - canteen_departure_s) / 60
                message = f"{minutes:.1f} min canteen to door, limit {limit_s // 60}"
                found.append(Violation("food_safety", message, worker.id, client.id))
            if item.done_s > cooked_limit:
                message = f"handed over {clock(item.done_s)}, past {clock(cooked_limit)}"
                found.append(Violation("cooked_to_door", message, worker.id, client.id))
    if timed and timed[-1].done_s > worker.shift.end_s:
        message = f"last stop ends {clock(timed[-1].done_s)}, after the shift"
        found.append(Violation("shift", message, worker.id))
    return found


def _check_walker(ctx: _Context, route: Route) -> list[Violation]:
    """A grid worker's route: it opens with taking meals over from a rider at their relay point."""
    walker = ctx.workers[route.courier]
    first = route.steps[0] if route.steps else None
    if first is None or first.type != "handover" or first.relay_point != walker.relay_point:
        message = f"must start with a hand-over at relay point {walker.relay_point}"
        return [Violation("walker_start", message, walker.id)]
    rider_id = first.partners[0] if first.partners else ""
    rider = ctx.riders.get(rider_id)
    handover = rider[1].get(walker.relay_point or "") if rider else None
    if rider is None or handover is None or walker.id not in handover.visit.step.partners:
        message = f"no hand-over from rider '{rider_id}' at {walker.relay_point} lists this walker"
        return [Violation("handover_mismatch", message, walker.id)]
    stated = first.departure_s
    departure = stated if stated is not None else max(handover.done_s, walker.shift.start_s)
    found: list[Violation] = []
    if departure < handover.done_s:
        message = f"leaves {clock(departure)}, before the hand-over ends {clock(handover.done_s)}"
        found.append(Violation("handover_order", message, walker.id))
    if departure < walker.shift.start_s:
        found.append(
            Violation("shift", f"leaves at {clock(departure)}, before the shift", walker.id)
        )
    origin = next(p.location for p in ctx.scenario.relay_points if p.id == first.relay_point)
    timed = _timeline(ctx, _visits(ctx, route, origin), departure)
    limit = ctx.scenario.settings.relay_max_door_to_door_s
    return found + _check_timeline(ctx, walker, timed, rider[0], limit)


def _check_relay_loads(ctx: _Context, plan: Plan) -> list[Violation]:
    """Meals handed over fit the relay point, and cover what the walkers carry off."""
    found: list[Violation] = []
    per_point: dict[str, int] = {}
    carried_off: dict[tuple[str, str], int] = {}
    for route in plan.routes:
        walker = ctx.workers.get(route.courier)
        if walker is not None and walker.relay_point and route.steps:
            first = route.steps[0]
            key = (first.partners[0] if first.partners else "", first.relay_point or "")
            load = sum(
                ctx.clients[i].meal_count
                for s in route.deliveries
                for i in s.clients
                if i in ctx.clients
            )
            carried_off[key] = carried_off.get(key, 0) + load
    for route in plan.routes:
        for step in route.handovers:
            if route.courier in {w.id for w in ctx.scenario.walkers}:
                continue
            relay_id = step.relay_point or ""
            per_point[relay_id] = per_point.get(relay_id, 0) + step.meals
            taken = carried_off.get((route.courier, relay_id), 0)
            if taken > step.meals:
                message = f"walkers carry {taken} meals off, {step.meals} handed over at {relay_id}"
                found.append(Violation("handover_meals", message, route.courier))
    for point in ctx.scenario.relay_points:
        if per_point.get(point.id, 0) > point.capacity:
            message = f"{per_point[point.id]} meals at {point.id}, capacity {point.capacity}"
            found.append(Violation("relay_capacity", message))
    return found
