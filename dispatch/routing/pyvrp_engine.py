"""The PyVRP engine: the same ``Problem`` solved by PyVRP's iterated local search.

This is the only module that imports PyVRP. Like ``solver`` it is a pure function of
its inputs. What PyVRP has no word for is expressed in its terms:

- *allowed vehicles*: vehicles with the same attributes and the same barred nodes form
  one vehicle type; each type barred from some node gets an extra load dimension in
  which it has no room and every node barring it weighs one;
- *open routes*: travel back to the depot costs nothing;
- *optional nodes*: a prize equal to the drop penalty (in the OR-Tools cost units);
- *span*: PyVRP's shift duration; *start window*: the vehicle type's time window.

PyVRP has no word for the soft costs (climbing balance, keeping assignments, time
targets such as lunch soon after cooking): it ignores them, and the portfolio compares
both engines' plans on the full cost and lets OR-Tools polish a winning PyVRP plan.

PyVRP has no word for pickup-and-delivery pairs either: ``solve`` refuses a problem
with pairs, and the portfolio leaves them to OR-Tools.

PyVRP reports routes, not the schedule we promise, so each route is timed by
``problem.schedule``, as the OR-Tools engine's routes are.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyvrp
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import FirstFeasible, MultipleCriteria, StoppingCriterion

from dispatch.routing.problem import (
    Problem,
    Solution,
    SolveParams,
    Vehicle,
    VehicleRoute,
    drop_cost_unit,
    fixed_vehicle_cost,
    schedule,
)

# Fleet reduction: shares of the budget for the first search and for taking vehicles
# away; the rest polishes the plan with the smallest fleet found.
FIRST_SHARE = 0.1
REDUCE_SHARE = 0.3
# From this many clients per route (at the fleet's lower bound) the fleet search starts
# the time-warp penalty on the travel scale; see _TimeWarpOnTravelScale.
LONG_ROUTE_CLIENTS = 25


@dataclass
class _TimeWarpOnTravelScale(pyvrp.PenaltyParams):
    """PyVRP's penalty settings, but lateness starts at a fixed price in travel units.

    PyVRP starts every penalty at the midpoint of ``[min_penalty, max_penalty]``
    (5·10⁴ per unit of time warp) whatever the data's scale, and lowers it by 10 % per
    500 solutions; within seconds one unit late still costs tens of thousands of units of
    travel. With few long routes the feasible region is narrow and the search then
    hardly leaves it. Cost and time are both travel seconds in the fleet search, so the
    time-warp penalty is a plain ratio: it starts at ``time_warp`` and adapts as usual.
    Load penalties keep PyVRP's start (a meal over capacity has no travel scale). With
    many short routes under tight windows a low start costs more than it gains, so
    ``_fleet_search_params`` uses it for long routes only (docs/solver.md has the runs).
    """

    time_warp: float = 500.0

    def midpoint_penalties(self, data: pyvrp.ProblemData) -> tuple[list[float], float, float]:
        loads, _, distance = super().midpoint_penalties(data)
        return loads, self.time_warp, distance


def _fleet_search_params(num_clients: int, lower_bound: int) -> pyvrp.SolveParams:
    if num_clients >= LONG_ROUTE_CLIENTS * lower_bound:
        return pyvrp.SolveParams(penalty=_TimeWarpOnTravelScale())
    return pyvrp.SolveParams()


# PyVRP's "no limit" for durations.
_UNBOUNDED = 2**63 - 1


@dataclass(frozen=True)
class _Group:
    """Vehicles PyVRP may treat as one type: same attributes, same barred nodes."""

    vehicle: Vehicle
    barred: frozenset[int]
    members: tuple[int, ...]


def solve(problem: Problem, params: SolveParams) -> Solution:
    """Solve ``problem`` within ``params.time_limit_s`` seconds (or ``stall_s`` idle).

    Raises ``ValueError`` for a problem with pickup-and-delivery pairs, which PyVRP cannot
    express (``portfolio.solve`` gives those to OR-Tools).
    """
    if problem.pairs:
        raise ValueError("PyVRP cannot express pickup-and-delivery pairs; use OR-Tools")
    with warnings.catch_warnings():
        # Our vehicle and drop costs dwarf travel on purpose (a hierarchical objective);
        # PyVRP warns that such scales may bound its penalties, which is expected here.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        return _solve(problem, params)


def _solve(problem: Problem, params: SolveParams) -> Solution:
    if not problem.vehicles or not problem.nodes:
        return Solution(routes=(), dropped=tuple(range(len(problem.nodes))))
    groups = _groups(problem)
    data = _problem_data(problem, groups)
    deadline = time.perf_counter() + params.time_limit_s
    if _reducible(problem, groups) and not params.iterations:  # fleet phases share a clock
        best = _fewer_vehicles(data, params, deadline, fleet_lower_bound(problem))
    else:
        stop = _Stop(params.time_limit_s, params.stall_s, params.iterations)
        best = pyvrp.solve(data, stop=stop, seed=params.seed, collect_stats=False).best
    if best is None or not best.is_feasible():
        return Solution(routes=(), dropped=(), found=False)
    return _read_back(problem, groups, best)


def _reducible(problem: Problem, groups: Sequence[_Group]) -> bool:
    """One kind of vehicle, every node mandatory, fewest vehicles wanted."""
    mandatory = all(n.drop_penalty is None for n in problem.nodes)
    return problem.minimise_vehicles and mandatory and len(groups) == 1


def _fewer_vehicles(
    data: pyvrp.ProblemData, params: SolveParams, deadline: float, lower_bound: int
) -> pyvrp.Solution | None:
    """Search, then take vehicles away while a feasible plan is found, then polish.

    A fixed vehicle cost alone rarely makes local search empty a route (long-horizon
    instances keep one or two spare vehicles), so part of the budget goes to asking
    for a feasible plan with one vehicle fewer than the best so far, PyVRP's
    fleet-minimisation idea, keeping every feasible plan found on the way. No plan
    has fewer routes than ``lower_bound``, so the search does not ask for one.
    """
    budget = deadline - time.perf_counter()
    stop = _Stop(FIRST_SHARE * budget, params.stall_s)
    settings = _fleet_search_params(data.num_clients, lower_bound)

    def search(
        instance: pyvrp.ProblemData, until: StoppingCriterion, start: pyvrp.Solution | None = None
    ) -> pyvrp.Solution:
        return pyvrp.solve(
            instance,
            stop=until,
            seed=params.seed,
            collect_stats=False,
            params=settings,
            initial_solution=start,
        ).best

    best = search(data, stop)
    if not best.is_feasible():
        return None
    fleet = data.vehicle_type(0)
    reduce_until = time.perf_counter() + REDUCE_SHARE * budget
    while best.num_routes() > lower_bound and time.perf_counter() < reduce_until:
        fewer = data.replace(vehicle_types=[fleet.replace(num_available=best.num_routes() - 1)])
        first = MultipleCriteria([FirstFeasible(), _Stop(reduce_until - time.perf_counter(), None)])
        found = search(fewer, first)
        if not found.is_feasible():
            break
        data, best = fewer, found
    stop = _Stop(max(0.0, deadline - time.perf_counter()), params.stall_s)
    polished = search(data, stop, best)
    if polished.is_feasible() and _size(polished) <= _size(best):
        return polished
    return best


def fleet_lower_bound(problem: Problem) -> int:
    """Fewest routes any plan of a one-kind fleet can have: by load and by working time.

    Every node takes its service time plus at least its cheapest arc in, and one route
    works no longer than the vehicle's span; so the nodes' total over the span, rounded
    up, bounds the routes from below, as does the total demand over the capacity.
    """
    vehicle = problem.vehicles[0]
    travel = np.array(problem.time_s[vehicle.profile], dtype=np.int64)
    np.fill_diagonal(travel, np.iinfo(np.int64).max)
    cheapest_in = travel[:, 1:].min(axis=0)
    work_s = int(cheapest_in.sum()) + sum(node.service_s for node in problem.nodes)
    span_s = vehicle.latest_end_s - vehicle.earliest_start_s
    if vehicle.max_span_s is not None:
        span_s = min(span_s, vehicle.max_span_s)
    demand = sum(node.demand for node in problem.nodes)
    by_time = -(-work_s // span_s) if span_s > 0 else len(problem.nodes)
    by_load = -(-demand // vehicle.capacity) if vehicle.capacity > 0 else len(problem.nodes)
    return max(1, by_time, by_load)


def _size(solution: pyvrp.Solution) -> tuple[int, int]:
    return solution.num_routes(), solution.distance()


def _groups(problem: Problem) -> list[_Group]:
    members: dict[tuple[Vehicle, frozenset[int]], list[int]] = {}
    for v, vehicle in enumerate(problem.vehicles):
        barred = frozenset(
            k
            for k, node in enumerate(problem.nodes)
            if node.allowed_vehicles is not None and v not in node.allowed_vehicles
        )
        members.setdefault((vehicle, barred), []).append(v)
    return [_Group(vehicle, barred, tuple(vs)) for (vehicle, barred), vs in members.items()]


def _problem_data(problem: Problem, groups: Sequence[_Group]) -> pyvrp.ProblemData:
    barring = [g for g in groups if g.barred]
    fixed = fixed_vehicle_cost(problem)
    unit = drop_cost_unit(problem)
    clients = [
        pyvrp.Client(
            location=k + 1,
            delivery=[node.demand] + [int(k in g.barred) for g in barring],
            service_duration=node.service_s,
            tw_early=node.window_start_s,
            tw_late=node.window_end_s,
            required=node.drop_penalty is None,
            prize=0 if node.drop_penalty is None else node.drop_penalty * unit,
        )
        for k, node in enumerate(problem.nodes)
    ]
    room = len(problem.nodes)
    types = [
        pyvrp.VehicleType(
            num_available=len(g.members),
            capacity=[g.vehicle.capacity] + [0 if b is g else room for b in barring],
            fixed_cost=fixed,
            tw_early=g.vehicle.earliest_start_s,
            tw_late=g.vehicle.latest_end_s,
            shift_duration=_UNBOUNDED if g.vehicle.max_span_s is None else g.vehicle.max_span_s,
            profile=g.vehicle.profile,
        )
        for g in groups
    ]
    # PyVRP's stubs type matrices oddly (``ndarray[int]``); they take int64 arrays.
    matrices: list[Any] = [_travel(problem, t) for t in problem.time_s]
    locations = [pyvrp.Location(x=0, y=0) for _ in range(len(problem.nodes) + 1)]
    depot = pyvrp.Depot(location=0)
    return pyvrp.ProblemData(locations, clients, [depot], types, matrices, matrices)


def _travel(problem: Problem, time_s: np.ndarray) -> np.ndarray:
    travel = np.array(time_s, dtype=np.int64)
    if not problem.return_to_depot:
        travel[:, 0] = 0
    return travel


class _Stop:
    """Stop at the time limit, or once the best feasible cost idles for ``stall_s``; with
    ``iterations``, after that many iterations and nothing else (reproducible)."""

    def __init__(self, limit_s: float, stall_s: float | None, iterations: int | None = None):
        self._deadline = time.perf_counter() + limit_s
        self._stall_s = stall_s
        self._best = math.inf
        self._improved = time.perf_counter()
        self._left = iterations

    def __call__(self, best_cost: float) -> bool:
        if self._left is not None:
            self._left -= 1
            return self._left < 0
        now = time.perf_counter()
        if best_cost < self._best:
            self._best, self._improved = best_cost, now
        stalled = (
            self._stall_s is not None
            and math.isfinite(self._best)
            and now - self._improved >= self._stall_s
        )
        return now >= self._deadline or stalled


def _read_back(problem: Problem, groups: Sequence[_Group], best: pyvrp.Solution) -> Solution:
    free = [list(g.members) for g in groups]
    routes: list[VehicleRoute] = []
    visited: set[int] = set()
    for route in best.routes():
        vehicle = free[route.vehicle_type()].pop(0)
        nodes = [int(a.idx) for a in route if a.is_client()]
        visited.update(nodes)
        routes.append(schedule(problem, vehicle, nodes))
    routes.sort(key=lambda r: r.vehicle)
    dropped = tuple(k for k in range(len(problem.nodes)) if k not in visited)
    return Solution(routes=tuple(routes), dropped=dropped)
