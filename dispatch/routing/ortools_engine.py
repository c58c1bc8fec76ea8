"""The OR-Tools engine: build a routing model from a ``Problem``, solve, read back.

This is the only module that imports OR-Tools. It is a pure function of its inputs:
no printing, no files. Pickup-and-delivery pairs are OR-Tools' own pickups and
deliveries, with the load dimension counting what is on board.
"""

from __future__ import annotations

import math
from dataclasses import replace
from time import monotonic

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from dispatch.routing.problem import (
    Node,
    Problem,
    Solution,
    SolveParams,
    VehicleRoute,
    drop_cost_unit,
    fixed_vehicle_cost,
    has_time_costs,
    load_changes,
    schedule,
    untimed,
)

# The search: parallel cheapest insertion for a first plan, then guided local search.
FIRST_SOLUTION = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
METAHEURISTIC = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH

# Costs count in sixtieths of a second, so that time costs per minute stay integers.
_SCALE = 60

_TIME = "time"
_LOAD = "load"
_FLOORS = "floors"


def solve(problem: Problem, params: SolveParams, start: Solution | None = None) -> Solution:
    """Solve ``problem`` within ``params.time_limit_s`` seconds (or ``stall_s`` idle).

    From ``start`` (another engine's routes) the search improves those. Otherwise, with
    time costs, it runs twice on half the budget each: first without them (soft time
    bounds slow the search for fewer vehicles), then with them from the routes found.
    """
    if not problem.vehicles or not problem.nodes:
        return Solution(routes=(), dropped=tuple(range(len(problem.nodes))))
    if start is not None or not has_time_costs(problem):
        return _search(problem, params, start)
    half = replace(
        params,
        time_limit_s=params.time_limit_s / 2,
        iterations=max(1, params.iterations // 2) if params.iterations else None,
    )
    first = _search(untimed(problem), half)
    return _search(problem, half, first if first.found else None)


def _search(problem: Problem, params: SolveParams, start: Solution | None = None) -> Solution:
    manager = pywrapcp.RoutingIndexManager(len(problem.nodes) + 1, len(problem.vehicles), 0)
    routing = pywrapcp.RoutingModel(manager)
    times, costs = _transit_matrices(problem)
    # A vehicle costs more than any total travel, so fewer vehicles always win; a drop
    # costs more than a vehicle and its two longest arcs, so serving always beats dropping.
    time = _add_time(problem, routing, times, costs, fixed_vehicle_cost(problem) * _SCALE)
    if problem.pairs:
        _add_onboard_load(problem, routing)
        _add_pairs(problem, manager, routing, time)
    else:
        _add_load(problem, routing)
    _add_climb_balance(problem, routing)
    _add_nodes(problem, manager, routing, time, drop_cost_unit(problem) * _SCALE)
    _add_vehicles(problem, routing, time)
    limit: object = (
        _add_budget(routing, params.iterations)
        if params.iterations
        else _add_stall_limit(routing, params.stall_s)
    )
    search = _search_parameters(params)
    routing.CloseModelWithParameters(search)
    initial = None
    if start is not None:  # None too when the routes do not fit the model
        routes = [[v.node + 1 for v in r.visits] for r in _all_routes(problem, start)]
        initial = routing.ReadAssignmentFromRoutes(routes, True)
    if initial is None:
        assignment = routing.SolveWithParameters(search)
    else:
        assignment = routing.SolveFromAssignmentWithParameters(initial, search) or initial
    del limit  # kept alive through the search
    if assignment is None:
        return Solution(routes=(), dropped=(), found=False)
    return _read_back(problem, manager, routing, assignment)


def _all_routes(problem: Problem, solution: Solution) -> list[VehicleRoute]:
    """One route per vehicle, empty for the unused ones, in vehicle order."""
    by_vehicle = {r.vehicle: r for r in solution.routes}
    empty = VehicleRoute(vehicle=-1, departure_s=0, visits=())
    return [by_vehicle.get(v, empty) for v in range(len(problem.vehicles))]


class _StallLimit:
    """Tells the search to stop once the best cost has not improved for ``stall_s``."""

    def __init__(self, routing: pywrapcp.RoutingModel, stall_s: float) -> None:
        self._routing = routing
        self._stall_s = stall_s
        self._best: int | None = None
        self._improved = monotonic()

    def at_solution(self) -> None:
        value = self._routing.CostVar().Value()
        if self._best is None or value < self._best:
            self._best, self._improved = value, monotonic()

    def stalled(self) -> bool:
        return self._best is not None and monotonic() - self._improved >= self._stall_s


def _add_stall_limit(
    routing: pywrapcp.RoutingModel, stall_s: float | None
) -> tuple[_StallLimit, pywrapcp.SearchLimit] | None:
    """The limit and its monitor; the caller keeps them alive for the search."""
    if stall_s is None or math.isinf(stall_s):
        return None
    limit = _StallLimit(routing, stall_s)
    routing.AddAtSolutionCallback(limit.at_solution)
    monitor = routing.solver().CustomLimit(limit.stalled)
    routing.AddSearchMonitor(monitor)
    return limit, monitor


# A search that finds no new solution (a tiny problem, its optimum found) still makes search
# steps; at this many limit checks per iteration it stops, counted, never timed.
_CHECKS_PER_ITERATION = 2000
_BACKSTOP_S = 3600.0


class _Budget:
    """Tells the search to stop after ``iterations`` solutions or their share of search steps."""

    def __init__(self, iterations: int) -> None:
        self._solutions_left = iterations
        self._checks_left = iterations * _CHECKS_PER_ITERATION

    def at_solution(self) -> None:
        self._solutions_left -= 1

    def spent(self) -> bool:
        self._checks_left -= 1
        return self._solutions_left <= 0 or self._checks_left <= 0


def _add_budget(
    routing: pywrapcp.RoutingModel, iterations: int
) -> tuple[_Budget, pywrapcp.SearchLimit]:
    """A reproducible limit and its monitor; the caller keeps them alive for the search."""
    budget = _Budget(iterations)
    routing.AddAtSolutionCallback(budget.at_solution)
    monitor = routing.solver().CustomLimit(budget.spent)
    routing.AddSearchMonitor(monitor)
    return budget, monitor


def _transit_matrices(problem: Problem) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per profile: time transit (service at the tail + travel) and arc cost (travel)."""
    service = np.array([0] + [n.service_s for n in problem.nodes], dtype=np.int64)
    times, costs = [], []
    for travel in problem.time_s:
        transit = travel.astype(np.int64) + service[:, None]
        cost = travel.astype(np.int64).copy()
        if not problem.return_to_depot:
            transit[:, 0] = service
            cost[:, 0] = 0
        times.append(transit)
        costs.append(cost)
    return times, costs


def _add_time(
    problem: Problem,
    routing: pywrapcp.RoutingModel,
    times: list[np.ndarray],
    costs: list[np.ndarray],
    fixed: int,
) -> pywrapcp.RoutingDimension:
    time_callbacks = [routing.RegisterTransitMatrix(t.tolist()) for t in times]
    for v, cost in enumerate(_vehicle_costs(problem, routing, costs)):
        routing.SetArcCostEvaluatorOfVehicle(cost, v)
        routing.SetFixedCostOfVehicle(fixed, v)
    horizon = max(
        max(v.latest_end_s for v in problem.vehicles),
        max(n.window_end_s + n.service_s for n in problem.nodes),
    )
    per_vehicle = [time_callbacks[v.profile] for v in problem.vehicles]
    routing.AddDimensionWithVehicleTransits(per_vehicle, horizon, horizon, False, _TIME)
    return routing.GetDimensionOrDie(_TIME)


def _vehicle_costs(
    problem: Problem, routing: pywrapcp.RoutingModel, costs: list[np.ndarray]
) -> list[int]:
    """Arc-cost callbacks per vehicle: travel, plus the keep cost for entering a node
    preferred by another vehicle (one matrix per vehicle only when some node has one)."""
    preferred = [n.preferred_vehicle for n in problem.nodes]
    if problem.keep_cost <= 0 or all(p is None for p in preferred):
        shared = [routing.RegisterTransitMatrix((c * _SCALE).tolist()) for c in costs]
        return [shared[v.profile] for v in problem.vehicles]
    weight = np.array([0] + [n.keep_weight for n in problem.nodes], dtype=np.int64)
    owner = np.array([-1] + [-1 if p is None else p for p in preferred])
    callbacks = []
    for v, vehicle in enumerate(problem.vehicles):
        moved = (owner >= 0) & (owner != v)
        extra = np.where(moved, problem.keep_cost * weight, 0)
        scaled = (costs[vehicle.profile] + extra) * _SCALE
        callbacks.append(routing.RegisterTransitMatrix(scaled.tolist()))
    return callbacks


def _add_climb_balance(problem: Problem, routing: pywrapcp.RoutingModel) -> None:
    """Penalise the most stairs floors climbed by any one vehicle (a global span cost)."""
    floors = [0] + [n.stairs_floors for n in problem.nodes]
    if problem.climb_balance_cost <= 0 or not any(floors):
        return
    transit = routing.RegisterUnaryTransitVector(floors)
    routing.AddDimension(transit, 0, sum(floors), True, _FLOORS)
    dimension = routing.GetDimensionOrDie(_FLOORS)
    dimension.SetGlobalSpanCostCoefficient(problem.climb_balance_cost * _SCALE)


def _add_load(problem: Problem, routing: pywrapcp.RoutingModel) -> None:
    demand = routing.RegisterUnaryTransitVector([0] + [n.demand for n in problem.nodes])
    capacities = [v.capacity for v in problem.vehicles]
    routing.AddDimensionWithVehicleCapacity(demand, 0, capacities, True, _LOAD)


def _add_onboard_load(problem: Problem, routing: pywrapcp.RoutingModel) -> None:
    """The load on board: it starts at the route's depot demand (free start, end fixed to
    zero) and each visit changes it by ``load_changes``, which may be negative."""
    change = routing.RegisterUnaryTransitVector([0, *load_changes(problem)])
    capacities = [v.capacity for v in problem.vehicles]
    routing.AddDimensionWithVehicleCapacity(change, 0, capacities, False, _LOAD)
    load = routing.GetDimensionOrDie(_LOAD)
    for v in range(len(problem.vehicles)):
        load.CumulVar(routing.End(v)).SetValue(0)


def _add_pairs(
    problem: Problem,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    time: pywrapcp.RoutingDimension,
) -> None:
    """Each pair on one vehicle, the pickup first; both ends visited or both dropped.

    The time precedence holds for visited pairs only: the cumul of a dropped node keeps its
    window, and a pickup window opening after the delivery window closes must not make
    the whole model infeasible when dropping the pair is allowed.
    """
    solver = routing.solver()
    for pair in problem.pairs:
        pickup = manager.NodeToIndex(pair.pickup + 1)
        delivery = manager.NodeToIndex(pair.delivery + 1)
        routing.AddPickupAndDelivery(pickup, delivery)
        solver.Add(routing.VehicleVar(pickup) == routing.VehicleVar(delivery))
        active = routing.ActiveVar(pickup)
        solver.Add(active * time.CumulVar(pickup) <= time.CumulVar(delivery))


def _add_nodes(
    problem: Problem,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    time: pywrapcp.RoutingDimension,
    penalty_unit: int,
) -> None:
    for k, node in enumerate(problem.nodes):
        index = manager.NodeToIndex(k + 1)
        time.CumulVar(index).SetRange(node.window_start_s, node.window_end_s)
        if node.allowed_vehicles is not None:
            barred = set(range(len(problem.vehicles))) - set(node.allowed_vehicles)
            routing.VehicleVar(index).RemoveValues(sorted(barred))
        if node.drop_penalty is not None:
            routing.AddDisjunction([index], node.drop_penalty * penalty_unit)
        _add_time_costs(time, index, node)


def _add_time_costs(time: pywrapcp.RoutingDimension, index: int, node: Node) -> None:
    """A node's soft targets as soft bounds on its service start.

    One soft upper bound at the earliest target (the late costs summed) and one soft lower
    bound at the latest (the early costs summed): exact for one target, a guide for more;
    the portfolio compares plans on the exact ``problem.cost``.
    """
    late = sum(c.late_per_min for c in node.time_costs)
    early = sum(c.early_per_min for c in node.time_costs)
    if late:
        target = min(c.target_s for c in node.time_costs if c.late_per_min)
        time.SetCumulVarSoftUpperBound(index, target, late)
    if early:
        target = max(c.target_s for c in node.time_costs if c.early_per_min)
        time.SetCumulVarSoftLowerBound(index, target, early)


def _add_vehicles(
    problem: Problem, routing: pywrapcp.RoutingModel, time: pywrapcp.RoutingDimension
) -> None:
    for v, vehicle in enumerate(problem.vehicles):
        start, end = routing.Start(v), routing.End(v)
        time.CumulVar(start).SetRange(vehicle.earliest_start_s, vehicle.latest_end_s)
        time.CumulVar(end).SetMax(vehicle.latest_end_s)
        if vehicle.max_span_s is not None:
            time.SetSpanUpperBoundForVehicle(vehicle.max_span_s, v)
        if vehicle.span_target_s is not None and problem.span_excess_cost > 0:
            # e seconds over cost span_excess_cost × e² / 60 seconds: in sixtieths, × e².
            excess = pywrapcp.BoundCost(vehicle.span_target_s, problem.span_excess_cost)
            time.SetQuadraticCostSoftSpanUpperBoundForVehicle(excess, v)


def _search_parameters(params: SolveParams) -> pywrapcp.DefaultRoutingSearchParameters:
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = FIRST_SOLUTION
    search.local_search_metaheuristic = METAHEURISTIC
    # An iteration budget is its own limit (``_Budget``); the hour is only a backstop.
    limit_s = _BACKSTOP_S if params.iterations else params.time_limit_s
    search.time_limit.FromMilliseconds(max(1, round(limit_s * 1000)))
    return search


def _read_back(
    problem: Problem,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    assignment: pywrapcp.Assignment,
) -> Solution:
    """The routes found, each timed by ``problem.schedule`` as every engine's are."""
    routes: list[VehicleRoute] = []
    visited: set[int] = set()
    for v in range(len(problem.vehicles)):
        index = assignment.Value(routing.NextVar(routing.Start(v)))
        nodes: list[int] = []
        while not routing.IsEnd(index):
            nodes.append(manager.IndexToNode(index) - 1)
            index = assignment.Value(routing.NextVar(index))
        if nodes:
            visited.update(nodes)
            routes.append(schedule(problem, v, nodes))
    dropped = tuple(k for k in range(len(problem.nodes)) if k not in visited)
    return Solution(routes=tuple(routes), dropped=dropped)
