"""Balance: stops moved between vehicles so that groups of vehicles (one person's days)
share the work evenly: ``balance``.

A vehicle's span penalised past its target (``Vehicle.span_target_s``) evens out each
vehicle's work, but a person working several days is several vehicles, and no engine here
sums spans across vehicles. ``balance`` takes a solution and moves single stops from the
group with the most hours to groups with fewer while the sum of the groups' squared hours
falls: a person under the mean takes what they can, even at some more travel, and a stop
that only some vehicles may take goes to those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dispatch.routing.problem import (
    Problem,
    Solution,
    load_changes,
    onboard_loads,
    route_end,
    schedule,
)
from dispatch.routing.repair import allows, feasible


@dataclass(frozen=True)
class _Move:
    """Node ``node`` from ``donor``'s path to ``taker``'s, before position ``position``."""

    node: int
    donor: int
    taker: int
    position: int


class _State:
    """The paths and each group's hours as moves change them; every span met is kept."""

    def __init__(self, problem: Problem, solution: Solution, groups: Sequence[Sequence[int]]):
        self.problem = problem
        self.groups = [list(g) for g in groups]
        self.group_of = {v: g for g, vehicles in enumerate(self.groups) for v in vehicles}
        self.paths: dict[int, list[int]] = {v: [] for v in self.group_of}
        for route in solution.routes:
            if route.vehicle in self.paths:
                self.paths[route.vehicle] = [v.node for v in route.visits]
        self.changes = load_changes(problem)
        self.spans: dict[tuple[int, tuple[int, ...]], int] = {}
        self.paired = {k for p in problem.pairs for k in (p.pickup, p.delivery)}
        self.hours = [sum(self.span(v) for v in g) for g in self.groups]

    def span(self, vehicle: int) -> int:
        """``vehicle``'s span on its path as it stands."""
        return self.span_of(vehicle, self.paths[vehicle])

    def span_of(self, vehicle: int, path: list[int]) -> int:
        key = (vehicle, tuple(path))
        if key not in self.spans:
            route = schedule(self.problem, vehicle, path)
            self.spans[key] = route_end(self.problem, route) - route.departure_s if path else 0
        return self.spans[key]

    def fits(self, vehicle: int, path: list[int]) -> bool:
        capacity = self.problem.vehicles[vehicle].capacity
        if path and max(onboard_loads(self.problem, path, self.changes)) > capacity:
            return False
        return feasible(self.problem, vehicle, path) is not None

    def cheapest(self, vehicle: int, path: list[int], node: int) -> tuple[int, int]:
        """Where in ``path`` ``node`` adds the least travel and service (no waiting), and
        how much."""
        matrix = self.problem.time_s[self.problem.vehicles[vehicle].profile]
        before = np.array([0, *(k + 1 for k in path)])
        after = np.array([*(k + 1 for k in path), 0])
        here = node + 1
        way = matrix[before, here] + matrix[here, after] - matrix[before, after]
        if not self.problem.return_to_depot:
            way[-1] = matrix[before[-1], here]
        position = int(np.argmin(way))
        return position, int(way[position]) + self.problem.nodes[node].service_s

    def score(self, move: _Move, less: int, more: int, narrow: bool) -> int | None:
        """How much better ``move`` makes the balance (lower is better; ``None``: not at
        all). By default the change to the sum of the groups' squared hours; ``narrow``:
        the extra work, when the two groups end nearer each other than they were."""
        d, t = self.hours[self.group_of[move.donor]], self.hours[self.group_of[move.taker]]
        if narrow:
            ends = (d - less, t + more)
            return more - less if max(ends) < d and min(ends) > t else None
        change = (d - less) ** 2 + (t + more) ** 2 - d * d - t * t
        return change if change < 0 else None

    def moves(self, donors: Sequence[int], takers: Sequence[int]) -> list[tuple[int, int, _Move]]:
        """Every single stop of the ``donors`` groups' vehicles into each vehicle of the
        ``takers`` groups' that may take it (at its cheapest position), with the span the
        donor's vehicle sheds and the taker's estimated extra (``exact`` times both
        again)."""
        out: list[tuple[int, int, _Move]] = []
        for g in donors:
            fewer = [v for h in takers if self.hours[h] < self.hours[g] for v in self.groups[h]]
            for donor in self.groups[g]:
                path = self.paths[donor]
                for i, node in enumerate(path):
                    if node in self.paired:
                        continue
                    less = self.span(donor) - self.span_of(donor, path[:i] + path[i + 1 :])
                    for taker in (v for v in fewer if allows(self.problem, node, v)):
                        j, more = self.cheapest(taker, self.paths[taker], node)
                        out.append((less, more, _Move(node, donor, taker, j)))
        return out

    def best_move(self, narrow: bool) -> _Move | None:
        """By default the move off the busiest group that can lower the sum of squares most;
        ``narrow``: the move onto the least busy group that narrows it with a busier one at
        the least extra work."""
        order = sorted(range(len(self.groups)), key=lambda g: -self.hours[g])
        everyone = range(len(self.groups))
        for g in order if not narrow else reversed(order):
            found = self.moves([g], everyone) if not narrow else self.moves(everyone, [g])
            scored = [(self.score(m, less, more, narrow), m) for less, more, m in found]
            ranked = sorted(((s, m) for s, m in scored if s is not None), key=lambda c: c[0])
            for _, move in ranked:
                if self.exact(move, narrow):
                    return move
        return None

    def exact(self, move: _Move, narrow: bool) -> bool:
        """Whether ``move`` keeps every rule and still betters the balance, on the new
        schedules."""
        donor_path = [k for k in self.paths[move.donor] if k != move.node]
        taker_path = list(self.paths[move.taker])
        taker_path.insert(move.position, move.node)
        if not self.fits(move.donor, donor_path) or not self.fits(move.taker, taker_path):
            return False
        less = self.span(move.donor) - self.span_of(move.donor, donor_path)
        more = self.span_of(move.taker, taker_path) - self.span(move.taker)
        return self.score(move, less, more, narrow) is not None

    def apply(self, move: _Move) -> None:
        before = {v: self.span(v) for v in (move.donor, move.taker)}
        self.paths[move.donor].remove(move.node)
        self.paths[move.taker].insert(move.position, move.node)
        for vehicle, span in before.items():
            self.hours[self.group_of[vehicle]] += self.span(vehicle) - span


