"""The rules every route keeps: who serves whom, loads and climbing, times, relay hand-overs."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate

from dispatch.messages import text
from dispatch.model import Courier, Plan, Route, Violation, clock, clock_up
from dispatch.verify.context import TIME_TOLERANCE_S, Context, finding
from dispatch.verify.timing import (
    Timed,
    Visit,
    fewest_rules_departure,
    relay_window,
    timeline,
    visits,
)


def complete(ctx: Context, route: Route) -> bool:
    """Whether every delivery names known clients of one building (else not timed)."""
    for step in route.deliveries:
        known = [ctx.clients[i] for i in step.clients if i in ctx.clients]
        if not known or len(known) < len(step.clients) or len({c.building for c in known}) > 1:
            return False
    return True


def check_assignment(ctx: Context, plan: Plan) -> list[Violation]:
    """Known, single-use workers; stops of one building; each active client served or reported."""
    found: list[Violation] = []
    used: set[str] = set()
    served: set[str] = set()
    for route in plan.routes:
        who = route.courier
        if who not in ctx.workers:
            found.append(finding("unknown_courier", text("v_unknown_courier", who=who), who))
        elif who in used:
            found.append(finding("courier_twice", text("v_courier_twice"), who))
        used.add(who)
        for step in route.deliveries:
            buildings = {ctx.clients[i].building for i in step.clients if i in ctx.clients}
            if not step.clients:
                found.append(finding("empty_stop", text("v_empty_stop"), who))
            elif len(buildings) > 1:
                found.append(finding("mixed_stop", text("v_mixed_stop"), who))
        for client_id in (i for s in route.deliveries for i in s.clients):
            if client_id not in ctx.clients:
                found.append(finding("unknown_client", text("v_unknown_client"), who, client_id))
            elif client_id in served:
                found.append(finding("served_twice", text("v_served_twice"), who, client_id))
            elif not ctx.clients[client_id].due_on(ctx.scenario.date):
                found.append(finding("inactive", text("v_inactive"), who, client_id))
            served.add(client_id)
    reported = {u.client for u in plan.unassigned}
    for client in ctx.scenario.active_clients():
        if client.id not in served and client.id not in reported:
            found.append(finding("missing", text("v_missing"), client=client.id))
        if client.id in served and client.id in reported:
            message = text("v_served_and_unassigned")
            found.append(finding("served_and_unassigned", message, client=client.id))
    return found


def check_not_scheduled(ctx: Context, plan: Plan) -> list[Violation]:
    """A client listed as not due today must not be due (another weekday, a pause): a due
    client listed there is a client nobody serves."""
    day = ctx.scenario.date
    return [
        finding("not_scheduled_but_due", text("v_not_scheduled_but_due"), client=n.client)
        for n in plan.not_scheduled
        if n.client in ctx.clients and ctx.clients[n.client].due_on(day)
    ]


def check_stops(ctx: Context, route: Route) -> list[Violation]:
    """Meals carried within capacity; nobody climbs above their limit."""
    worker = ctx.workers[route.courier]
    found: list[Violation] = []
    if worker.relay_point is None:  # one trip from the canteen, hand-overs included
        carried = sum(ctx.clients[i].meal_count for s in route.deliveries for i in s.clients)
        carried += sum(s.meals for s in route.handovers)
    else:  # a grid worker's trips, each from a pick-up at the relay point
        carried = max(trip_loads(ctx, route))
    if carried > worker.capacity:
        message = text("v_capacity", carried=carried, capacity=worker.capacity)
        found.append(finding("capacity", message, worker.id))
    for step in route.deliveries:
        for client in (ctx.clients[i] for i in step.clients):
            if not (client.lift or client.helper or worker.climbs_to(client.floor)):
                limit = worker.max_floor_no_lift
                message = text("v_climbing", floor=client.floor, limit=limit)
                found.append(finding("climbing", message, worker.id, client.id))
    return found


def check_rider(ctx: Context, route: Route) -> list[Violation]:
    """A route that leaves the canteen: times, windows, food safety, relay meetings."""
    scenario = ctx.scenario
    worker = ctx.workers[route.courier]
    ready = scenario.canteen.meals_ready_s
    route_visits = visits(ctx, route, scenario.canteen.location)
    first = route.steps[0] if route.steps else None
    stated = first.departure_s if first is not None and first.type == "start" else None
    earliest = max(ready, worker.shift.start_s)
    limit = scenario.settings.max_door_to_door_s
    if stated is None:
        departure = fewest_rules_departure(
            ctx,
            route_visits,
            earliest,
            limit,
            worker.shift.end_s,
            lambda d: len(rider_timeline(ctx, worker, route_visits, d)[1]),
        )
    else:
        departure = stated
    found: list[Violation] = []
    if departure < ready:
        message = text("v_meals_ready", departure=clock(departure), ready=clock(ready))
        found.append(finding("meals_ready", message, worker.id))
    found += _before_shift(worker, departure)
    timed, broken = rider_timeline(ctx, worker, route_visits, departure)
    ctx.riders[worker.id] = (departure, [t for t in timed if t.visit.step.type == "handover"])
    return found + broken


def _before_shift(worker: Courier, departure_s: int) -> list[Violation]:
    """``shift`` when ``worker`` leaves before their shift starts."""
    if departure_s >= worker.shift.start_s:
        return []
    start = clock_up(worker.shift.start_s)
    message = text("v_shift_start", departure=clock(departure_s), start=start)
    return [finding("shift", message, worker.id)]


def rider_timeline(
    ctx: Context, worker: Courier, route_visits: Sequence[Visit], departure_s: int
) -> tuple[list[Timed], list[Violation]]:
    """The rider's timeline from ``departure_s`` and the time rules it breaks."""
    timed = timeline(ctx, route_visits, departure_s)
    limit = ctx.scenario.settings.max_door_to_door_s
    found = check_timeline(ctx, worker, timed, [departure_s] * len(timed), limit)
    for item in (t for t in timed if t.visit.step.type == "handover"):
        found += _check_relay_meeting(ctx, worker, item)
    return timed, found


