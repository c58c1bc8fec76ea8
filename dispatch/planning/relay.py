"""Relay delivery: riders bring meals to relay points (接力点), grid workers walk the last leg.

Two echelons, synchronised at the relay points, planned in three passes (docs/relay.md):

1. *Assign*: stops within ``relay_direct_radius_m`` of the canteen stay direct rider
   stops; every other stop goes to a relay point whose grid workers can walk there and
   keep the food-safety limit if the meals arrive by the fastest ride. Capacitated
   greedy: stops with the fewest options first, each to its shortest walk.
2. *Walkers, then riders*: each relay point's walkers are routed as if the meals
   arrived at the earliest moment; their departures bound when a rider must arrive.
   Walkers are grouped into batches a rider can carry, and riders are routed over the
   direct stops and the batches (window: walkers present … latest useful arrival).
3. *Re-time the last leg*: each batch's walkers are routed again from the end of the
   rider's actual hand-over, finishing within the food-safety limit counted from the
   rider's canteen departure — exact, whatever the rider did before.

Relayed meals travel in insulated relay boxes, so their canteen-to-door limit is
``relay_max_door_to_door_s`` (default 90 min, ../shared/research/domain.md §7.2); the
cooked-to-door limit (default 120 min) holds for every meal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from dispatch.messages import text
from dispatch.model import Client, Courier, RelayPoint, Route, Scenario, Step, Unassigned
from dispatch.planning.echelon import Crew, Echelon, Target
from dispatch.planning.screening import dropped_reasons, screen_clients, stop_targets, unassigned
from dispatch.planning.stops import Stop, build_stops, may_serve, service_s
from dispatch.routing.problem import SolveParams
from dispatch.travel import geo


@dataclass(frozen=True)
class _Batch:
    """Meals a rider brings to one relay point for some of its walkers."""

    point: RelayPoint
    walkers: tuple[Courier, ...]
    stops: tuple[Stop, ...]
    meals: int
    latest_arrival_s: int
    present_s: int


def handover_s(scenario: Scenario, meals: int) -> int:
    """Seconds a rider spends handing ``meals`` to the walkers at a relay point."""
    settings = scenario.settings
    return settings.relay_handover_s + settings.relay_handover_s_per_meal * meals


def plan_relay(
    scenario: Scenario, clients: Sequence[Client], params: SolveParams
) -> tuple[list[Route], list[Unassigned]]:
    """Routes for riders and walkers, and who cannot be served, with reasons."""
    riders = scenario.couriers
    everyone = (*riders, *scenario.walkers)
    servable, out = screen_clients(scenario, everyone, clients)
    if not servable:
        return [], out
    stops = build_stops(scenario, servable, max(w.capacity for w in everyone))
    radius = scenario.settings.relay_direct_radius_m
    canteen = scenario.canteen.location
    is_near = [geo.distance_m(canteen, s.location) <= radius for s in stops]
    near = [s for s, close in zip(stops, is_near, strict=True) if close]
    far = [s for s, close in zip(stops, is_near, strict=True) if not close]
    ready = scenario.canteen.meals_ready_s
    rider_crews = [Crew(r, max(r.shift.start_s, ready), r.shift.end_s) for r in riders]
    trunk = Echelon(scenario, canteen, rider_crews, [p.location for p in scenario.relay_points])
    arrive = {
        p.id: ready + min(trunk.reach_s(i, k + 1) for i in range(len(rider_crews)))
        for k, p in enumerate(scenario.relay_points)
    }
    assigned, lost = _assign(scenario, far, arrive)
    out += lost
    # A relay point's last leg is a small problem: a quarter of the budget is plenty.
    leg_params = replace(params, time_limit_s=params.time_limit_s / 4)
    batches: list[_Batch] = []
    for point in scenario.relay_points:
        found, reasons = _first_pass(
            scenario, point, assigned.get(point.id, []), arrive, leg_params
        )
        batches += found
        out += reasons
    rider_routes, reasons = _riders(scenario, rider_crews, near, batches, params)
    out += reasons
    walker_routes, reasons = _last_leg(scenario, rider_routes, batches, leg_params)
    return [*rider_routes, *walker_routes], out + reasons


def _walker_crews(
    scenario: Scenario, point: RelayPoint, not_before_s: int, end_s: int
) -> list[Crew]:
    return [
        Crew(w, max(w.shift.start_s, point.open.start_s, not_before_s), min(w.shift.end_s, end_s))
        for w in scenario.walkers
        if w.relay_point == point.id
    ]


def _assign(
    scenario: Scenario, far: Sequence[Stop], arrive: dict[str, int]
) -> tuple[dict[str, list[Stop]], list[Unassigned]]:
    """Each outlying stop to a relay point whose walkers reach it in time (greedy)."""
    settings = scenario.settings
    worst_handover = handover_s(scenario, max(c.capacity for c in scenario.couriers))
    options: dict[str, list[tuple[int, str]]] = {s.id: [] for s in far}
    room: dict[str, int] = {}
    for point in scenario.relay_points:
        crews = _walker_crews(scenario, point, 0, 86_400)
        room[point.id] = min(point.capacity, sum(c.worker.capacity for c in crews))
        if not crews:
            continue
        walk = Echelon(scenario, point.location, crews, [s.location for s in far])
        for k, stop in enumerate(far):
            service = service_s(stop.clients, settings)
            done = arrive[point.id] + worst_handover + service
            for i, crew in enumerate(crews):
                reach = walk.reach_s(i, k + 1, stop.stairs_floors)
                in_time = stop.window is None or done - service + reach <= stop.window.end_s
                fresh = (
                    done + reach - scenario.canteen.meals_ready_s
                    <= settings.relay_max_door_to_door_s
                )
                if may_serve(crew.worker, stop.clients) and in_time and fresh:
                    options[stop.id].append((reach, point.id))
                    break
    assigned: dict[str, list[Stop]] = {}
    lost: list[Unassigned] = []
    for stop in sorted(
        far, key=lambda s: (len(options[s.id]), min(options[s.id], default=(0, ""))[0])
    ):
        choice = next((p for _, p in sorted(options[stop.id]) if room[p] >= stop.meals), None)
        if choice is None:
            lost += unassigned(stop.clients, "no_relay", text("no_relay"))
            continue
        room[choice] -= stop.meals
        assigned.setdefault(choice, []).append(stop)
    return assigned, lost


def _first_pass(
    scenario: Scenario,
    point: RelayPoint,
    stops: Sequence[Stop],
    arrive: dict[str, int],
    params: SolveParams,
) -> tuple[list[_Batch], list[Unassigned]]:
    """Route the point's walkers as if meals came at once; batch them for the riders."""
    if not stops:
        return [], []
    settings = scenario.settings
    rider_capacity = max(c.capacity for c in scenario.couriers)
    ready_at = arrive[point.id] + handover_s(scenario, rider_capacity)
    crews = _walker_crews(scenario, point, ready_at, 86_400)
    walk = Echelon(scenario, point.location, crews, [s.location for s in stops])
    targets, lost = stop_targets(walk, stops, ready_at)
    span = settings.relay_max_door_to_door_s - (ready_at - scenario.canteen.meals_ready_s)
    solved, dropped = walk.solve(targets, params, max(span, 0))
    lost += dropped_reasons(scenario, targets, dropped, sum(c.worker.capacity for c in crews))
    by_client = {c.id: s for s in stops for c in s.clients}
    legs = sorted(solved, key=lambda r: r[1].steps[0].departure_s or 0)
    batches: list[_Batch] = []
    group: list[tuple[Courier, Route]] = []
    for crew_index, route in legs:
        meals = sum(s.meals for _, r in group for s in r.deliveries) + sum(
            s.meals for s in route.deliveries
        )
        if group and meals > rider_capacity:
            batches.append(_batch(scenario, point, group, by_client))
            group = []
        group.append((crews[crew_index].worker, route))
    if group:
        batches.append(_batch(scenario, point, group, by_client))
    return batches, lost


