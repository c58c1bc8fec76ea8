"""One leg of a day: workers leave one depot and serve stops; routes and a reason for the rest.

A leg is what every way of delivering is made of: couriers from the canteen to the doors,
riders from the canteen to the doors and to relay points, grid workers from a relay point
to the doors. ``serve`` screens each stop (who climbs there, who can reach it inside its
window and the food-safety limits), asks the engine portfolio for routes and turns them
into plan steps; every stop left out gets its reason in plain words. Travel uses each
worker's weather-adjusted speed, and the weather's extra seconds per stop and per stairs
floor are added on arrival (parking, rain gear, wet stairs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from dispatch.messages import Text, text
from dispatch.model import (
    Courier,
    Location,
    RelayPoint,
    Route,
    Settings,
    Unassigned,
)
from dispatch.planning import objective
from dispatch.planning.reasons import Limits, Reach, no_climber, on_foot, unassigned, unreachable
from dispatch.planning.route_steps import plan_route
from dispatch.planning.stops import Stop
from dispatch.routing import portfolio
from dispatch.routing.problem import Node, Problem, SolveParams, Vehicle
from dispatch.routing.repair import repair
from dispatch.rules import may_serve, relay_handover_s, service_s

if TYPE_CHECKING:  # values handed in; this module only calls their methods
    from dispatch.travel.conditions import Conditions
    from dispatch.travel.matrices import TravelModel
    from dispatch.travel.matrix import TravelMatrix


@dataclass(frozen=True)
class DayRules:
    """What every leg of one day obeys, taken once from the scenario."""

    settings: Settings
    conditions: Conditions
    travel: TravelModel
    meals_ready_s: int
    keep: Mapping[str, str] = field(default_factory=dict)

    @property
    def cooked_by_s(self) -> int:
        """The latest moment a meal may be handed over (cooked-to-door limit)."""
        return self.meals_ready_s + self.settings.max_cooked_to_door_s

    @property
    def walk_only(self) -> str | None:
        """The weather level when only people on foot carry meals (else ``None``)."""
        conditions = self.conditions
        return conditions.level if conditions.operation == "walk_only" else None


@dataclass(frozen=True)
class Crew:
    """A worker and when they may leave the depot and must be done."""

    worker: Courier
    earliest_start_s: int
    latest_end_s: int


@dataclass(frozen=True)
class Handover:
    """Meals a rider brings to a relay point for some grid workers (``partners``)."""

    point: RelayPoint
    partners: tuple[str, ...]
    meals: int
    window_start_s: int
    window_end_s: int
    clients: int


@dataclass(frozen=True)
class _Target:
    """Something to visit once, at matrix ``column`` of its leg."""

    column: int
    location: Location
    meals: int
    service_s: int
    window_start_s: int
    window_end_s: int
    allowed: tuple[int, ...]
    drop_penalty: int
    stairs_floors: int = 0
    stop: Stop | None = None
    relay: Handover | None = None
    relay_position: int = -1


@dataclass
class Served:
    """A leg's outcome: routes (with the crew that drives each), who is left out and why,
    the positions of the hand-overs no rider could make, and of those each route makes."""

    routes: list[tuple[Crew, Route]]
    unassigned: list[Unassigned]
    missed_handovers: list[int]
    made_handovers: list[list[int]]


class Leg:
    """Travel between a depot (column 0) and ``places`` (columns 1…) for a crew."""

    def __init__(
        self, rules: DayRules, depot: Location, crews: Sequence[Crew], places: Sequence[Location]
    ) -> None:
        self.rules = rules
        self.depot = depot
        self.crews = tuple(crews)
        self.profiles = [rules.conditions.profile(c.worker) for c in self.crews]
        self.matrices = rules.travel.matrices([depot, *places], self.profiles)

    def matrix(self, crew: int) -> TravelMatrix:
        return self.matrices[self.profiles[crew]]

    def extra_s(self, crew: int, stairs_floors: int) -> int:
        mode = self.crews[crew].worker.mode
        return self.rules.conditions.arrival_extra_s(mode, stairs_floors)

    def reach_s(self, crew: int, place: int, stairs_floors: int = 0) -> int:
        """Seconds from leaving the depot to being ready to serve at ``places[place]``."""
        return int(self.matrix(crew).time_s[0, place + 1]) + self.extra_s(crew, stairs_floors)


def serve(
    rules: DayRules,
    depot: Location,
    crews: Sequence[Crew],
    stops: Sequence[Stop],
    params: SolveParams,
    *,
    not_before_s: int,
    span_s: int | None,
    handovers: Sequence[Handover] = (),
    origin: Text | None = None,
) -> Served:
    """Route ``crews`` from ``depot`` over ``stops`` (and relay ``handovers``).

    Stops are served no earlier than ``not_before_s`` and within ``span_s`` of leaving
    the depot (``None``: no such limit); a stop nobody can serve in time is reported with
    the reason why (naming the depot as ``origin``, by default the canteen), as is every
    stop the solver leaves out. A crew with no time at all (must be done before it may
    leave) takes no part.
    """
    crews = [c for c in crews if c.earliest_start_s <= c.latest_end_s]
    places = [*(s.location for s in stops), *(h.point.location for h in handovers)]
    leg = Leg(rules, depot, crews, places)
    targets, lost = _stop_targets(leg, stops, not_before_s, origin)
    targets += [_handover_target(leg, h, len(stops) + k, k) for k, h in enumerate(handovers)]
    routes, dropped, made = _solve(leg, targets, params, span_s)
    capacity = sum(c.worker.capacity for c in crews)
    lost += _dropped_reasons(targets, dropped, capacity, rules.walk_only)
    missed = [t.relay_position for t in dropped if t.relay is not None]
    return Served(routes, lost, missed, made)


def _stop_targets(
    leg: Leg, stops: Sequence[Stop], not_before_s: int, origin: Text | None = None
) -> tuple[list[_Target], list[Unassigned]]:
    """Targets for the stops some crew can serve in time, reasons for the others (which name
    the depot as ``origin``, by default the canteen)."""
    origin = origin or text("from_canteen")
    targets: list[_Target] = []
    lost: list[Unassigned] = []
    for k, stop in enumerate(stops):
        target, reasons = _stop_target(leg, stop, k, not_before_s, origin)
        lost += reasons
        if target is not None:
            targets.append(target)
    return targets, lost


def _stop_target(
    leg: Leg, stop: Stop, place: int, not_before_s: int, origin: Text
) -> tuple[_Target | None, list[Unassigned]]:
    """The stop as a target for the crews who can reach it in time, or why nobody can."""
    settings = leg.rules.settings
    service = service_s(stop.clients, settings)
    start = max(not_before_s, stop.window.start_s if stop.window else 0)
    end = leg.rules.cooked_by_s - service
    if stop.window:
        end = min(end, stop.window.end_s)
    able = []
    for i, crew in enumerate(leg.crews):
        reach = leg.reach_s(i, place, stop.stairs_floors)
        begin = max(crew.earliest_start_s + reach, start)
        if (
            may_serve(crew.worker, stop.clients)
            and reach + service <= settings.max_door_to_door_s
            and begin <= end
            and begin + service <= crew.latest_end_s
        ):
            able.append(i)
    if not able:
        return None, _unreachable(leg, stop, place, service, start, origin)
    target = _Target(
        column=place + 1,
        location=stop.location,
        meals=stop.meals,
        service_s=service,
        window_start_s=start,
        window_end_s=end,
        allowed=tuple(able),
        drop_penalty=len(stop.clients),
        stairs_floors=stop.stairs_floors,
        stop=stop,
    )
    return target, []


def _unreachable(
    leg: Leg, stop: Stop, place: int, service: int, start_s: int, origin: Text
) -> list[Unassigned]:
    """The plain-words reason a stop cannot be reached in time by any crew who climbs there."""
    climbers = [i for i, c in enumerate(leg.crews) if may_serve(c.worker, stop.clients)]
    if not climbers:  # e.g. on a relay day, a near stop only a grid worker climbs to
        if not leg.crews:
            return unassigned(stop.clients, "no_time", text("no_time"))
        floor = max(c.floor for c in stop.clients if not (c.lift or c.helper))
        reason = no_climber([c.worker for c in leg.crews], floor)
        return unassigned(stop.clients, "no_climber", reason)
    reaches = [
        Reach(
            leave_s=leg.crews[i].earliest_start_s,
            reach_s=leg.reach_s(i, place, stop.stairs_floors),
            shift_end_s=leg.crews[i].latest_end_s,
        )
        for i in climbers
    ]
    limits = Limits(
        door_to_door_s=leg.rules.settings.max_door_to_door_s,
        meals_ready_s=leg.rules.meals_ready_s,
        cooked_to_door_s=leg.rules.settings.max_cooked_to_door_s,
        origin=origin,
        walk_only=leg.rules.walk_only,
    )
    window_end = stop.window.end_s if stop.window else None
    code, reason = unreachable(reaches, service, start_s, window_end, limits)
    return unassigned(stop.clients, code, reason)


def _handover_target(leg: Leg, handover: Handover, place: int, position: int) -> _Target:
    carriers = tuple(i for i, c in enumerate(leg.crews) if c.worker.capacity >= handover.meals)
    return _Target(
        column=place + 1,
        location=handover.point.location,
        meals=handover.meals,
        service_s=relay_handover_s(handover.meals, leg.rules.settings),
        window_start_s=handover.window_start_s,
        window_end_s=handover.window_end_s,
        allowed=carriers,
        drop_penalty=handover.clients,
        relay=handover,
        relay_position=position,
    )


def _dropped_reasons(
    targets: Sequence[_Target], dropped: Sequence[_Target], capacity: int, walk_only: str | None
) -> list[Unassigned]:
    """Stops the solver left out: short of capacity overall, or short of time."""
    demand = sum(t.meals for t in targets)
    left_out = {id(t) for t in dropped}
    served = [c for t in targets if t.stop and id(t) not in left_out for c in t.stop.clients]
    code = "no_capacity" if demand > capacity else "no_time"
    reason = on_foot(text(code, demand=demand, capacity=capacity), walk_only)
    out: list[Unassigned] = []
    for target in (t for t in dropped if t.stop is not None):
        assert target.stop is not None
        clients, gave_way = objective.outranked(target.stop.clients, served)
        out += gave_way + unassigned(clients, code, reason)
    return out


def _solve(
    leg: Leg, targets: Sequence[_Target], params: SolveParams, span_s: int | None
) -> tuple[list[tuple[Crew, Route]], list[_Target], list[list[int]]]:
    """Routes as ``(crew, route)``, the targets left unvisited, each route's hand-overs."""
    if not targets or not leg.crews:
        return [], list(targets), []
    problem = _problem(leg, targets, span_s)
    # A budget-stopped search may leave out a stop that still fits: put it in.
    solution = repair(problem, portfolio.solve(problem, params))
    routes = [
        (
            leg.crews[r.vehicle],
            plan_route(
                leg, r.vehicle, r.departure_s, [(targets[v.node], v.start_s) for v in r.visits]
            ),
        )
        for r in solution.routes
    ]
    made = [
        [targets[v.node].relay_position for v in r.visits if targets[v.node].relay is not None]
        for r in solution.routes
    ]
    return routes, [targets[k] for k in solution.dropped], made