def _check_relay_meeting(ctx: Context, rider: Courier, item: Timed) -> list[Violation]:
    found: list[Violation] = []
    step = item.visit.step
    relay = step.relay_point or ""
    if relay not in ctx.relays:
        return [finding("unknown_relay", text("v_unknown_relay", relay=relay), rider.id)]
    closes = relay_window(ctx, item.visit)[1]
    wait = item.start_s - item.reached_s
    most = ctx.scenario.settings.relay_max_wait_s
    if wait > most:
        minutes = f"{wait / 60:.1f}"
        message = text("v_relay_wait", minutes=minutes, relay=relay, limit=most // 60)
        found.append(finding("relay_wait", message, rider.id))
    if closes is not None and item.start_s > closes:
        message = text(
            "v_relay_closed", start=clock_up(item.start_s), relay=relay, closes=clock(closes)
        )
        found.append(finding("relay_closed", message, rider.id))
    return found


def check_timeline(
    ctx: Context,
    worker: Courier,
    timed: Sequence[Timed],
    canteen_departures_s: Sequence[int],
    limit_s: int,
) -> list[Violation]:
    """Windows, food safety from each meal's canteen departure, claimed times, end of shift."""
    settings = ctx.scenario.settings
    cooked_limit = ctx.scenario.canteen.meals_ready_s + settings.max_cooked_to_door_s
    canteen = text("from_canteen")
    found: list[Violation] = []
    for item, canteen_departure_s in zip(timed, canteen_departures_s, strict=True):
        step, clients = item.visit.step, item.visit.clients
        if step.arrival_s is not None and abs(step.arrival_s - item.start_s) > TIME_TOLERANCE_S:
            message = text("v_time_mismatch", claimed=step.arrival_s, recomputed=item.start_s)
            first = step.clients[0] if clients else None
            found.append(finding("time_mismatch", message, worker.id, first))
        for client in clients:
            if client.window and not client.window.contains(item.start_s):
                early = item.start_s < client.window.start_s
                message = text(
                    "v_window",
                    arrival=clock(item.start_s) if early else clock_up(item.start_s),
                    start=clock_up(client.window.start_s),
                    end=clock(client.window.end_s),
                )
                found.append(finding("window", message, worker.id, client.id))
            if item.done_s - canteen_departure_s > limit_s:
                minutes = f"{(item.done_s - canteen_departure_s) / 60:.1f}"
                message = text(
                    "v_food_safety", minutes=minutes, origin=canteen, limit=limit_s // 60
                )
                found.append(finding("food_safety", message, worker.id, client.id))
            if item.done_s > cooked_limit:
                message = text(
                    "v_cooked_to_door", done=clock_up(item.done_s), deadline=clock(cooked_limit)
                )
                found.append(finding("cooked_to_door", message, worker.id, client.id))
    if timed and timed[-1].done_s > worker.shift.end_s:
        message = text(
            "v_shift_end", done=clock_up(timed[-1].done_s), end=clock(worker.shift.end_s)
        )
        found.append(finding("shift", message, worker.id))
    return found


def check_walker(ctx: Context, route: Route) -> list[Violation]:
    """A grid worker's route: it opens with taking meals over from a rider at their relay
    point; each later trip starts with a pick-up there, after that rider's hand-over."""
    walker = ctx.workers[route.courier]
    relay = walker.relay_point or ""
    first = route.steps[0] if route.steps else None
    if first is None or first.type != "handover" or first.relay_point != walker.relay_point:
        return [finding("walker_start", text("v_walker_start", relay=relay), walker.id)]
    handed: list[tuple[int, Timed]] = []  # per pick-up: the rider's departure, hand-over
    for step in route.handovers:
        rider_id = step.partners[0] if step.partners else ""
        departure_s, handovers = ctx.riders.get(rider_id, (0, []))
        meets = (t for t in handovers if t.visit.step.relay_point == step.relay_point)
        handover = next((t for t in meets if walker.id in t.visit.step.partners), None)
        if handover is None:
            message = text("v_handover_mismatch", rider=rider_id, relay=step.relay_point or "")
            return [finding("handover_mismatch", message, walker.id)]
        handed.append((departure_s, handover))
    done = handed[0][1].done_s
    stated = first.departure_s
    departure = stated if stated is not None else max(done, walker.shift.start_s)
    found: list[Violation] = []
    if departure < done:
        message = text("v_handover_order", departure=clock(departure), done=clock_up(done))
        found.append(finding("handover_order", message, walker.id))
    found += _before_shift(walker, departure)
    route_visits = visits(ctx, route, ctx.relays[relay].location)
    # The trip of each visit: 0 from the first pick-up, 1 from the second, …
    trip = [n - 1 for n in accumulate(int(v.step.type == "handover") for v in route_visits)]
    not_before = [
        handed[n][1].done_s if v.step.type == "handover" else 0
        for n, v in zip(trip, route_visits, strict=True)
    ]
    timed = timeline(ctx, route_visits, departure, not_before)
    limit = ctx.scenario.settings.relay_max_door_to_door_s
    return found + check_timeline(ctx, walker, timed, [handed[n][0] for n in trip], limit)


def trip_loads(ctx: Context, route: Route) -> list[int]:
    """Meals a grid worker delivers on each trip: a trip starts at each pick-up."""
    loads = [0]
    for step in route.steps[1:]:
        if step.type == "handover":
            loads.append(0)
        loads[-1] += sum(ctx.clients[i].meal_count for i in step.clients if i in ctx.clients)
    return loads


def _carried_off(ctx: Context, plan: Plan) -> dict[tuple[str, str], dict[str, int]]:
    """(rider, relay point) → grid worker → meals they take from that rider's hand-over."""
    taken: dict[tuple[str, str], dict[str, int]] = {}
    for route in plan.routes:
        walker = ctx.workers.get(route.courier)
        if walker is None or not walker.relay_point or not route.steps:
            continue
        for step, load in zip(route.handovers, trip_loads(ctx, route), strict=False):
            key = (step.partners[0] if step.partners else "", step.relay_point or "")
            per_walker = taken.setdefault(key, {})
            per_walker[walker.id] = per_walker.get(walker.id, 0) + load
    return taken


def check_relay_loads(ctx: Context, plan: Plan) -> list[Violation]:
    """Meals handed over fit the relay point and cover what the grid workers carry off;
    every grid worker handed meals takes some, and no rider stops where nobody takes any."""
    found: list[Violation] = []
    per_point: dict[str, int] = {}
    handed: dict[tuple[str, str], int] = {}
    carried_off = _carried_off(ctx, plan)
    walkers = {w.id for w in ctx.scenario.walkers}
    for route in (r for r in plan.routes if r.courier not in walkers):
        for step in route.handovers:
            key = (route.courier, step.relay_point or "")
            per_point[key[1]] = per_point.get(key[1], 0) + step.meals
            handed[key] = handed.get(key, 0) + step.meals
            taken = carried_off.get(key, {})
            if not any(taken.get(w) for w in step.partners):
                message = text("v_relay_unused", relay=key[1])
                found.append(finding("relay_unused", message, route.courier))
            for partner in (w for w in step.partners if not taken.get(w)):
                message = text("v_handover_no_route", walker=partner, relay=key[1])
                found.append(finding("handover_no_route", message, route.courier))
    for (rider, relay), meals in handed.items():
        if (off := sum(carried_off.get((rider, relay), {}).values())) > meals:
            message = text("v_handover_meals", taken=off, meals=meals, relay=relay)
            found.append(finding("handover_meals", message, rider))
    for point in ctx.scenario.relay_points:
        if per_point.get(point.id, 0) > point.capacity:
            message = text(
                "v_relay_capacity",
                meals=per_point[point.id],
                relay=point.id,
                capacity=point.capacity,
            )
            found.append(finding("relay_capacity", message))
    return found
