"""The morning run: scenario → stops → routing problem → solved, verified plan.

Clients nobody can serve are screened out first with a specific reason (nobody climbs
that high, too many meals, too far for the food-safety limit, window already over);
what the solver leaves unvisited is reported as a capacity or time shortage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from dispatch import solver
from dispatch.matrix import TravelMatrix, travel_matrices
from dispatch.messages import Text, text
from dispatch.model import (
    Client,
    Courier,
    Plan,
    Route,
    Scenario,
    Step,
    Unassigned,
    clock,
)
from dispatch.stops import Stop, build_stops, may_serve, service_s
from dispatch.verify import verify
from dispatch.vrp import Node, Problem, SolveParams, Vehicle, VehicleRoute


@dataclass(frozen=True)
class _Candidate:
    """A stop with its service time, effective window and the couriers who can reach it."""

    stop: Stop
    column: int
    service_s: int
    window_start_s: int
    window_end_s: int
    couriers: tuple[int, ...]


def plan_day(
    scenario: Scenario, *, time_limit_s: float | None = None, seed: int | None = None
) -> Plan:
    """Plan the day's routes; the returned plan carries the verifier's findings."""
    settings = scenario.settings
    params = SolveParams(
        time_limit_s=settings.time_limit_s if time_limit_s is None else time_limit_s,
        seed=settings.seed if seed is None else seed,
    )
    servable, unassigned = _screen_clients(scenario, scenario.active_clients())
    stops = build_stops(scenario, servable)
    points = [scenario.canteen.location] + [s.location for s in stops]
    matrices = travel_matrices(points, [c.mode for c in scenario.couriers], settings)
    candidates, unreachable = _screen_stops(scenario, stops, matrices)
    unassigned += unreachable
    solution = solver.solve(_problem(scenario, candidates, matrices), params)
    routes = tuple(_route(scenario, candidates, matrices, r) for r in solution.routes)
    dropped = [candidates[k].stop for k in solution.dropped]
    unassigned += _dropped_reasons(scenario, candidates, dropped)
    plan = Plan(
        scenario=scenario.name,
        routes=routes,
        unassigned=tuple(sorted(unassigned, key=lambda u: u.client)),
        time_limit_s=params.time_limit_s,
        seed=params.seed,
    )
    return replace(plan, violations=tuple(verify(scenario, plan)))


def _unassigned(clients: Sequence[Client], code: str, reason: Text) -> list[Unassigned]:
    return [Unassigned(c.id, code, reason.en, reason.zh) for c in clients]


def _screen_clients(
    scenario: Scenario, clients: Sequence[Client]
) -> tuple[list[Client], list[Unassigned]]:
    """Drop clients no courier could ever serve: too high to climb, too many meals."""
    best_climb = max(c.max_floor_no_lift or 10**6 for c in scenario.couriers)
    capacity = max(c.capacity for c in scenario.couriers)
    servable: list[Client] = []
    unassigned: list[Unassigned] = []
    for client in clients:
        if not any(may_serve(c, [client]) for c in scenario.couriers):
            reason = text("no_climber", floor=client.floor, best=best_climb)
            unassigned += _unassigned([client], "no_climber", reason)
        elif client.meal_count > capacity:
            reason = text("over_capacity", meals=client.meal_count, capacity=capacity)
            unassigned += _unassigned([client], "over_capacity", reason)
        else:
            servable.append(client)
    return servable, unassigned


def _first_hand_over(courier: Courier, travel_s: int, meals_ready_s: int) -> int:
    return max(courier.shift.start_s, meals_ready_s) + travel_s


def _screen_stops(
    scenario: Scenario, stops: Sequence[Stop], matrices: dict[str, TravelMatrix]
) -> tuple[list[_Candidate], list[Unassigned]]:
    """Keep, per stop, the couriers who could reach it directly within every limit."""
    settings = scenario.settings
    ready = scenario.canteen.meals_ready_s
    candidates: list[_Candidate] = []
    unassigned: list[Unassigned] = []
    for k, stop in enumerate(stops):
        service = service_s(stop.clients, settings)
        start = max(ready, stop.window.start_s if stop.window else 0)
        end = ready + settings.max_cooked_to_door_s - service
        if stop.window:
            end = min(end, stop.window.end_s)
        able: list[int] = []
        for v, courier in enumerate(scenario.couriers):
            travel = int(matrices[courier.mode].time_s[0, k + 1])
            begin = max(_first_hand_over(courier, travel, ready), start)
            fits = (
                may_serve(courier, stop.clients)
                and travel + service <= settings.max_door_to_door_s
                and begin <= end
                and begin + service <= courier.shift.end_s
            )
            if fits:
                able.append(v)
        if able:
            candidates.append(_Candidate(stop, k + 1, service, start, end, tuple(able)))
        else:
            unassigned += _unreachable(scenario, stop, k + 1, service, end, matrices)
    return candidates, unassigned


def _unreachable(
    scenario: Scenario,
    stop: Stop,
    column: int,
    service: int,
    end_s: int,
    matrices: dict[str, TravelMatrix],
) -> list[Unassigned]:
    """The plain-words reason a stop cannot be reached by any courier who climbs there."""
    settings = scenario.settings
    ready = scenario.canteen.meals_ready_s
    climbers = [c for c in scenario.couriers if may_serve(c, stop.clients)]
    travel = {c.id: int(matrices[c.mode].time_s[0, column]) for c in climbers}
    shortest = min(travel.values())
    if shortest + service > settings.max_door_to_door_s:
        minutes = -(-(shortest + service) // 60)
        limit = settings.max_door_to_door_s // 60
        return _unassigned(stop.clients, "too_far", text("too_far", minutes=minutes, limit=limit))
    earliest = min(_first_hand_over(c, travel[c.id], ready) for c in climbers)
    reason = text("window_unreachable", earliest=clock(earliest), end=clock(end_s))
    return _unassigned(stop.clients, "window_unreachable", reason)


def _problem(
    scenario: Scenario, candidates: Sequence[_Candidate], matrices: dict[str, TravelMatrix]
) -> Problem:
    """The engine-neutral problem over the candidate stops (matrix index k + 1)."""
    modes = list(matrices)
    keep = [0] + [c.column for c in candidates]
    time_s = tuple(matrices[m].time_s[np.ix_(keep, keep)] for m in modes)
    ready = scenario.canteen.meals_ready_s
    vehicles = tuple(
        Vehicle(
            profile=modes.index(c.mode),
            capacity=c.capacity,
            earliest_start_s=max(c.shift.start_s, ready),
            latest_end_s=c.shift.end_s,
            max_span_s=scenario.settings.max_door_to_door_s,
        )
        for c in scenario.couriers
    )
    nodes = tuple(
        Node(
            demand=c.stop.meals,
            service_s=c.service_s,
            window_start_s=c.window_start_s,
            window_end_s=c.window_end_s,
            allowed_vehicles=c.couriers,
            drop_penalty=len(c.stop.clients),
        )
        for c in candidates
    )
    return Problem(time_s=time_s, nodes=nodes, vehicles=vehicles, return_to_depot=False)


def _route(
    scenario: Scenario,
    candidates: Sequence[_Candidate],
    matrices: dict[str, TravelMatrix],
    solved: VehicleRoute,
) -> Route:
    """A solved vehicle route → plan steps with times, travel and distance per leg."""
    courier = scenario.couriers[solved.vehicle]
    matrix = matrices[courier.mode]
    canteen = scenario.canteen.location
    steps = [Step("start", canteen, arrival_s=solved.departure_s, departure_s=solved.departure_s)]
    previous, ready_s = 0, solved.departure_s
    for visit in solved.visits:
        candidate = candidates[visit.node]
        column = candidate.column
        travel = int(matrix.time_s[previous, column])
        steps.append(
            Step(
                "delivery",
                candidate.stop.location,
                building=candidate.stop.building,
                clients=tuple(c.id for c in sorted(candidate.stop.clients, key=_by_floor)),
                arrival_s=visit.start_s,
                waiting_s=visit.start_s - (ready_s + travel),
                service_s=candidate.service_s,
                departure_s=visit.start_s + candidate.service_s,
                travel_s=travel,
                distance_m=int(matrix.distance_m[previous, column]),
            )
        )
        previous, ready_s = column, visit.start_s + candidate.service_s
    steps.append(Step("end", steps[-1].location, arrival_s=ready_s, departure_s=ready_s))
    return Route(courier=courier.id, steps=tuple(steps))


def _by_floor(client: Client) -> tuple[int, str]:
    return client.floor, client.id


def _dropped_reasons(
    scenario: Scenario, candidates: Sequence[_Candidate], dropped: Sequence[Stop]
) -> list[Unassigned]:
    """Stops the solver left out: short of capacity overall, or short of time."""
    demand = sum(c.stop.meals for c in candidates)
    capacity = sum(c.capacity for c in scenario.couriers)
    out: list[Unassigned] = []
    for stop in dropped:
        if demand > capacity:
            reason = text("no_capacity", demand=demand, capacity=capacity)
            out += _unassigned(stop.clients, "no_capacity", reason)
        else:
            out += _unassigned(stop.clients, "no_time", text("no_time"))
    return out