def _problem(leg: Leg, targets: Sequence[_Target], span_s: int | None) -> Problem:
    keep = [0, *(t.column for t in targets)]
    distinct = list(dict.fromkeys(leg.profiles))
    time_s = []
    for profile in distinct:
        crew = leg.profiles.index(profile)
        extra = np.array([0] + [leg.extra_s(crew, t.stairs_floors) for t in targets])
        travel = leg.matrices[profile].time_s[np.ix_(keep, keep)] + extra[None, :]
        np.fill_diagonal(travel, 0)  # staying put costs nothing, whatever the weather
        time_s.append(travel)
    vehicles = tuple(
        Vehicle(
            profile=distinct.index(leg.profiles[i]),
            capacity=c.worker.capacity,
            earliest_start_s=c.earliest_start_s,
            latest_end_s=c.latest_end_s,
            max_span_s=span_s,
        )
        for i, c in enumerate(leg.crews)
    )
    crew_of = {c.worker.id: i for i, c in enumerate(leg.crews)}
    preferences = [_preference(leg.rules.keep, t, crew_of) for t in targets]
    settings, ready_s = leg.rules.settings, leg.rules.meals_ready_s
    weights = objective.drop_weights(c for t in targets if t.stop for c in t.stop.clients)
    top = max(weights.values(), default=1)  # a relay hand-over weighs as its best client could
    nodes = tuple(
        Node(
            demand=t.meals,
            service_s=t.service_s,
            window_start_s=t.window_start_s,
            window_end_s=t.window_end_s,
            allowed_vehicles=t.allowed,
            drop_penalty=(
                objective.drop_penalty(t.stop.clients, weights) if t.stop else t.drop_penalty * top
            ),
            stairs_floors=t.stairs_floors,
            preferred_vehicle=preferred,
            keep_weight=weight,
            time_costs=objective.time_costs(t.stop.clients, settings, ready_s) if t.stop else (),
        )
        for t, (preferred, weight) in zip(targets, preferences, strict=True)
    )
    return Problem(
        time_s=tuple(time_s),
        nodes=nodes,
        vehicles=vehicles,
        return_to_depot=False,
        climb_balance_cost=settings.climb_balance_s_per_floor,
        keep_cost=settings.keep_courier_s,
    )


def _preference(
    keep: Mapping[str, str], target: _Target, crew_of: Mapping[str, int]
) -> tuple[int | None, int]:
    """The crew most of the target's clients had before, and how many of them."""
    clients = target.stop.clients if target.stop is not None else ()
    before = Counter(keep[c.id] for c in clients if keep.get(c.id) in crew_of)
    if not before:
        return None, 0
    courier, weight = before.most_common(1)[0]
    return crew_of[courier], weight
