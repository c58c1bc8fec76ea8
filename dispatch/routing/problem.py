"""The engine-neutral routing problem: what any solver engine is asked and answers.

Index 0 of every matrix is the depot; node ``k`` of ``Problem.nodes`` is matrix index
``k + 1``. All numbers are integers (seconds, metres, meals, cost units).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np


@dataclass(frozen=True, slots=True)
class Vehicle:
    """One vehicle: which travel profile it uses, what it carries, when it works."""

    profile: int
    capacity: int
    earliest_start_s: int
    latest_end_s: int
    max_span_s: int | None = None


@dataclass(frozen=True, slots=True)
class Node:
    """A place to visit once: demand, service time, window on the service start."""

    demand: int
    service_s: int
    window_start_s: int
    window_end_s: int
    allowed_vehicles: tuple[int, ...] | None = None
    drop_penalty: int | None = None
    stairs_floors: int = 0
    preferred_vehicle: int | None = None
    keep_weight: int = 0


@dataclass(frozen=True)
class Problem:
    """Vehicles, nodes and per-profile matrices (travel time is also the arc cost).

    Matrices are square, non-negative, with a zero diagonal.

    ``return_to_depot=False`` makes routes open: they end at the last visit and the
    vehicle's span runs from leaving the depot to finishing the last service.
    With ``minimise_vehicles`` the objective is fewest vehicles, then least travel time
    plus two soft costs, in the same seconds: ``climb_balance_cost`` per stairs floor
    climbed by the vehicle that climbs most (so one person does not climb everything),
    and ``keep_cost`` × ``keep_weight`` for a node served by another vehicle than its
    ``preferred_vehicle`` (so a re-plan does not reshuffle everyone).
    """

    time_s: tuple[np.ndarray, ...]
    nodes: tuple[Node, ...]
    vehicles: tuple[Vehicle, ...]
    return_to_depot: bool = True
    minimise_vehicles: bool = True
    climb_balance_cost: int = 0
    keep_cost: int = 0


@dataclass(frozen=True, slots=True)
class Visit:
    node: int
    start_s: int


@dataclass(frozen=True, slots=True)
class VehicleRoute:
    vehicle: int
    departure_s: int
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class Solution:
    """Routes of the used vehicles; ``dropped`` lists unvisited optional nodes."""

    routes: tuple[VehicleRoute, ...]
    dropped: tuple[int, ...]
    found: bool = True


@dataclass(frozen=True, slots=True)
class SolveParams:
    """How hard and how to search.

    ``time_limit_s`` is the wall-clock budget; a search also stops once its best plan
    has not improved for ``stall_s`` seconds (``None``: the engine's default, which is
    the whole budget for a single engine and ``portfolio.STALL_S`` for the portfolio).
    ``workers`` is how many processes the portfolio may use (``None``: up to two
    cores, one inside a worker process that already shares them).

    ``iterations`` makes the search reproducible whatever the machine's speed: each engine
    stops after that many iterations (PyVRP's iterated local search; solutions found by
    OR-Tools' local search), and neither the clock nor the stall rule stops it, so the same
    problem, seed and iterations give the same plan on any machine (tests use it).
    """

    time_limit_s: float = 10.0
    seed: int = 0
    stall_s: float | None = None
    workers: int | None = None
    iterations: int | None = None


def _soft_bound(problem: Problem) -> int:
    """An upper bound on the two soft costs of any plan."""
    floors = sum(n.stairs_floors for n in problem.nodes)
    moves = sum(n.keep_weight for n in problem.nodes)
    return problem.climb_balance_cost * floors + problem.keep_cost * moves


def fixed_vehicle_cost(problem: Problem) -> int:
    """What a used vehicle costs: more than any total travel and soft cost."""
    if not problem.minimise_vehicles:
        return 0
    longest_arc = max(int(t.max()) for t in problem.time_s)
    return longest_arc * (len(problem.nodes) + 1) + _soft_bound(problem) + 1


def drop_cost_unit(problem: Problem) -> int:
    """Cost of one drop-penalty unit: more than a vehicle and its two longest arcs."""
    longest_arc = max(int(t.max()) for t in problem.time_s)
    return 2 * fixed_vehicle_cost(problem) + 2 * longest_arc + 1


def soft_cost(problem: Problem, solution: Solution) -> int:
    """The climbing-balance and keep-assignment costs of ``solution``."""
    climbed = [sum(problem.nodes[v.node].stairs_floors for v in r.visits) for r in solution.routes]
    moved = sum(
        problem.nodes[v.node].keep_weight
        for r in solution.routes
        for v in r.visits
        if problem.nodes[v.node].preferred_vehicle not in (None, r.vehicle)
    )
    return problem.climb_balance_cost * max(climbed, default=0) + problem.keep_cost * moved


def cost(problem: Problem, solution: Solution) -> tuple[int, int, int]:
    """Lexicographic cost: drop penalties, vehicles (if minimised), travel + soft costs.

    Travel back to the depot counts only on closed routes. Engines are compared on
    this, whatever their internal objective.
    """
    penalty = sum(problem.nodes[k].drop_penalty or 10**9 for k in solution.dropped)
    travel = 0
    for route in solution.routes:
        matrix = problem.time_s[problem.vehicles[route.vehicle].profile]
        path = [0, *(v.node + 1 for v in route.visits)]
        if problem.return_to_depot:
            path.append(0)
        travel += sum(int(matrix[a, b]) for a, b in pairwise(path))
    vehicles = len(solution.routes) if problem.minimise_vehicles else 0
    return penalty, vehicles, travel + soft_cost(problem, solution)


def check(problem: Problem, solution: Solution) -> list[str]:
    """Every rule of ``problem`` that ``solution`` breaks, times recomputed from the matrices.

    Each node is visited at most once and dropped only if optional; a vehicle runs one
    route, serves only nodes that allow it, within capacity; every stated service start
    is the earliest possible after leaving at ``departure_s`` and lies in the node's
    window; departure, end and span respect the vehicle. Empty means valid.
    """
    if not solution.found:
        return ["no solution"]
    found = _check_cover(problem, solution)
    for route in solution.routes:
        found += _check_route(problem, route)
    return found


def _check_cover(problem: Problem, solution: Solution) -> list[str]:
    found: list[str] = []
    visited = [v.node for r in solution.routes for v in r.visits]
    if len(visited) != len(set(visited)):
        found.append("a node is visited twice")
    if set(visited) & set(solution.dropped):
        found.append("a node is both visited and dropped")
    if set(visited) | set(solution.dropped) != set(range(len(problem.nodes))):
        found.append("a node is neither visited nor dropped")
    if any(problem.nodes[k].drop_penalty is None for k in solution.dropped):
        found.append("a mandatory node is dropped")
    vehicles = [r.vehicle for r in solution.routes]
    if len(vehicles) != len(set(vehicles)):
        found.append("a vehicle runs two routes")
    return found


def _check_route(problem: Problem, route: VehicleRoute) -> list[str]:
    vehicle = problem.vehicles[route.vehicle]
    matrix = problem.time_s[vehicle.profile]
    name = f"vehicle {route.vehicle}"
    found: list[str] = []
    nodes = [problem.nodes[v.node] for v in route.visits]
    if sum(n.demand for n in nodes) > vehicle.capacity:
        found.append(f"{name}: over capacity")
    if route.departure_s < vehicle.earliest_start_s:
        found.append(f"{name}: leaves before its start")
    t, previous = route.departure_s, 0
    for visit, node in zip(route.visits, nodes, strict=True):
        if node.allowed_vehicles is not None and route.vehicle not in node.allowed_vehicles:
            found.append(f"{name}: node {visit.node} does not allow it")
        t = max(t + int(matrix[previous, visit.node + 1]), node.window_start_s)
        if visit.start_s != t:
            found.append(f"{name}: node {visit.node} starts at {visit.start_s}, not {t}")
        if t > node.window_end_s:
            found.append(f"{name}: node {visit.node} starts after its window")
        t, previous = t + node.service_s, visit.node + 1
    if problem.return_to_depot:
        t += int(matrix[previous, 0])
    if t > vehicle.latest_end_s:
        found.append(f"{name}: ends after its shift")
    if vehicle.max_span_s is not None and t - route.departure_s > vehicle.max_span_s:
        found.append(f"{name}: span over {vehicle.max_span_s}")
    return found


def repair(problem: Problem, solution: Solution) -> Solution:
    """``solution`` with every dropped node that fits put in: at the cheapest position of a
    used vehicle's route, else with an idle vehicle, re-timed to keep every rule.

    A search stopped by its budget may leave out a node that still fits; a drop costs more
    than a vehicle, so each insertion lowers the cost. Untouched routes keep their times.
    """
    if not solution.found or not solution.dropped:
        return solution
    paths = {r.vehicle: [v.node for v in r.visits] for r in solution.routes}
    changed: set[int] = set()
    dropped = list(solution.dropped)
    for node in sorted(dropped, key=lambda k: -(problem.nodes[k].drop_penalty or 0)):
        choice = _cheapest_insertion(problem, paths, node)
        if choice is not None:
            paths[choice[0]] = choice[1]
            changed.add(choice[0])
            dropped.remove(node)
    if not changed:
        return solution
    kept = [r for r in solution.routes if r.vehicle not in changed]
    routes = kept + [_timed_route(problem, v, paths[v]) for v in sorted(changed)]
    return Solution(tuple(sorted(routes, key=lambda r: r.vehicle)), tuple(dropped))


def _cheapest_insertion(
    problem: Problem, paths: dict[int, list[int]], node: int
) -> tuple[int, list[int]] | None:
    """The vehicle and its new path that take ``node`` at the least extra travel (a new
    vehicle costs ``fixed_vehicle_cost`` more), or ``None`` when it fits nowhere."""
    wanted = problem.nodes[node]
    best: tuple[int, int, list[int]] | None = None
    for vehicle, spec in enumerate(problem.vehicles):
        allowed = wanted.allowed_vehicles
        path = paths.get(vehicle, [])
        load = sum(problem.nodes[k].demand for k in path)
        if (allowed is not None and vehicle not in allowed) or load + wanted.demand > spec.capacity:
            continue
        base = _travel(problem, vehicle, path) + (0 if path else fixed_vehicle_cost(problem))
        for k in range(len(path) + 1):
            candidate = [*path[:k], node, *path[k:]]
            if _schedule(problem, vehicle, candidate) is None:
                continue
            extra = _travel(problem, vehicle, candidate) - base
            if best is None or extra < best[0]:
                best = (extra, vehicle, candidate)
    return None if best is None else (best[1], best[2])


def _travel(problem: Problem, vehicle: int, path: list[int]) -> int:
    matrix = problem.time_s[problem.vehicles[vehicle].profile]
    stops = [0, *(k + 1 for k in path)] + ([0] if problem.return_to_depot and path else [])
    return sum(int(matrix[a, b]) for a, b in pairwise(stops))


def _run(
    problem: Problem, vehicle: int, path: list[int], departure_s: int
) -> tuple[list[int], int]:
    """Service starts (waiting for windows) and the route's end, leaving at ``departure_s``."""
    matrix = problem.time_s[problem.vehicles[vehicle].profile]
    t, previous, starts = departure_s, 0, []
    for k in path:
        node = problem.nodes[k]
        t = max(t + int(matrix[previous, k + 1]), node.window_start_s)
        starts.append(t)
        t, previous = t + node.service_s, k + 1
    return starts, t + (int(matrix[previous, 0]) if problem.return_to_depot else 0)


def _schedule(problem: Problem, vehicle: int, path: list[int]) -> tuple[int, list[int]] | None:
    """The earliest departure that keeps the span, and the starts, if every rule holds.

    Leaving later only delays starts and the end; leaving earlier only lengthens the span:
    the earliest departure that keeps the span decides.
    """
    spec = problem.vehicles[vehicle]
    departure = spec.earliest_start_s
    if spec.max_span_s is not None:
        departure = max(departure, _run(problem, vehicle, path, departure)[1] - spec.max_span_s)
    starts, end = _run(problem, vehicle, path, departure)
    late = any(s > problem.nodes[k].window_end_s for k, s in zip(path, starts, strict=True))
    too_long = spec.max_span_s is not None and end - departure > spec.max_span_s
    if late or too_long or end > spec.latest_end_s:
        return None
    return departure, starts


def _timed_route(problem: Problem, vehicle: int, path: list[int]) -> VehicleRoute:
    timed = _schedule(problem, vehicle, path)
    assert timed is not None  # every path kept by _cheapest_insertion has a schedule
    departure, starts = timed
    visits = tuple(Visit(k, s) for k, s in zip(path, starts, strict=True))
    return VehicleRoute(vehicle, departure, visits)