def _batch(
    scenario: Scenario,
    point: RelayPoint,
    group: Sequence[tuple[Courier, Route]],
    by_client: dict[str, Stop],
) -> _Batch:
    stops = tuple(by_client[step.clients[0]] for _, r in group for step in r.deliveries)
    meals = sum(s.meals for s in stops)
    leave = min(r.steps[0].departure_s or 0 for _, r in group)
    return _Batch(
        point=point,
        walkers=tuple(w for w, _ in group),
        stops=stops,
        meals=meals,
        latest_arrival_s=min(leave - handover_s(scenario, meals), point.open.end_s),
        present_s=max(point.open.start_s, *(w.shift.start_s for w, _ in group)),
    )


def _riders(
    scenario: Scenario,
    crews: Sequence[Crew],
    near: Sequence[Stop],
    batches: Sequence[_Batch],
    params: SolveParams,
) -> tuple[list[Route], list[Unassigned]]:
    """Route riders over the direct stops and the relay batches."""
    ready = scenario.canteen.meals_ready_s
    locations = [s.location for s in near] + [b.point.location for b in batches]
    echelon = Echelon(scenario, scenario.canteen.location, crews, locations)
    targets, lost = stop_targets(echelon, near, ready)
    for n, batch in enumerate(batches):
        carriers = tuple(i for i, c in enumerate(crews) if c.worker.capacity >= batch.meals)
        targets.append(
            Target(
                key=f"relay:{batch.point.id}:{n}",
                column=len(near) + n + 1,
                location=batch.point.location,
                meals=batch.meals,
                service_s=handover_s(scenario, batch.meals),
                window_start_s=batch.present_s,
                window_end_s=max(batch.present_s, batch.latest_arrival_s),
                relay_point=batch.point.id,
                partners=tuple(w.id for w in batch.walkers),
                allowed=carriers,
                drop_penalty=sum(len(s.clients) for s in batch.stops),
            )
        )
    solved, dropped = echelon.solve(targets, params, scenario.settings.max_door_to_door_s)
    direct = [t for t in targets if not t.relay_point]
    lost += dropped_reasons(scenario, direct, [t for t in dropped if not t.relay_point], 10**9)
    for target in (t for t in dropped if t.relay_point):
        batch = batches[int(target.key.rsplit(":", 1)[1])]
        reason = text("no_rider_for_relay", relay=batch.point.id)
        lost += unassigned(
            [c for s in batch.stops for c in s.clients], "no_rider_for_relay", reason
        )
    return [route for _, route in solved], lost


