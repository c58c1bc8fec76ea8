"""Pickup-and-delivery pairs (grid rounds: medicine fetched at a station, left at a home)."""

from __future__ import annotations

import pytest
from test_engines import line, vehicle
from test_engines import node as engine_node

from dispatch.routing import ortools_engine as solver
from dispatch.routing import portfolio
from dispatch.routing import pyvrp_engine as solver_pyvrp
from dispatch.routing.problem import (
    Node,
    Pair,
    Problem,
    Solution,
    SolveParams,
    TimeCost,
    check,
    cost,
    onboard_loads,
    schedule,
)
from dispatch.routing.repair import repair

QUICK = SolveParams(iterations=300, seed=1, workers=1)  # reproducible on any machine
ENGINES = {"ortools": solver.solve, "portfolio": portfolio.solve}


def node(**fields) -> Node:
    """A node that takes nothing from the depot (what it carries comes by a pair)."""
    return engine_node(**{"demand": 0, **fields})


def paths(solution: Solution) -> dict[int, list[int]]:
    return {r.vehicle: [v.node for v in r.visits] for r in solution.routes}


@pytest.fixture(params=sorted(ENGINES))
def engine(request):
    return ENGINES[request.param]


def test_a_pair_is_served_pickup_first_by_one_vehicle(engine):
    # The delivery (node 1, at 100) lies on the way to the pickup (node 0, at 200): the
    # shortest open path would deliver first; the pair makes it go out to 200 and back.
    problem = Problem(
        time_s=(line(0, 200, 100),),
        nodes=(node(), node()),
        vehicles=(vehicle(), vehicle()),
        return_to_depot=False,
        pairs=(Pair(pickup=0, delivery=1, amount=1),),
    )
    solution = engine(problem, QUICK)
    assert check(problem, solution) == []
    assert list(paths(solution).values()) == [[0, 1]]
    assert cost(problem, solution) == (0, 1, 300)


def test_capacity_two_makes_three_pickups_at_one_station_interleave(engine):
    # Three pickups at one station (100), three homes beyond it; one vehicle carrying two.
    problem = Problem(
        time_s=(line(0, 100, 100, 100, 200, 300, 400),),
        nodes=(node(),) * 6,
        vehicles=(vehicle(capacity=2),),
        pairs=tuple(Pair(pickup=k, delivery=k + 3, amount=1) for k in range(3)),
    )
    solution = engine(problem, QUICK)
    assert check(problem, solution) == []
    (path,) = paths(solution).values()
    assert sorted(path) == list(range(6))
    assert max(onboard_loads(problem, path)) == 2  # never three on board
    first_delivery = min(path.index(k) for k in (3, 4, 5))
    assert first_delivery <= 2  # at most two pickups before the first delivery


def test_items_from_the_depot_and_from_a_pickup_share_the_capacity(engine):
    # Node 0 takes 2 items from the depot; the pair carries 1 more; capacity 2. Picking up
    # first (at 50, on the way) would put 3 on board, so node 0 is served before the pickup.
    problem = Problem(
        time_s=(line(0, 100, 50, 300),),
        nodes=(node(demand=2), node(), node()),
        vehicles=(vehicle(capacity=2),),
        return_to_depot=False,
        pairs=(Pair(pickup=1, delivery=2, amount=1),),
    )
    solution = engine(problem, QUICK)
    assert check(problem, solution) == []
    assert paths(solution) == {0: [0, 1, 2]}


def test_a_delivery_out_of_reach_after_its_pickup_drops_both_ends(engine):
    # The home (node 2) is reachable straight from the depot (200 s <= 250 s), but not
    # after the station on the other side (100 + 10 + 300 s): both ends are dropped.
    problem = Problem(
        time_s=(line(0, 50, -100, 200),),
        nodes=(node(demand=1), node(drop_penalty=1), node(window_end_s=250, drop_penalty=1)),
        vehicles=(vehicle(),),
        pairs=(Pair(pickup=1, delivery=2, amount=1),),
    )
    solution = engine(problem, QUICK)
    assert check(problem, solution) == []
    assert solution.dropped == (1, 2)
    assert paths(solution) == {0: [0]}


def test_a_pair_whose_windows_contradict_is_dropped_and_the_rest_still_planned(engine):
    # The station opens at 500 s, the home's window closes at 300 s: no order serves both.
    problem = Problem(
        time_s=(line(0, 100, -100, 200),),
        nodes=(
            node(demand=1),
            node(window_start_s=500, window_end_s=600, drop_penalty=1),
            node(window_end_s=300, drop_penalty=1),
        ),
        vehicles=(vehicle(),),
        pairs=(Pair(pickup=1, delivery=2, amount=1),),
    )
    solution = engine(problem, QUICK)
    assert solution.found and check(problem, solution) == []
    assert solution.dropped == (1, 2)


