"""Repair: a node a budget-stopped search left out goes in where it still fits."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from dispatch.routing.problem import (
    Problem,
    Solution,
    fixed_vehicle_cost,
    load_changes,
    onboard_loads,
    schedule,
)

# What goes in at once: one node, or a pair's pickup and delivery (in that order).
_Unit = tuple[int, ...]
# A way in: extra travel, vehicle, and the positions in its path before which the unit's
# nodes go (equal positions: one right after the other).
_Way = tuple[int, int, tuple[int, ...]]


def repair(problem: Problem, solution: Solution) -> Solution:
    """``solution`` with every dropped node that fits put in: at the cheapest position of a
    used vehicle's route, else with an idle vehicle, re-timed to keep every rule.

    A dropped pair goes in together, its pickup before its delivery, on one vehicle, with
    the load on board within capacity throughout; a pair with only one end dropped stays
    as it is. A search stopped by its budget may leave out a node that still fits; a drop
    costs more than a vehicle, so each insertion lowers the cost. Untouched routes keep
    their times; changed ones get the schedule every engine's routes get
    (``problem.schedule``).
    """
    if not solution.found or not solution.dropped:
        return solution
    paths = {r.vehicle: [v.node for v in r.visits] for r in solution.routes}
    changed: set[int] = set()
    dropped = list(solution.dropped)
    changes = load_changes(problem)
    for unit in _units(problem, dropped):
        choice = _cheapest_insertion(problem, paths, unit, changes)
        if choice is not None:
            paths[choice[0]] = choice[1]
            changed.add(choice[0])
            for node in unit:
                dropped.remove(node)
    if not changed:
        return solution
    kept = [r for r in solution.routes if r.vehicle not in changed]
    routes = kept + [schedule(problem, v, paths[v]) for v in sorted(changed)]
    return Solution(tuple(sorted(routes, key=lambda r: r.vehicle)), tuple(dropped))


def _units(problem: Problem, dropped: Sequence[int]) -> list[_Unit]:
    """The dropped nodes and wholly dropped pairs, highest drop penalty first."""
    paired = {k for p in problem.pairs for k in (p.pickup, p.delivery)}
    out = set(dropped)
    units: list[_Unit] = [(k,) for k in dropped if k not in paired]
    units += [(p.pickup, p.delivery) for p in problem.pairs if {p.pickup, p.delivery} <= out]
    order = {k: i for i, k in enumerate(dropped)}  # among equals, as the solution lists them
    return sorted(
        units, key=lambda u: (-sum(problem.nodes[k].drop_penalty or 0 for k in u), order[u[0]])
    )


def _cheapest_insertion(
    problem: Problem, paths: dict[int, list[int]], unit: _Unit, changes: Sequence[int]
) -> tuple[int, list[int]] | None:
    """The vehicle and its new path that take ``unit`` at the least extra travel (a new
    vehicle costs ``fixed_vehicle_cost`` more), or ``None`` when it fits nowhere.

    The ways in are tried cheapest first (in vehicle and position order among equals), so
    only those up to the first that keeps every rule are checked.
    """
    ways: list[_Way] = []
    for vehicle in range(len(problem.vehicles)):
        if all(allows(problem, k, vehicle) for k in unit):
            ways += _ways_in(problem, vehicle, paths.get(vehicle, []), unit)
    ways.sort(key=lambda w: w[0])
    for _, vehicle, positions in ways:
        path = _inserted(paths.get(vehicle, []), unit, positions)
        on_board = onboard_loads(problem, path, changes)
        fits = max(on_board) <= problem.vehicles[vehicle].capacity
        if fits and feasible(problem, vehicle, path) is not None:
            return vehicle, path
    return None


def allows(problem: Problem, node: int, vehicle: int) -> bool:
    """Whether ``vehicle`` may serve ``node``."""
    allowed = problem.nodes[node].allowed_vehicles
    return allowed is None or vehicle in allowed


def _inserted(path: list[int], unit: _Unit, positions: tuple[int, ...]) -> list[int]:
    out, start = [], 0
    for node, position in zip(unit, positions, strict=True):
        out += [*path[start:position], node]
        start = position
    return out + path[start:]


def _ways_in(problem: Problem, vehicle: int, path: list[int], unit: _Unit) -> list[_Way]:
    """Every way to put ``unit`` into ``path`` in order, with its extra travel: O(n) for a
    node, O(n²) for a pair."""
    matrix = problem.time_s[problem.vehicles[vehicle].profile]
    stops = [0, *(k + 1 for k in path)]
    after: list[int | None] = [*stops[1:], 0 if problem.return_to_depot else None]
    new_vehicle = 0 if path else fixed_vehicle_cost(problem)

    def extra(i: int, *nodes: int) -> int:
        """The extra travel for ``nodes`` in a row before position ``i`` of ``path``."""
        a, b = stops[i], after[i]
        way = [a, *(k + 1 for k in nodes), *([] if b is None else [b])]
        skipped = 0 if b is None else int(matrix[a, b])
        return sum(int(matrix[x, y]) for x, y in pairwise(way)) - skipped

    ends = range(len(path) + 1)
    if len(unit) == 1:
        return [(new_vehicle + extra(i, *unit), vehicle, (i,)) for i in ends]
    pickup, delivery = unit
    ways: list[_Way] = []
    for i in ends:
        ways.append((new_vehicle + extra(i, pickup, delivery), vehicle, (i, i)))
        first = new_vehicle + extra(i, pickup)
        ways += [(first + extra(j, delivery), vehicle, (i, j)) for j in ends[i + 1 :]]
    return ways


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


def feasible(problem: Problem, vehicle: int, path: list[int]) -> tuple[int, list[int]] | None:
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
