"""Time costs and priority-weighted drops in both engines, on tiny hand-checkable problems."""

from __future__ import annotations

import numpy as np
import pytest

from dispatch.routing import ortools_engine as solver
from dispatch.routing import portfolio
from dispatch.routing import pyvrp_engine as solver_pyvrp
from dispatch.routing.problem import (
    Node,
    Problem,
    Solution,
    SolveParams,
    TimeCost,
    Vehicle,
    VehicleRoute,
    Visit,
    check,
    cost,
    schedule,
)

QUICK = SolveParams(iterations=300, workers=1)
ENGINES = {"ortools": solver.solve, "pyvrp": solver_pyvrp.solve, "portfolio": portfolio.solve}


@pytest.fixture(params=sorted(ENGINES))
def engine(request):
    return ENGINES[request.param]


def line(*positions: int) -> np.ndarray:
    p = np.array(positions, dtype=np.int64)
    return np.abs(p[:, None] - p[None, :])


def vehicle(**fields) -> Vehicle:
    return Vehicle(
        **{"profile": 0, "capacity": 10, "earliest_start_s": 500, "latest_end_s": 10_000, **fields}
    )


def node(**fields) -> Node:
    return Node(
        **{"demand": 1, "service_s": 10, "window_start_s": 0, "window_end_s": 10_000, **fields}
    )


def test_a_node_costing_each_minute_late_is_served_right_after_departure(engine):
    # Cooked at 0, free to leave at 500, 100 s away: started at 600, not at the 9,990 limit.
    problem = Problem(
        time_s=(line(0, 100),),
        nodes=(node(time_costs=(TimeCost(0, late_per_min=20),)),),
        vehicles=(vehicle(),),
        return_to_depot=False,
    )
    solution = engine(problem, QUICK)
    (route,) = solution.routes
    assert (route.departure_s, route.visits[0].start_s) == (500, 600)
    assert check(problem, solution) == []
    assert cost(problem, solution) == (0, 1, 100 + 20 * 600 / 60)


def test_a_preferred_time_is_met_by_the_departure():
    # Node 1 wants its start at 2,000 (120 per minute either way); node 0 on the way costs
    # 20 per minute from 0. Leaving at 1,790 meets 2,000 exactly: every minute earlier
    # saves node 0 only 20 and costs node 1 120.
    problem = Problem(
        time_s=(line(0, 100, 200),),
        nodes=(
            node(time_costs=(TimeCost(0, late_per_min=20),)),
            node(time_costs=(TimeCost(2_000, early_per_min=120, late_per_min=120),)),
        ),
        vehicles=(vehicle(),),
        return_to_depot=False,
    )
    route = schedule(problem, 0, [0, 1])
    assert route.departure_s == 2_000 - 100 - 10 - 100
    assert [v.start_s for v in route.visits] == [1_890, 2_000]


def test_without_time_costs_the_schedule_leaves_as_late_as_the_windows_allow():
    problem = Problem(
        time_s=(line(0, 100),),
        nodes=(node(window_start_s=1_000, window_end_s=1_200),),
        vehicles=(vehicle(),),
        return_to_depot=False,
    )
    route = schedule(problem, 0, [0])
    assert (route.departure_s, route.visits[0].start_s) == (1_100, 1_200)


def test_a_heavier_drop_penalty_outweighs_two_nearer_nodes(engine):
    # Room for two meals: the far node (2 meals, weight 3 as a priority-1 client would
    # have beside two lower ones) is served, the two near ones (weight 1 each) are dropped.
    problem = Problem(
        time_s=(line(0, 2_000, 100, 110),),
        nodes=(
            node(demand=2, drop_penalty=3),
            node(drop_penalty=1),
            node(drop_penalty=1),
        ),
        vehicles=(vehicle(capacity=2),),
        return_to_depot=False,
    )
    solution = engine(problem, QUICK)
    assert check(problem, solution) == []
    assert sorted(solution.dropped) == [1, 2]


def test_the_portfolio_counts_time_costs_for_either_engine():
    # The same route, started later, costs 20 per minute more.
    problem = Problem(
        time_s=(line(0, 100),),
        nodes=(node(time_costs=(TimeCost(0, late_per_min=20),)),),
        vehicles=(vehicle(),),
        return_to_depot=False,
    )
    soon = Solution(routes=(schedule(problem, 0, [0]),), dropped=())
    late = Solution(routes=(VehicleRoute(0, 1_100, (Visit(0, 1_200),)),), dropped=())
    assert check(problem, late) == []
    assert cost(problem, late)[2] - cost(problem, soon)[2] == 20 * 600 / 60
    assert portfolio.best(problem, [late, soon]) is soon
