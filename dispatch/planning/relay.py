"""Relay delivery: riders bring meals to relay points (接力点), grid workers walk the last leg.

Two legs, synchronised at the relay points, planned in three passes (docs/relay.md):

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

Every pass is a leg (``dispatch.planning.leg.serve``); this module only decides what
each leg is given and what its outcome means for the relay.

Relayed meals travel in insulated relay boxes, so their canteen-to-door limit is
``relay_max_door_to_door_s`` (default 90 min, ../shared/research/domain.md §7.2); the
cooked-to-door limit (default 120 min) holds for every meal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from dispatch.messages import text
from dispatch.model import (
    Canteen,
    Client,
    Courier,
    CourierNotUsed,
    Location,
    RelayPoint,
    Route,
    Step,
    Unassigned,
    clock,
)
from dispatch.planning.leg import Crew, DayRules, Handover, Leg, serve
from dispatch.planning.reasons import screen_clients, unassigned
from dispatch.planning.stops import Stop, build_stops
from dispatch.routing.problem import SolveParams
from dispatch.rules import may_serve, relay_handover_s, service_s
from dispatch.travel.geo import distance_m

_DAY_END_S = 86_400


@dataclass(frozen=True)
class Day:
    """What relay planning needs of the scenario: the canteen, the relay points, the walkers."""

    rules: DayRules
    canteen: Canteen
    relay_points: tuple[RelayPoint, ...]
    walkers: tuple[Courier, ...]
    sites: Mapping[str, Location]

    def walker_crews(self, point: RelayPoint, not_before_s: int) -> list[Crew]:
        """The point's grid workers, free from ``not_before_s`` (and the point's opening)."""
        return [
            Crew(w, max(w.shift.start_s, point.open.start_s, not_before_s), w.shift.end_s)
            for w in self.walkers
            if w.relay_point == point.id
        ]


@dataclass(frozen=True)
class _Batch:
    """Meals a rider brings to one relay point for some of its walkers."""

    point: RelayPoint
    walkers: tuple[Courier, ...]
    stops: tuple[Stop, ...]
    meals: int
    latest_arrival_s: int
    present_s: int

    def handover(self) -> Handover:
        return Handover(
            point=self.point,
            partners=tuple(w.id for w in self.walkers),
            meals=self.meals,
            window_start_s=self.present_s,
            window_end_s=max(self.present_s, self.latest_arrival_s),
            clients=sum(len(s.clients) for s in self.stops),
        )


def meet_relay(
    walkers: Sequence[Courier], points: Sequence[RelayPoint]
) -> tuple[list[Courier], list[CourierNotUsed]]:
    """The grid workers on shift while their relay point is open, and the others with why:
    meals are handed over only while a point is open."""
    by_id = {p.id: p for p in points}
    usable: list[Courier] = []
    not_used: list[CourierNotUsed] = []
    for walker in walkers:
        point = by_id[str(walker.relay_point)]
        shift, open_ = walker.shift, point.open
        if max(shift.start_s, open_.start_s) <= min(shift.end_s, open_.end_s):
            usable.append(walker)
            continue
        reason = text(
            "relay_closed_in_shift",
            relay=point.id,
            start=clock(shift.start_s),
            end=clock(shift.end_s),
            opens=clock(open_.start_s),
            closes=clock(open_.end_s),
        )
        not_used.append(CourierNotUsed(walker.id, "relay_closed_in_shift", reason.en, reason.zh))
    return usable, not_used


def plan_relay(
    day: Day, riders: Sequence[Courier], clients: Sequence[Client], params: SolveParams
) -> tuple[list[Route], list[Unassigned]]:
    """Routes for riders and walkers, and who cannot be served, with reasons."""
    everyone = (*riders, *day.walkers)
    servable, out = screen_clients(everyone, clients)
    if not servable:
        return [], out
    stops = build_stops(servable, max(w.capacity for w in everyone), day.sites)
    radius = day.rules.settings.relay_direct_radius_m
    canteen = day.canteen.location
    is_near = [distance_m(canteen, s.location) <= radius for s in stops]
    near = [s for s, close in zip(stops, is_near, strict=True) if close]
    far = [s for s, close in zip(stops, is_near, strict=True) if not close]
    ready = day.canteen.meals_ready_s
    rider_crews = [Crew(r, max(r.shift.start_s, ready), r.shift.end_s) for r in riders]
    trunk = Leg(day.rules, canteen, rider_crews, [p.location for p in day.relay_points])
    arrive = {
        p.id: ready + min(trunk.reach_s(i, k) for i in range(len(rider_crews)))
        for k, p in enumerate(day.relay_points)
    }
    assigned, lost = _assign(day, riders, far, arrive)
    out += lost
    # A relay point's last leg is a small problem: a quarter of the budget is plenty.
    leg_params = replace(params, time_limit_s=params.time_limit_s / 4)
    rider_capacity = max(c.capacity for c in riders)
    batches: list[_Batch] = []
    for point in day.relay_points:
        found, reasons = _first_pass(
            day, point, assigned.get(point.id, []), arrive[point.id], rider_capacity, leg_params
        )
        batches += found
        out += reasons
    rider_routes, reasons = _riders(day, rider_crews, near, batches, params)
    out += reasons
    walker_routes, reasons = _last_leg(day, rider_routes, batches, leg_params)
    return [*rider_routes, *walker_routes], out + reasons


def _assign(
    day: Day, riders: Sequence[Courier], far: Sequence[Stop], arrive: Mapping[str, int]
) -> tuple[dict[str, list[Stop]], list[Unassigned]]:
    """Each outlying stop to a relay point whose walkers reach it in time (greedy)."""
    settings = day.rules.settings
    worst_handover = relay_handover_s(max(c.capacity for c in riders), settings)
    options: dict[str, list[tuple[int, str]]] = {s.id: [] for s in far}
    room: dict[str, int] = {}
    for point in day.relay_points:
        crews = day.walker_crews(point, 0)
        room[point.id] = min(point.capacity, sum(c.worker.capacity for c in crews))
        if not crews:
            continue
        walk = Leg(day.rules, point.location, crews, [s.location for s in far])
        for k, stop in enumerate(far):
            service = service_s(stop.clients, settings)
            done = arrive[point.id] + worst_handover + service
            for i, crew in enumerate(crews):
                reach = walk.reach_s(i, k, stop.stairs_floors)
                in_time = stop.window is None or done - service + reach <= stop.window.end_s
                since_ready = done + reach - day.canteen.meals_ready_s
                fresh = since_ready <= settings.relay_max_door_to_door_s
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
    day: Day,
    point: RelayPoint,
    stops: Sequence[Stop],
    arrive_s: int,
    rider_capacity: int,
    params: SolveParams,
) -> tuple[list[_Batch], list[Unassigned]]:
    """Route the point's walkers as if meals came at once; batch them for the riders."""
    if not stops:
        return [], []
    settings = day.rules.settings
    ready_at = arrive_s + relay_handover_s(rider_capacity, settings)
    crews = day.walker_crews(point, ready_at)
    span = settings.relay_max_door_to_door_s - (ready_at - day.canteen.meals_ready_s)
    served = serve(
        day.rules, point.location, crews, stops, params,
        not_before_s=ready_at, span_s=max(span, 0), origin=text("from_relay", relay=point.id),
    )  # fmt: skip
    by_client = {c.id: s for s in stops for c in s.clients}
    legs = sorted(served.routes, key=lambda r: r[1].steps[0].departure_s or 0)
    batches: list[_Batch] = []
    group: list[tuple[Courier, Route]] = []
    for crew, route in legs:
        meals = sum(s.meals for _, r in group for s in r.deliveries) + sum(
            s.meals for s in route.deliveries
        )
        if group and meals > rider_capacity:
            batches.append(_batch(day, point, group, by_client))
            group = []
        group.append((crew.worker, route))
    if group:
        batches.append(_batch(day, point, group, by_client))
    return batches, served.unassigned


