"""The engine-neutral routing problem: what any solver engine is asked and answers.

Index 0 of every matrix is the depot; node ``k`` of ``Problem.nodes`` is matrix index
``k + 1``. All numbers are integers (seconds, metres, meals or items, cost units).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

# The plan checker lives beside this module and is part of its interface.
from dispatch.routing.checks import check as check
from dispatch.routing.checks import load_changes as load_changes
from dispatch.routing.checks import onboard_loads as onboard_loads


@dataclass(frozen=True, slots=True)
class Vehicle:
    """One vehicle: which travel profile it uses, what it carries, when it works; a span
    past ``span_target_s`` costs by the square of the excess (``Problem.span_excess_cost``),
    so work is shared out evenly."""

    profile: int
    capacity: int
    earliest_start_s: int
    latest_end_s: int
    max_span_s: int | None = None
    span_target_s: int | None = None


@dataclass(frozen=True, slots=True)
class TimeCost:
    """A soft target for a node's service start: seconds of travel per minute early or late.

    Per minute, so that a minute may weigh less than a minute of travel; ``of`` counts in
    sixtieths of a second (per minute × seconds off the target).
    """

    target_s: int
    early_per_min: int = 0
    late_per_min: int = 0

    def of(self, start_s: int) -> int:
        """The cost of starting at ``start_s``, in sixtieths of a second of travel."""
        early, late = max(0, self.target_s - start_s), max(0, start_s - self.target_s)
        return self.early_per_min * early + self.late_per_min * late


@dataclass(frozen=True, slots=True)
class Node:
    """A place to visit once: demand (items loaded at the depot and left here), service
    time, window on the service start, and soft targets for the service start
    (``time_costs``)."""

    demand: int
    service_s: int
    window_start_s: int
    window_end_s: int
    allowed_vehicles: tuple[int, ...] | None = None
    drop_penalty: int | None = None
    stairs_floors: int = 0
    preferred_vehicle: int | None = None
    keep_weight: int = 0
    time_costs: tuple[TimeCost, ...] = ()


@dataclass(frozen=True, slots=True)
class Pair:
    """A pickup and its delivery: ``amount`` items loaded at node ``pickup`` and left at
    node ``delivery`` (indices into ``Problem.nodes``), by one vehicle, pickup first.

    E.g. a grid service team member fetching medicine at a service station for a household.
    """

    pickup: int
    delivery: int
    amount: int

    def __post_init__(self) -> None:
        if self.pickup == self.delivery:
            raise ValueError(f"pair: pickup and delivery are both node {self.pickup}")
        if self.amount < 0:
            raise ValueError(f"pair: amount {self.amount} is negative")


@dataclass(frozen=True)
class Problem:
    """Vehicles, nodes and per-profile matrices (travel time is also the arc cost).

    Matrices are square, non-negative, with a zero diagonal.

    ``return_to_depot=False`` makes routes open: they end at the last visit and the
    vehicle's span runs from leaving the depot to finishing the last service.
    With ``minimise_vehicles`` the objective is fewest vehicles, then least travel time
    plus soft costs, in the same seconds: ``climb_balance_cost`` per stairs floor
    climbed by the vehicle that climbs most (so one person does not climb everything),
    and ``keep_cost`` × ``keep_weight`` for a node served by another vehicle than its
    ``preferred_vehicle`` (so a re-plan does not reshuffle everyone); and each node's
    ``time_costs`` at its service start (e.g. how long after cooking the meal is handed
    over, or how far from a client's preferred time); and, for a vehicle's span (leaving to
    done) ``e`` seconds past its ``span_target_s``, ``span_excess_cost`` × e² / 60 seconds:
    by the square, so two half days cost less than one whole (a team's work shared out).

    ``pairs`` are pickups and deliveries: each pair's two nodes are served by one vehicle,
    the pickup first, and are both visited or both dropped. A node is an end of at most
    one pair. A route's on-board load starts at the sum of its nodes' ``demand`` (loaded
    at the depot); each visit takes off the node's demand, adds a pair's ``amount`` at its
    pickup and takes it off at its delivery; it stays within the vehicle's capacity
    throughout (``onboard_loads``). Without pairs that is: the demand fits.
    """

    time_s: tuple[np.ndarray, ...]
    nodes: tuple[Node, ...]
    vehicles: tuple[Vehicle, ...]
    return_to_depot: bool = True
    minimise_vehicles: bool = True
    climb_balance_cost: int = 0
    keep_cost: int = 0
    span_excess_cost: int = 0
    pairs: tuple[Pair, ...] = ()

    def __post_init__(self) -> None:
        ends: set[int] = set()
        for i, pair in enumerate(self.pairs):
            for k in (pair.pickup, pair.delivery):
                if not 0 <= k < len(self.nodes):
                    raise ValueError(f"pairs[{i}]: node {k} is not a node of the problem")
                if k in ends:
                    raise ValueError(f"pairs[{i}]: node {k} is an end of another pair too")
                ends.add(k)


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


def has_time_costs(problem: Problem) -> bool:
    """Whether some node has a soft target for its service start."""
    return any(n.time_costs for n in problem.nodes)


def has_soft_costs(problem: Problem) -> bool:
    """Whether the objective has costs PyVRP does not see (climbing, keeping, time, spans)."""
    climbs = problem.climb_balance_cost > 0 and any(n.stairs_floors for n in problem.nodes)
    keeps = problem.keep_cost > 0 and any(n.preferred_vehicle is not None for n in problem.nodes)
    return climbs or keeps or has_time_costs(problem) or has_span_targets(problem)


def has_span_targets(problem: Problem) -> bool:
    """Whether some vehicle's span past a target costs."""
    return problem.span_excess_cost > 0 and any(
        v.span_target_s is not None for v in problem.vehicles
    )


def untimed(problem: Problem) -> Problem:
    """``problem`` without its time costs (the same problem when it has none)."""
    if not has_time_costs(problem):
        return problem
    return replace(problem, nodes=tuple(replace(n, time_costs=()) for n in problem.nodes))


def retimed(problem: Problem, solution: Solution) -> Solution:
    """``solution``'s routes timed by ``schedule`` for ``problem``."""
    if not solution.found:
        return solution
    routes = tuple(
        schedule(problem, r.vehicle, [v.node for v in r.visits]) for r in solution.routes
    )
    return replace(solution, routes=routes)


def _soft_bound(problem: Problem) -> int:
    """An upper bound on the soft costs of any plan."""
    floors = sum(n.stairs_floors for n in problem.nodes)
    moves = sum(n.keep_weight for n in problem.nodes)
    times = sum(
        max(c.of(n.window_start_s), c.of(n.window_end_s))
        for n in problem.nodes
        for c in n.time_costs
    )
    spans = sum(
        max(0, v.latest_end_s - v.earliest_start_s - v.span_target_s) ** 2
        for v in problem.vehicles
        if v.span_target_s is not None
    )
    soft = problem.climb_balance_cost * floors + problem.keep_cost * moves + -(-times // 60)
    return soft + -(-problem.span_excess_cost * spans // 60)


def fixed_vehicle_cost(problem: Problem) -> int:
    """What a used vehicle costs: more than any total travel and soft cost."""
    if not problem.minimise_vehicles:
        return 0
    longest_arc = max(int(t.max()) for t in problem.time_s)
    return longest_arc * (len(problem.nodes) + 1) + _soft_bound(problem) + 1


def drop_cost_unit(problem: Problem) -> int:
    """Cost of one drop-penalty unit: more than a vehicle and its two longest arcs (and,
    with span targets, than every span's cost: sharing work out never beats serving)."""
    longest_arc = max(int(t.max()) for t in problem.time_s)
    shares = _soft_bound(problem) if has_span_targets(problem) else 0
    return 2 * fixed_vehicle_cost(problem) + 2 * longest_arc + 1 + shares


def time_cost(problem: Problem, solution: Solution) -> int:
    """The nodes' ``time_costs`` at their stated service starts, in sixtieths of a second."""
    return sum(
        c.of(v.start_s)
        for r in solution.routes
        for v in r.visits
        for c in problem.nodes[v.node].time_costs
    )


def soft_cost(problem: Problem, solution: Solution) -> float:
    """The climbing-balance, keep-assignment and time costs of ``solution``, in seconds."""
    climbed = [sum(problem.nodes[v.node].stairs_floors for v in r.visits) for r in solution.routes]
    moved = sum(
        problem.nodes[v.node].keep_weight
        for r in solution.routes
        for v in r.visits
        if problem.nodes[v.node].preferred_vehicle not in (None, r.vehicle)
    )
    balance = problem.climb_balance_cost * max(climbed, default=0)
    excess = span_excess(problem, solution)
    return balance + problem.keep_cost * moved + time_cost(problem, solution) / 60 + excess


def route_end(problem: Problem, route: VehicleRoute) -> int:
    """When ``route`` is done: its last service over (and back at the depot, if it returns)."""
    if not route.visits:
        return route.departure_s
    last = route.visits[-1]
    end = last.start_s + problem.nodes[last.node].service_s
    if problem.return_to_depot:
        matrix = problem.time_s[problem.vehicles[route.vehicle].profile]
        end += int(matrix[last.node + 1, 0])
    return end


def span_excess(problem: Problem, solution: Solution) -> float:
    """The routes' spans past their vehicles' targets as they cost: the sum of the squared
    seconds over, × ``span_excess_cost`` / 60, in seconds."""
    total = 0
    for route in solution.routes:
        target = problem.vehicles[route.vehicle].span_target_s
        if target is not None:
            total += max(0, route_end(problem, route) - route.departure_s - target) ** 2
    return problem.span_excess_cost * total / 60


def cost(problem: Problem, solution: Solution) -> tuple[int, int, float]:
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


def schedule(problem: Problem, vehicle: int, nodes: Sequence[int]) -> VehicleRoute:
    """The departure of least time cost (the latest among equals), then each service as
    early as possible: the schedule every engine's routes get.

    After leaving at ``D`` the ``i``-th service starts at ``max(D + A[i], B[i])`` (``A``:
    travel and service so far, ``B``: the latest window start pushed forward), so every
    service start, and every node's time cost, is a piecewise-linear function of ``D``
    alone; its minimum over the departures that keep every rule lies at a kink or an end.
    Without time costs this is the latest departure: the shortest time in the box.
    """
    spec = problem.vehicles[vehicle]
    matrix = problem.time_s[spec.profile]
    path = [0, *(k + 1 for k in nodes)]
    offsets, floors = [], []
    a, b, service = 0, -(2**62), 0
    for position, k in enumerate(nodes):
        leg = service + int(matrix[path[position], path[position + 1]])
        a, b = a + leg, max(b + leg, problem.nodes[k].window_start_s)
        offsets.append(a)
        floors.append(b)
        service = problem.nodes[k].service_s
    back = int(matrix[path[-1], 0]) if problem.return_to_depot else 0
    latest = min(
        [spec.latest_end_s - (a + service + back)]
        + [problem.nodes[k].window_end_s - o for k, o in zip(nodes, offsets, strict=True)]
    )
    earliest = spec.earliest_start_s
    if spec.max_span_s is not None and nodes:
        earliest = max(earliest, b + service + back - spec.max_span_s)
    if latest < earliest:  # no departure keeps every rule: ``check`` says which breaks
        departure = max(spec.earliest_start_s, latest)
    else:
        departure = _least_cost_departure(problem, nodes, offsets, floors, earliest, latest)
    visits = [
        Visit(node=k, start_s=max(departure + o, f))
        for k, o, f in zip(nodes, offsets, floors, strict=True)
    ]
    return VehicleRoute(vehicle=vehicle, departure_s=departure, visits=tuple(visits))


def _least_cost_departure(
    problem: Problem,
    nodes: Sequence[int],
    offsets: Sequence[int],
    floors: Sequence[int],
    earliest_s: int,
    latest_s: int,
) -> int:
    """The latest of the departures in ``[earliest_s, latest_s]`` with the least time cost."""
    costs = list(zip(nodes, offsets, floors, strict=True))
    if not any(problem.nodes[k].time_costs for k in nodes):
        return latest_s
    kinks = {latest_s}
    for k, o, f in costs:
        kinks.add(f - o)
        kinks.update(c.target_s - o for c in problem.nodes[k].time_costs)
    candidates = sorted({min(max(d, earliest_s), latest_s) for d in kinks}, reverse=True)

    def total(departure: int) -> int:
        return sum(
            c.of(max(departure + o, f)) for k, o, f in costs for c in problem.nodes[k].time_costs
        )

    return min(candidates, key=total)  # the first minimum: the latest departure