def balance(
    problem: Problem, solution: Solution, groups: Sequence[Sequence[int]], *, moves: int = 500
) -> Solution:
    """``solution`` with up to ``moves`` single stops moved between ``groups`` of vehicles
    (each vehicle in one group; a group's hours: its spans, leaving to back). Each move is
    the one off the busiest group that lowers the sum of the groups' squared hours most;
    once none does, only moves onto the least busy group that leave it and a busier group
    nearer each other, at the least extra work (so a group that can take only some stops,
    and only at more travel, still gets its share). Every rule keeps; pair ends stay where
    they are; moved routes are scheduled again (``problem.schedule``), the others keep
    their times."""
    if not solution.found or len(groups) < 2:
        return solution
    state = _State(problem, solution, groups)
    changed: set[int] = set()
    narrow = False  # first lower the sum of squares, then only narrow: no move undoes one
    for _ in range(moves):
        move = state.best_move(narrow)
        if move is None and not narrow:
            narrow, move = True, state.best_move(True)
        if move is None:
            break
        state.apply(move)
        changed |= {move.donor, move.taker}
    if not changed:
        return solution
    kept = [r for r in solution.routes if r.vehicle not in changed]
    moved = [schedule(problem, v, state.paths[v]) for v in sorted(changed) if state.paths[v]]
    return Solution(tuple(sorted(kept + moved, key=lambda r: r.vehicle)), solution.dropped)