def test_pairs_with_time_costs_are_planned_from_the_untimed_routes():
    # With time costs OR-Tools searches twice, the second time from the first routes.
    problem = Problem(
        time_s=(line(0, 100, 200, 300, 400),),
        nodes=(
            node(),
            node(time_costs=(TimeCost(target_s=1_000, late_per_min=5),)),
            node(),
            node(),
        ),
        vehicles=(vehicle(capacity=1), vehicle(capacity=1)),
        pairs=(Pair(0, 1, 1), Pair(2, 3, 1)),
    )
    solution = portfolio.solve(problem, QUICK)
    assert check(problem, solution) == []
    assert solution.dropped == ()


@pytest.mark.parametrize("workers", [1, 2])
def test_the_portfolio_gives_pairs_to_ortools_alone_and_returns_a_checked_plan(workers):
    problem = Problem(
        time_s=(line(0, 100, 250, 400, 900, 1300),),
        nodes=(node(demand=1), node(), node(), node(), node()),
        vehicles=(vehicle(capacity=2), vehicle(capacity=2)),
        pairs=(Pair(1, 3, 2), Pair(2, 4, 1)),
    )
    params = SolveParams(iterations=200, seed=7, workers=workers)
    solution = portfolio.solve(problem, params)
    assert check(problem, solution) == [] and solution.dropped == ()
    assert solution == solver.solve(problem, params)  # OR-Tools' own answer: no race


def test_an_iteration_budget_gives_the_same_answer_every_time_with_pairs():
    problem = Problem(
        time_s=(line(0, 100, 100, 100, 200, 300, 400),),
        nodes=(node(),) * 6,
        vehicles=(vehicle(capacity=2), vehicle(capacity=2)),
        pairs=tuple(Pair(pickup=k, delivery=k + 3, amount=1) for k in range(3)),
    )
    params = SolveParams(iterations=200, seed=7, workers=1)
    first, second = (solver.solve(problem, params) for _ in range(2))
    assert first == second and check(problem, first) == []


def test_pyvrp_refuses_a_problem_with_pairs():
    problem = Problem(
        time_s=(line(0, 100, 200),),
        nodes=(node(), node()),
        vehicles=(vehicle(),),
        pairs=(Pair(0, 1, 1),),
    )
    with pytest.raises(ValueError, match="pairs"):
        solver_pyvrp.solve(problem, QUICK)


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ((Pair(0, 1, 1), Pair(0, 2, 1)), "pairs[1]: node 0 is an end of another pair too"),
        ((Pair(0, 3, 1),), "pairs[0]: node 3 is not a node of the problem"),
    ],
)
def test_a_problem_refuses_pairs_that_do_not_fit_its_nodes(pairs, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Problem(time_s=(line(0, 1, 2, 3),), nodes=(node(),) * 3, vehicles=(vehicle(),), pairs=pairs)


def test_a_pair_refuses_one_node_at_both_ends():
    with pytest.raises(ValueError, match="both node 2"):
        Pair(2, 2, 1)


# For the checker: station (node 0) and home (node 1) of a pair of 2 items, node 2 takes
# 1 item from the depot; each vehicle carries 2.
CHECKED = Problem(
    time_s=(line(0, 100, 200, 50),),
    nodes=(node(drop_penalty=1), node(drop_penalty=1), node(demand=1)),
    vehicles=(vehicle(capacity=2), vehicle(capacity=2)),
    pairs=(Pair(pickup=0, delivery=1, amount=2),),
)


def timed(routes: dict[int, list[int]], dropped: tuple[int, ...] = ()) -> Solution:
    """A hand-made plan, timed by ``schedule`` so that only the rule under test breaks."""
    return Solution(tuple(schedule(CHECKED, v, p) for v, p in routes.items()), dropped)


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (timed({0: [2, 1, 0]}), "vehicle 0: pair 0 is delivered before its pickup"),
        (timed({0: [2, 0], 1: [1]}), "pair 0: ends on vehicles 0 and 1"),
        (timed({0: [2, 0]}, dropped=(1,)), "pair 0: only one end is visited"),
        (timed({0: [1, 2]}, dropped=(0,)), "pair 0: only one end is visited"),
        (timed({0: [0, 2, 1]}), "vehicle 0: over capacity after node 0"),
    ],
    ids=["delivery-first", "split", "delivery-dropped", "pickup-dropped", "over-capacity"],
)
def test_the_checker_reports_each_broken_pair_rule(plan, message):
    assert check(CHECKED, plan) == [message]


