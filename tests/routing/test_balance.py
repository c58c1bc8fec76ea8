"""Balance (``routing.balance``): single stops moved between groups of vehicles (one
person's days) so each group's hours come near the others', every rule kept."""

from __future__ import annotations

from test_engines import line, node, vehicle

from dispatch.routing.balance import balance
from dispatch.routing.problem import Problem, Solution, check, route_end, schedule


def hours(problem: Problem, solution: Solution, groups: list[list[int]]) -> list[int]:
    spans = {r.vehicle: route_end(problem, r) - r.departure_s for r in solution.routes}
    return [sum(spans.get(v, 0) for v in g) for g in groups]


def test_the_busiest_persons_stops_move_to_the_others_days():
    # Six stops near the depot, all on person A's two days; person B's days are empty.
    problem = Problem(time_s=(line(0, 10, 12, 14, 16, 18, 20),), nodes=(node(),) * 6,
                      vehicles=(vehicle(),) * 4, minimise_vehicles=False)  # fmt: skip
    start = Solution(
        routes=(schedule(problem, 0, [0, 1, 2]), schedule(problem, 1, [3, 4, 5])), dropped=()
    )
    groups = [[0, 1], [2, 3]]
    balanced = balance(problem, start, groups)
    assert check(problem, balanced) == []
    before, after = hours(problem, start, groups), hours(problem, balanced, groups)
    assert before[1] == 0 and min(after) > 0
    assert abs(after[0] - after[1]) < before[0] - before[1]


def test_a_stop_only_some_may_take_goes_to_them_even_at_more_travel():
    # Person B (vehicle 1) may take only stop 1, far out; A holds both stops.
    problem = Problem(time_s=(line(0, 5, 40),),
                      nodes=(node(allowed_vehicles=(0,)), node()),
                      vehicles=(vehicle(), vehicle()), minimise_vehicles=False)  # fmt: skip
    start = Solution(routes=(schedule(problem, 0, [0, 1]),), dropped=())
    moved = balance(problem, start, [[0], [1]])
    assert check(problem, moved) == []
    assert {r.vehicle: [v.node for v in r.visits] for r in moved.routes} == {0: [0], 1: [1]}


def test_nothing_moves_where_it_breaks_a_rule_or_helps_no_one():
    tight = Problem(time_s=(line(0, 10, 12),), nodes=(node(), node()),
                    vehicles=(vehicle(), vehicle(capacity=0)),
                    minimise_vehicles=False)  # fmt: skip
    start = Solution(routes=(schedule(tight, 0, [0, 1]),), dropped=())
    assert balance(tight, start, [[0], [1]]) == start  # vehicle 1 carries nothing
    assert balance(tight, start, [[0, 1]]) == start  # one person: nothing to even out
