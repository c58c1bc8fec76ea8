"""The plan checker: every rule of a routing ``Problem`` that a ``Solution`` breaks.

Independent of every engine and of ``schedule``: times and loads are recomputed from the
problem. ``problem`` re-exports ``check``, ``load_changes`` and ``onboard_loads``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only the types: the problem module imports this one
    from dispatch.routing.problem import Problem, Solution, VehicleRoute


def load_changes(problem: Problem) -> list[int]:
    """Per node, how a visit changes the on-board load: minus its demand, plus a pair's
    amount at the pickup, minus it at the delivery."""
    changes = [-n.demand for n in problem.nodes]
    for pair in problem.pairs:
        changes[pair.pickup] += pair.amount
        changes[pair.delivery] -= pair.amount
    return changes


def onboard_loads(
    problem: Problem, nodes: Sequence[int], changes: Sequence[int] | None = None
) -> list[int]:
    """The on-board load leaving the depot and after each visit of ``nodes``, in order.

    ``changes`` is ``load_changes(problem)``, passed in by callers that ask many times.
    """
    if changes is None:
        changes = load_changes(problem)
    load = sum(problem.nodes[k].demand for k in nodes)
    loads = [load]
    for k in nodes:
        load += changes[k]
        loads.append(load)
    return loads


def check(problem: Problem, solution: Solution) -> list[str]:
    """Every rule of ``problem`` that ``solution`` breaks, times recomputed from the matrices.

    Each node is visited at most once and dropped only if optional; a pair's two ends are
    both visited or both dropped, by one vehicle, the pickup first; a vehicle runs one
    route, serves only nodes that allow it, with the load on board within capacity
    throughout; every stated service start is the earliest possible after leaving at
    ``departure_s`` and lies in the node's window; departure, end and span respect the
    vehicle. Empty means valid.
    """
    if not solution.found:
        return ["no solution"]
    found = _check_cover(problem, solution) + _check_pairs(problem, solution)
    changes = load_changes(problem)
    for route in solution.routes:
        found += _check_route(problem, route, changes)
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


def _check_pairs(problem: Problem, solution: Solution) -> list[str]:
    where = {v.node: (r.vehicle, i) for r in solution.routes for i, v in enumerate(r.visits)}
    found: list[str] = []
    for i, pair in enumerate(problem.pairs):
        pickup, delivery = where.get(pair.pickup), where.get(pair.delivery)
        if pickup is None and delivery is None:
            continue
        if pickup is None or delivery is None:
            found.append(f"pair {i}: only one end is visited")
        elif pickup[0] != delivery[0]:
            found.append(f"pair {i}: ends on vehicles {pickup[0]} and {delivery[0]}")
        elif delivery[1] < pickup[1]:
            found.append(f"vehicle {pickup[0]}: pair {i} is delivered before its pickup")
    return found


def _check_load(
    problem: Problem, route: VehicleRoute, changes: Sequence[int], name: str
) -> list[str]:
    """The first point where the load on board is over the vehicle's capacity, if any."""
    capacity = problem.vehicles[route.vehicle].capacity
    loads = onboard_loads(problem, [v.node for v in route.visits], changes)
    over = next((i for i, load in enumerate(loads) if load > capacity), None)
    if over is None:
        return []
    if over == 0:
        return [f"{name}: over capacity"]
    return [f"{name}: over capacity after node {route.visits[over - 1].node}"]


def _check_route(problem: Problem, route: VehicleRoute, changes: Sequence[int]) -> list[str]:
    vehicle = problem.vehicles[route.vehicle]
    matrix = problem.time_s[vehicle.profile]
    name = f"vehicle {route.vehicle}"
    nodes = [problem.nodes[v.node] for v in route.visits]
    found = _check_load(problem, route, changes, name)
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