def test_the_checker_accepts_the_pair_served_in_order_and_both_ends_dropped():
    assert check(CHECKED, timed({0: [2, 0, 1]})) == []
    assert check(CHECKED, timed({0: [2]}, dropped=(0, 1))) == []


def test_without_pairs_over_capacity_is_reported_as_before():
    problem = Problem(
        time_s=(line(0, 1, 2),), nodes=(node(demand=2),) * 2, vehicles=(vehicle(capacity=3),)
    )
    assert check(problem, Solution((schedule(problem, 0, [0, 1]),), ())) == [
        "vehicle 0: over capacity"
    ]


# Repair on an open line: the depot at 0, every node optional.
def repair_problem(positions: tuple[int, ...], *nodes: Node, pairs: tuple[Pair, ...],
                   capacity: int, vehicles: int = 1) -> Problem:  # fmt: skip
    return Problem(
        time_s=(line(0, *positions),),
        nodes=tuple(replace_penalty(n) for n in nodes),
        vehicles=(vehicle(capacity=capacity),) * vehicles,
        return_to_depot=False,
        pairs=pairs,
    )


def replace_penalty(n: Node) -> Node:
    return Node(n.demand, n.service_s, n.window_start_s, n.window_end_s, drop_penalty=1)


def test_repair_inserts_a_dropped_pair_together_pickup_first():
    # The home (node 2, at 250) lies before the station (node 1, at 300) on the way out:
    # without the pair 0, 2, 1 would be shortest (300 s); with it 0, 1, 2 is (350 s).
    p = repair_problem(
        (200, 300, 250), node(demand=1), node(), node(), pairs=(Pair(1, 2, 1),), capacity=2
    )
    answer = Solution((schedule(p, 0, [0]),), dropped=(1, 2))
    repaired = repair(p, answer)
    assert check(p, repaired) == [] and repaired.dropped == ()
    assert paths(repaired) == {0: [0, 1, 2]}


def test_repair_keeps_the_load_on_board_within_capacity():
    # Capacity 1 and a pair already served (0 → 2): the cheapest order for the second pair
    # (1 → 3) overlaps the first, with two on board; repair serves it after the first.
    p = repair_problem(
        (100, 110, 200, 210), node(), node(), node(), node(),
        pairs=(Pair(0, 2, 1), Pair(1, 3, 1)), capacity=1,
    )  # fmt: skip
    answer = Solution((schedule(p, 0, [0, 2]),), dropped=(1, 3))
    repaired = repair(p, answer)
    assert check(p, repaired) == [] and repaired.dropped == ()
    assert paths(repaired) == {0: [0, 2, 1, 3]}


def test_repair_puts_a_node_from_the_depot_in_before_a_full_pickup():
    # Capacity 2, a pair of 2 items (0 → 1); node 2 (1 item from the depot, at 300) is
    # cheapest last, but then 3 items would be on board after the pickup: it goes first.
    p = repair_problem(
        (100, 200, 300), node(), node(), node(demand=1), pairs=(Pair(0, 1, 2),), capacity=2
    )
    answer = Solution((schedule(p, 0, [0, 1]),), dropped=(2,))
    repaired = repair(p, answer)
    assert check(p, repaired) == [] and repaired.dropped == ()
    assert paths(repaired) == {0: [2, 0, 1]}


def test_repair_leaves_a_pair_that_fits_nowhere_dropped_and_a_half_dropped_pair_alone():
    # Pair 0 → 1 (3 items) fits no vehicle of capacity 2; node 3 of pair 2 → 3 is dropped
    # while its pickup is served (a broken plan): repair does not insert half a pair.
    p = repair_problem(
        (100, 200, 300, 400), node(), node(), node(), node(),
        pairs=(Pair(0, 1, 3), Pair(2, 3, 1)), capacity=2,
    )  # fmt: skip
    answer = Solution((schedule(p, 0, [2]),), dropped=(0, 1, 3))
    assert repair(p, answer) == answer


def test_repair_prefers_a_used_vehicle_to_an_idle_one():
    p = repair_problem((100, 200), node(), node(), pairs=(), capacity=2, vehicles=2)
    answer = Solution((schedule(p, 0, [0]),), dropped=(1,))
    repaired = repair(p, answer)
    assert check(p, repaired) == [] and paths(repaired) == {0: [0, 1]}