def _last_leg(
    scenario: Scenario,
    rider_routes: Sequence[Route],
    batches: Sequence[_Batch],
    params: SolveParams,
) -> tuple[list[Route], list[Unassigned]]:
    """Route each served batch's walkers from the rider's actual hand-over."""
    limit = scenario.settings.relay_max_door_to_door_s
    by_walkers = {tuple(w.id for w in b.walkers): b for b in batches}
    routes: list[Route] = []
    lost: list[Unassigned] = []
    for rider in rider_routes:
        left_canteen = rider.steps[0].departure_s or 0
        for step in rider.handovers:
            batch = by_walkers[step.partners]
            handed = step.departure_s or 0
            crews = [
                Crew(w, max(w.shift.start_s, handed), min(w.shift.end_s, left_canteen + limit))
                for w in batch.walkers
            ]
            walk = Echelon(scenario, batch.point.location, crews, [s.location for s in batch.stops])
            targets, reasons = stop_targets(walk, batch.stops, handed)
            solved, dropped = walk.solve(targets, params, None)
            by_id = {c.id: c for s in batch.stops for c in s.clients}
            late = [u.client for u in reasons] + [c for t in dropped for c in t.clients]
            reason = text("relay_late", relay=batch.point.id)
            lost += unassigned([by_id[c] for c in late], "relay_late", reason)
            for _, route in solved:
                routes.append(_pick_up(route, step, rider.courier))
    return routes, lost


def _pick_up(route: Route, handover: Step, rider_id: str) -> Route:
    """A walker's route opens with taking the meals over from the rider."""
    start = route.steps[0]
    meals = sum(s.meals for s in route.deliveries)
    pick_up = Step(
        "handover",
        start.location,
        arrival_s=handover.arrival_s,
        departure_s=start.departure_s,
        relay_point=handover.relay_point,
        partners=(rider_id,),
        meals=meals,
    )
    return replace(route, steps=(pick_up, *route.steps[1:]))
