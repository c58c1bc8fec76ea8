"""The engines (OR-Tools, PyVRP, the portfolio) on tiny hand-checkable problems."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

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
    Vehicle,
    VehicleRoute,
    Visit,
    check,
    cost,
)

QUICK = SolveParams(iterations=300, workers=1)  # reproducible on any machine
ENGINES = {
    "ortools": solver.solve,
    "pyvrp": solver_pyvrp.solve,
    "portfolio": portfolio.solve,
}
REPO = Path(__file__).resolve().parents[2]
SOLOMON = REPO.parent / "shared" / "benchmarks" / "solomon"


def line(*positions: int) -> np.ndarray:
    """Travel seconds between points on a line; the depot is the first position."""
    p = np.array(positions, dtype=np.int64)
    return np.abs(p[:, None] - p[None, :])


def vehicle(**fields) -> Vehicle:
    return Vehicle(
        **{"profile": 0, "capacity": 10, "earliest_start_s": 0, "latest_end_s": 10_000, **fields}
    )


def node(**fields) -> Node:
    return Node(
        **{"demand": 1, "service_s": 10, "window_start_s": 0, "window_end_s": 10_000, **fields}
    )


def route_of(solution: Solution, vehicle_index: int) -> list[int]:
    (route,) = [r for r in solution.routes if r.vehicle == vehicle_index]
    return [v.node for v in route.visits]


@pytest.fixture(params=sorted(ENGINES))
def engine(request):
    return ENGINES[request.param]


def test_all_mandatory_nodes_are_served_and_the_plan_checks(engine):
    problem = Problem(
        time_s=(line(0, 100, 200, 300),),
        nodes=(node(), node(), node()),
        vehicles=(vehicle(), vehicle()),
    )
    solution = engine(problem, QUICK)
    assert check(problem, solution) == []
    assert solution.dropped == ()
    assert sorted(v.node for r in solution.routes for v in r.visits) == [0, 1, 2]


def test_fewer_vehicles_are_preferred_over_shorter_travel(engine):
    # Two vehicles would travel 2 x 200 = 400; one vehicle travels 100 + 100 + 200 = 400
    # on a closed route, and wins because a vehicle costs more than any travel.
    problem = Problem(
        time_s=(line(0, -100, 100),),
        nodes=(node(), node()),
        vehicles=(vehicle(), vehicle(), vehicle()),
    )
    solution = engine(problem, QUICK)
    assert check(problem, solution) == []
    assert len(solution.routes) == 1


def test_node_goes_only_to_an_allowed_vehicle(engine):
    problem = Problem(
        time_s=(line(0, 100, 110),),
        nodes=(node(allowed_vehicles=(1,)), node()),
        vehicles=(vehicle(), vehicle()),
    )
    solution = engine(problem, QUICK)
    assert check(problem, solution) == []
    assert 0 in route_of(solution, 1)


def test_optional_node_with_an_impossible_window_is_dropped(engine):
    # The depot opens at 0 and the node is 500 s away, but its window ends at 300.
    problem = Problem(
        time_s=(line(0, 100, 500),),
        nodes=(node(), node(window_end_s=300, drop_penalty=1)),
        vehicles=(vehicle(),),
    )
    solution = engine(problem, QUICK)
    assert check(problem, solution) == []
    assert solution.dropped == (1,)


def test_open_route_span_bound_splits_the_work(engine):
    # Nodes 190 s either side of the depot, 10 s service, span at most 300 s. Open routes
    # end after the last service: one node per vehicle takes 200 s (a closed route would
    # take 390 s), both on one vehicle 590 s. So two vehicles, 380 s of travel.
    problem = Problem(
        time_s=(line(0, 190, -190),),
        nodes=(node(), node()),
        vehicles=(vehicle(max_span_s=300), vehicle(max_span_s=300)),
        return_to_depot=False,
    )
    solution = engine(problem, QUICK)
    assert check(problem, solution) == []
    assert cost(problem, solution) == (0, 2, 380)


def test_departure_is_as_late_as_the_windows_allow(engine):
    problem = Problem(
        time_s=(line(0, 100),),
        nodes=(node(window_start_s=1_000, window_end_s=1_200),),
        vehicles=(vehicle(),),
        return_to_depot=False,
    )
    (route,) = engine(problem, QUICK).routes
    assert (route.departure_s, route.visits[0].start_s) == (1_100, 1_200)


def test_checker_reports_a_start_outside_the_window():
    problem = Problem(time_s=(line(0, 100),), nodes=(node(window_end_s=50),), vehicles=(vehicle(),))
    bad = Solution(routes=(VehicleRoute(0, 0, (Visit(0, 100),)),), dropped=())
    assert any("window" in p for p in check(problem, bad))


def test_portfolio_in_two_processes_keeps_a_valid_plan():
    problem = Problem(
        time_s=(line(0, 100, 200, 300),),
        nodes=(node(), node(), node(allowed_vehicles=(0,))),
        vehicles=(vehicle(), vehicle()),
    )
    solution = portfolio.solve(problem, SolveParams(iterations=300, workers=2))
    assert check(problem, solution) == []


@pytest.mark.skipif(not SOLOMON.is_dir(), reason="benchmark data not present")
def test_solomon_c101_reaches_the_best_known_fleet_and_checks_in_doubles():
    spec = importlib.util.spec_from_file_location("vrptw", REPO / "benchmarks" / "vrptw.py")
    assert spec is not None and spec.loader is not None
    vrptw = importlib.util.module_from_spec(spec)
    sys.modules["vrptw"] = vrptw
    spec.loader.exec_module(vrptw)
    inst = vrptw.read_instance(SOLOMON / "C101.txt")
    routes = vrptw.solve_ours(inst, vrptw.integer_travel(inst), 3.0, 1)
    assert routes is not None
    assert vrptw.check(inst, routes) == []
    assert len([r for r in routes if r]) == 10
    assert vrptw.total_distance(inst, routes) == pytest.approx(828.94, abs=0.01)


def test_fleet_lower_bound_counts_load_and_working_time():
    by_load = Problem(
        time_s=(line(0, 1, 2, 3, 4, 5),), nodes=(node(),) * 5, vehicles=(vehicle(capacity=2),) * 5
    )
    assert solver_pyvrp.fleet_lower_bound(by_load) == 3
    # Each node needs 100 s to reach and 10 s to serve; a shift of 250 s holds two of them.
    by_time = Problem(
        time_s=(line(0, 100, 200, 300, 400, 500),),
        nodes=(node(),) * 5,
        vehicles=(vehicle(latest_end_s=250),) * 5,
    )
    assert solver_pyvrp.fleet_lower_bound(by_time) == 3
    assert solver_pyvrp.fleet_lower_bound(replace(by_time, vehicles=(vehicle(),) * 5)) == 1


def test_fleet_search_prices_lateness_on_the_travel_scale_only_for_long_routes():
    problem = Problem(time_s=(line(0, 1, 2, 3),), nodes=(node(),) * 3, vehicles=(vehicle(),) * 3)
    data = solver_pyvrp._problem_data(problem, solver_pyvrp._groups(problem))
    pyvrp_default = solver_pyvrp._fleet_search_params(100, 8).penalty.midpoint_penalties(data)
    long_routes = solver_pyvrp._fleet_search_params(100, 2).penalty.midpoint_penalties(data)
    assert long_routes[1] == 500 < pyvrp_default[1]  # one second late: 500 s of travel
    assert long_routes[0] == pyvrp_default[0]  # a meal over capacity keeps PyVRP's price


def test_climbing_balance_shares_the_stairs_between_vehicles():
    # Two walk-ups (10 floors each) side by side, two lift buildings side by side; each
    # vehicle carries two meals. Least travel pairs the walk-ups; balance splits them.
    nodes = (
        node(stairs_floors=10),
        node(stairs_floors=10),
        node(),
        node(),
    )
    travel = line(0, 100, 101, -100, -101)
    vehicles = (vehicle(capacity=2), vehicle(capacity=2))
    plain = Problem(time_s=(travel,), nodes=nodes, vehicles=vehicles)
    balanced = Problem(time_s=(travel,), nodes=nodes, vehicles=vehicles, climb_balance_cost=100)
    floors = lambda s: sorted(sum(nodes[v.node].stairs_floors for v in r.visits) for r in s.routes)  # noqa: E731
    assert floors(solver.solve(plain, QUICK)) == [0, 20]
    answer = solver.solve(balanced, QUICK)
    assert floors(answer) == [10, 10] and check(balanced, answer) == []
    assert cost(balanced, answer) < cost(balanced, solver.solve(plain, QUICK))


def test_keep_cost_keeps_nodes_with_their_previous_vehicle():
    # Two identical vehicles, two nodes: travel cannot tell them apart, the keep cost can.
    nodes = (
        node(preferred_vehicle=1, keep_weight=1),
        node(preferred_vehicle=0, keep_weight=1),
    )
    travel = line(0, 50, -50)
    vehicles = (vehicle(capacity=1), vehicle(capacity=1))
    problem = Problem(time_s=(travel,), nodes=nodes, vehicles=vehicles, keep_cost=600)
    answer = solver.solve(problem, QUICK)
    assert (route_of(answer, 0), route_of(answer, 1)) == ([1], [0])
    assert cost(problem, answer)[2] == 200  # out and back twice, nobody moved: no keep cost


@pytest.mark.parametrize("engine_name", sorted(ENGINES))
def test_an_iteration_budget_gives_the_same_answer_every_time(engine_name):
    """The budget counts iterations, not seconds: what a busy machine finds, an idle one does."""
    problem = Problem(
        time_s=(line(0, 100, 250, 400, 900, 1300),),
        nodes=(node(), node(), node(window_end_s=500), node(), node()),
        vehicles=(vehicle(capacity=3), vehicle(capacity=3)),
    )
    params = SolveParams(iterations=200, seed=7, workers=1)
    first, second = (ENGINES[engine_name](problem, params) for _ in range(2))
    assert first == second and check(problem, first) == []
