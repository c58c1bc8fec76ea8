"""Repair: a node a budget-stopped search left out goes in where it still fits."""

from __future__ import annotations

from itertools import pairwise

from dispatch.routing.problem import Problem, Solution, fixed_vehicle_cost, schedule


def repair(problem: Problem, solution: Solution) -> Solution:
    """``solution`` with every dropped node that fits put in: at the cheapest position of a
    used vehicle's route, else with an idle vehicle, re-timed to keep every rule.

    A search stopped by its budget may leave out a node that still fits; a drop costs more
    than a vehicle, so each insertion lowers the cost. Untouched routes keep their times;
    changed ones get the schedule every engine's routes get (``problem.schedule``).
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
    routes = kept + [schedule(problem, v, paths[v]) for v in sorted(changed)]
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
            if _feasible(problem, vehicle, candidate) is None:
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


def _feasible(problem: Problem, vehicle: int, path: list[int]) -> tuple[int, list[int]] | None:
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