def _batch(
    day: Day,
    point: RelayPoint,
    group: Sequence[tuple[Courier, Route]],
    by_client: Mapping[str, Stop],
) -> _Batch:
    stops = tuple(by_client[step.clients[0]] for _, r in group for step in r.deliveries)
    meals = sum(s.meals for s in stops)
    leave = min(r.steps[0].departure_s or 0 for _, r in group)
    return _Batch(
        point=point,
        walkers=tuple(w for w, _ in group),
        stops=stops,
        meals=meals,
        latest_arrival_s=min(leave - relay_handover_s(meals, day.rules.settings), point.open.end_s),
        present_s=max(point.open.start_s, *(w.shift.start_s for w, _ in group)),
    )


def _riders(
    day: Day,
    crews: Sequence[Crew],
    near: Sequence[Stop],
    batches: Sequence[_Batch],
    params: SolveParams,
) -> tuple[list[Route], list[Unassigned]]:
    """Route riders over the direct stops and the relay batches."""
    served = serve(
        day.rules,
        day.canteen.location,
        crews,
        near,
        params,
        not_before_s=day.canteen.meals_ready_s,
        span_s=day.rules.settings.max_door_to_door_s,
        handovers=[b.handover() for b in batches],
    )
    lost = served.unassigned
    for batch in (batches[k] for k in served.missed_handovers):
        reason = text("no_rider_for_relay", relay=batch.point.id)
        lost += unassigned(
            [c for s in batch.stops for c in s.clients], "no_rider_for_relay", reason
        )
    return [route for _, route in served.routes], lost


def _last_leg(
    day: Day, rider_routes: Sequence[Route], batches: Sequence[_Batch], params: SolveParams
) -> tuple[list[Route], list[Unassigned]]:
    """Route each served batch's walkers from the rider's actual hand-over."""
    limit = day.rules.settings.relay_max_door_to_door_s
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
            served = serve(
                day.rules, batch.point.location, crews, batch.stops, params,
                not_before_s=handed, span_s=None, origin=text("from_relay", relay=batch.point.id),
            )  # fmt: skip
            by_id = {c.id: c for s in batch.stops for c in s.clients}
            reason = text("relay_late", relay=batch.point.id)
            late = [by_id[u.client] for u in served.unassigned]
            lost += unassigned(late, "relay_late", reason)
            routes += [_pick_up(route, step, rider.courier) for _, route in served.routes]
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
